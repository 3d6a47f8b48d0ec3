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

#include <stddef.h>

struct exp_side;
/*
 * Every server side the agent serves, i from 0 (NULL past the last): the registry's
 * experiments' (a side two share is served once), then those added. agent_side_find: the one
 * whose prefix op starts with.
 */
const struct exp_side *agent_side(size_t i);
const struct exp_side *agent_side_find(const char *op);
/*
 * A side of a command of its own (try's), not in the registry: main hands it over, so that the
 * agent serves it knowing no command. Before agent_main(); a few at most.
 */
void agent_side_add(const struct exp_side *s);

/* offloadlab agent --stdio */
int agent_main(int argc, char **argv);

#endif
