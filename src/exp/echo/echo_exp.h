/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ECHO_EXP_H
#define OLAB_ECHO_EXP_H

#include "exp/exp.h"

int echo_run(struct exp_ctx *x);
int echo_configure(void *skel, const struct run_opts *o);
/* offloadlab echo serve ... (argv[0] is "serve") */
int echo_serve_main(int argc, char **argv);

#endif
