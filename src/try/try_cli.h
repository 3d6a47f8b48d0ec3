/* SPDX-License-Identifier: GPL-2.0 */
/* offloadlab try's options (try_cli.c); inside src/try only. */
#ifndef OLAB_TRY_CLI_H
#define OLAB_TRY_CLI_H

#include <argp.h>

#include "try/try_int.h"

#define TRY_LOADS_N 4

extern const char try_doc[];
extern const struct argp_option try_options[];
error_t try_parse(int key, char *arg, struct argp_state *state);

#endif
