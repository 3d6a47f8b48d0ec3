/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_REMOTE_CLI_H
#define OLAB_REMOTE_CLI_H

/*
 * The two-host options of the commands that drive a server side through the agent (run, try):
 * --remote, --dev, --remote-dev, --remote-addr, --remote-cmd, --remote-bin,
 * --allow-default-route-dev, --remote-timeout. An argp child whose input is the command's
 * struct remote_opts (state->child_inputs[i] = &opts at ARGP_KEY_INIT): it checks at
 * ARGP_KEY_END, before its parent's end, that two hosts have every option they need.
 */

#include <argp.h>
#include <stdbool.h>

#include "remote/remote.h"

extern const struct argp remote_argp;

/* Whether the parsed options ask for two hosts (the host is then set, --remote-cmd's "remote"). */
bool remote_two_hosts(const struct remote_opts *r);

#endif
