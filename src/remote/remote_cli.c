// SPDX-License-Identifier: GPL-2.0
/*
 * The two-host options, one table for every command that takes them (run, try), so that they
 * read and check the same everywhere (README 'Two machines').
 */
#include <arpa/inet.h>
#include <argp.h>
#include <string.h>

#include "lib/cli.h"
#include "remote/remote_cli.h"

enum {
	OPT_REMOTE = 0x1200, /* past every parent's own keys */
	OPT_DEV,
	OPT_RDEV,
	OPT_RADDR,
	OPT_RCMD,
	OPT_RBIN,
	OPT_ALLOW_DEF,
	OPT_RTIMEOUT
};

static const struct argp_option remote_options[] = {
	{ NULL, 0, NULL, 0,
	  "Two hosts (the generator here, the server there; README 'Two machines'):", 0 },
	{ "remote", OPT_REMOTE, "HOST", 0, "The server's host, reached by ssh", 0 },
	{ "dev", OPT_DEV, "DEV", 0, "The generator's device here", 0 },
	{ "remote-dev", OPT_RDEV, "DEV", 0, "The server's device there", 0 },
	{ "remote-addr", OPT_RADDR, "ADDR", 0, "The server's IPv4 address on it", 0 },
	{ "remote-cmd", OPT_RCMD, "CMD", 0,
	  "Run the agent with CMD instead of 'ssh -T -o BatchMode=yes HOST' (split on spaces, no "
	  "shell)",
	  0 },
	{ "remote-bin", OPT_RBIN, "PATH", 0, "offloadlab on the other host (default: offloadlab)",
	  0 },
	{ "allow-default-route-dev", OPT_ALLOW_DEF, NULL, 0,
	  "Let the agent use a device that carries its host's default route", 0 },
	{ "remote-timeout", OPT_RTIMEOUT, "SECONDS", 0,
	  "The longest one request to the agent may take, its progress lines included "
	  "(default: 120)",
	  0 },
	{ 0 },
};

/* Two hosts: every option they need (any one of them asks for two hosts). */
static void check(struct argp_state *state, struct remote_opts *r)
{
	struct in_addr ia;

	if (!r->host && !r->cmd && !r->dev && !r->remote_dev && !r->remote_addr)
		return;
	/* the command is split on spaces: one with no word in it would blame the host name */
	if (r->cmd && !r->cmd[strspn(r->cmd, " \t")])
		argp_error(state, "--remote-cmd is empty: give the command that reaches the other "
				  "host (e.g. 'ssh -p 2222 srv1'), or --remote HOST alone");
	if (!r->host)
		r->host = r->cmd ? "remote" : NULL;
	if (!r->host || !r->dev || !r->remote_dev || !r->remote_addr)
		argp_error(state, "two hosts need --remote HOST (or --remote-cmd), --dev, "
				  "--remote-dev and --remote-addr");
	if (inet_pton(AF_INET, r->remote_addr, &ia) != 1)
		argp_error(state, "--remote-addr takes an IPv4 address, not '%s'", r->remote_addr);
	if (!r->bin)
		r->bin = "offloadlab";
}

static error_t remote_parse(int key, char *arg, struct argp_state *state)
{
	struct remote_opts *r = state->input;

	switch (key) {
	case OPT_REMOTE:
		r->host = arg;
		break;
	case OPT_DEV:
		r->dev = arg;
		break;
	case OPT_RDEV:
		r->remote_dev = arg;
		break;
	case OPT_RADDR:
		r->remote_addr = arg;
		break;
	case OPT_RCMD:
		r->cmd = arg;
		break;
	case OPT_RBIN:
		r->bin = arg;
		break;
	case OPT_ALLOW_DEF:
		r->allow_default_route = true;
		break;
	case OPT_RTIMEOUT:
		r->timeout_s = (unsigned int)cli_arg_seconds(state, "--remote-timeout", arg);
		break;
	case ARGP_KEY_END:
		check(state, r);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp remote_argp = { remote_options, remote_parse, NULL, NULL, NULL, NULL, NULL };

bool remote_two_hosts(const struct remote_opts *r)
{
	return r->host != NULL;
}
