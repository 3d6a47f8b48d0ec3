/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TRY_H
#define OLAB_TRY_H

/*
 * offloadlab try: the study's question for the user's own server and offload program,
 * measured with kv's method (src/try/try.c).
 */
int try_main(int argc, char **argv);

#endif
