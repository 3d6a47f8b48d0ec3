/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AGENT_INT_H
#define OLAB_AGENT_INT_H

/*
 * The agent's own parts (agent.c: the requests; agent_side.c: the experiments' server sides;
 * agent_dev.c: its device and its state file).
 */

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "testbed/testbed.h"

/* Its own folder: /run/offloadlab may be made by others (a service's RuntimeDirectory, 0755) */
#define AGENT_STATE_PARENT "/run/offloadlab"
#define AGENT_STATE_DIR AGENT_STATE_PARENT "/agent"

struct exp_side;

struct agent {
	char dev[IF_NAMESIZE];
	int ifindex;
	char threaded_before; /* '0' or '1' as found in /sys, 0 when unknown */
	char state[160];      /* the state file while the device is ours */
	char lock[160];	      /* the device's lock file, held (lock_fd) while it is ours */
	int lock_fd;
	/* the one server side up on the device (found by its ops' prefix), its state, its tb */
	const struct exp_side *side;
	void *side_state;
	struct tb tb;
	/* the side being served (up, or coming up), and its record in the state file (side_record) */
	const struct exp_side *serving;
	json_t *rec;
};

/*
 * A killed agent's side's record (its state file's "rec", of the side of prefix), handed to
 * that side's stale() on the device this agent has just taken.
 */
void agent_side_stale(struct agent *a, const char *prefix, json_t *rec);
/* An op of a server side: up (one at a time on the device), its ops, down. */
void agent_op_side(struct agent *a, const struct exp_side *s, json_t *req);
/* The side that is up taken down (the agent's end). */
void agent_side_end(struct agent *a);

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
/*
 * What this agent changed, for the next one should this one be killed: its device's setting
 * and the serving side's record (a->rec).
 */
int agent_state_write(const struct agent *a);
/* The device's TC filters removed, its setting back, its state file and lock gone. */
void agent_dev_release(struct agent *a);

#endif
