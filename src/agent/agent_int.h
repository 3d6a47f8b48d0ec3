/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AGENT_INT_H
#define OLAB_AGENT_INT_H

/* The agent's own parts (agent.c: the requests; agent_dev.c: its device and its state). */

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Its own folder: /run/offloadlab may be made by others (a service's RuntimeDirectory, 0755) */
#define AGENT_STATE_PARENT "/run/offloadlab"
#define AGENT_STATE_DIR AGENT_STATE_PARENT "/agent"

struct agent {
	char dev[IF_NAMESIZE];
	int ifindex;
	char threaded_before; /* '0' or '1' as found in /sys, 0 when unknown */
	char state[160];      /* the state file while the device is ours */
	char lock[160];	      /* the device's lock file, held (lock_fd) while it is ours */
	int lock_fd;
	struct echo_side *echo;
	struct bw_agent *bw;
	struct pp_side *pp;
	struct iso_agent *iso;
	struct hooks_side *hk;
	struct kv_side *kv;
};

/* One line of JSON to the driver (o is stolen). */
void agent_say(json_t *o);
/* A change about to be made on this host, named before it is made. */
void agent_announce(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A refused request: {"ok": false, "error": ...}. */
void agent_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The device op: takes the device for this agent alone, or says why not. */
void agent_op_device(struct agent *a, json_t *req);
/* The device's threaded-NAPI setting back as this agent found it. */
void agent_threaded_restore(struct agent *a);
/* What this agent changed, for the next one should this one be killed (kv: it ran kv). */
int agent_state_write(const struct agent *a, bool kv);
/* The device's TC filters removed, its setting back, its state file and lock gone. */
void agent_dev_release(struct agent *a);
/* This host's other interfaces, comma-separated, into buf. */
const char *agent_other_ifs(const char *dev, char *buf, size_t len);

#endif
