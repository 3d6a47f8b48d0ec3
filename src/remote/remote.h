/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_REMOTE_H
#define OLAB_REMOTE_H

/*
 * Two hosts: the generator here, the server and its offloads on another host, driven by
 * `offloadlab agent --stdio` there over a line-oriented JSON protocol on its standard input
 * and output (docs/agent-protocol.md). This is the driver's end, the transport: it starts the
 * agent, speaks the protocol and checks what comes back; it knows no experiment (they call it
 * through exp/side.h). The agent never listens on the network: the transport is ssh (or any
 * command given with --remote-cmd), so authentication and encryption are ssh's.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define AGENT_PROTO_VERSION 1
/* The longest a request may take, from sending it to its answer (events do not extend it). */
#define REMOTE_TIMEOUT_S 120

struct remote_opts {
	const char *host;	 /* for ssh, and the report */
	const char *cmd;	 /* replaces "ssh -T -o BatchMode=yes HOST"; split on spaces */
	const char *bin;	 /* the agent's offloadlab on the other host */
	const char *dev;	 /* the generator's device here */
	const char *remote_dev;	 /* the server's device there */
	const char *remote_addr; /* the server's IPv4 address there */
	bool allow_default_route;
	unsigned int timeout_s; /* per request (0: REMOTE_TIMEOUT_S) */
};

struct remote;

/*
 * Starts the agent, checks the protocol version and its device; *env gets the other host's
 * environment block (the caller's). 0, or -errno with why written.
 */
int remote_open(const struct remote_opts *o, struct remote **out, json_t **env, char *why,
		size_t whylen);
/*
 * One request (stolen), its answer (the caller's), or NULL with why written: the agent's
 * error, or the connection's. Lines the agent sends first ({"event": ...}) are printed.
 */
json_t *remote_call(struct remote *r, json_t *req, char *why, size_t whylen);
/* Says bye, waits for the agent to clean up and end (killing it after a few seconds). */
void remote_close(struct remote *r);
/* Whether the agent is still there (a call that lost it makes every later one fail). */
bool remote_alive(const struct remote *r);
/* The server's device's MAC, as its agent said (zero when it could not). */
void remote_peer_mac(const struct remote *r, uint8_t mac[6]);
const struct remote_opts *remote_opts_of(const struct remote *r);

#endif
