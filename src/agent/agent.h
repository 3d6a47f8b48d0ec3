/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AGENT_H
#define OLAB_AGENT_H

/*
 * `offloadlab agent --stdio`: the server's side of the experiments on this host, driven over
 * its standard input and output by `run --remote` on another (docs/agent-protocol.md). The
 * driver's end, the transport, is remote/remote.h.
 */

/*
 * Transitional (issue 25, phase 2 removes it): the experiments that still call remote_call()
 * directly (echo, preproc, isolation, kv) include this header for it; scripts/deps-check.sh
 * lists them.
 */
#include "remote/remote.h"

/* offloadlab agent --stdio */
int agent_main(int argc, char **argv);

#endif
