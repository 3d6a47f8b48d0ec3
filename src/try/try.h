/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TRY_H
#define OLAB_TRY_H

/*
 * offloadlab try: the study's question for the user's own server and offload program,
 * measured with kv's method (src/try/try.c).
 */
int try_main(int argc, char **argv);

/*
 * Its server side (exp/side.h): the user's server and the offload on the testbed's dut end,
 * or on the agent's host (try --remote): main hands it to the agent, which knows no command.
 */
struct exp_side;
extern const struct exp_side try_side;

#endif
