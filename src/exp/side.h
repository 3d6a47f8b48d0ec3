/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_SIDE_H
#define OLAB_SIDE_H

/*
 * An experiment's server side: what runs on the host under test (its programs, servers and
 * counters), apart from the generator. It is part of the experiment (struct experiment's
 * .side) and speaks in requests, one JSON object each with an "op" that starts with the side's
 * prefix, answered with one object. The experiment calls it through side_call(), the one place
 * that knows where it runs: here, on the testbed's dut end, or on the other host through the
 * agent (run --remote), which finds the side by the op's prefix in the registry and holds its
 * state. docs/agent-protocol.md lists every side's ops (checked against ops[] by a test).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct exp_ctx;
struct tb;

/* Where a side runs. */
struct side_env {
	/*
	 * Its device: tb->dut (name, index, address, MAC; tb->dut_cpu is the server's CPU), the
	 * testbed's dut end here or the agent's device there (tb->two_hosts). The side is called
	 * in the caller's namespace and enters the device's with tb_enter(tb, TB_DUT) where it
	 * matters (sockets, attaching); on the agent's host that is its own.
	 */
	struct tb *tb;
	/* the agent's event line; NULL here (said at debug level) */
	void (*say)(const char *text);
	/*
	 * The agent's: keeps rec (stolen) in its state file while the side is up, for the next
	 * agent on the device to undo (the side's stale()) should this one be killed; a new
	 * record replaces the last. NULL here: after a kill, the next run removes the testbed's
	 * namespaces and with them the devices' programs. Call it through side_record().
	 */
	int (*record)(void *ctx, json_t *rec);
	void *ctx;
};

/*
 * What this side has made that outlives the agent's process (a program an --attach command
 * attached, a pin), recorded before or as it is made: 0, or -errno (then the side does not
 * make it). rec (stolen) is the side's own JSON; NULL clears the record.
 */
int side_record(const struct side_env *env, json_t *rec);

/* A change about to be made on this host, said before it is made (the agent's event line). */
void side_announce(const struct side_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum side_op_kind { SIDE_OP, SIDE_UP, SIDE_DOWN };

/* One op a side serves, as docs/agent-protocol.md shows it (a test checks that it does). */
struct side_op {
	const char *name; /* the side's prefix, then a word: "bw_up" */
	enum side_op_kind kind;
	const char *req; /* its request fields, as the document's table shows them */
	const char *ans; /* its answer fields */
	const char *doc; /* what it does */
};

/*
 * A TC filter a side attaches with a fixed handle and priority. XDP programs and sk_skb
 * verdicts go with the process that holds them, even on SIGKILL; a filter stays: the next
 * agent on the device removes the ones a killed agent left.
 */
struct side_leave {
	const char *what; /* "the bandwidth TC filter", for the agent's log */
	bool egress;
	uint32_t handle, priority;
};

struct exp_side {
	const char *prefix;		 /* of its ops: "bw_" */
	const struct side_op *ops;	 /* one SIDE_UP, one SIDE_DOWN; ends with a NULL name */
	const struct side_leave *leaves; /* ends with a NULL what; NULL: none */
	/*
	 * The up op: the side's state (*state, its own) from the request, every change named
	 * (side_announce) before it is made. The answer's fields (a new object, empty for none),
	 * or NULL with why written and nothing left up.
	 */
	json_t *(*up)(const struct side_env *env, json_t *req, void **state, char *why,
		      size_t whylen);
	/* Any other op but the down op: its answer's fields, or NULL with why written. */
	json_t *(*op)(const struct side_env *env, void *state, const char *op, json_t *req,
		      char *why, size_t whylen);
	/*
	 * The down op, and any other end (the agent's bye, its input's end, a signal; the run's
	 * end here): everything removed, state freed. Its answer's fields (or NULL for none).
	 */
	json_t *(*down)(const struct side_env *env, void *state);
	/*
	 * A record a killed agent's side left (side_record()), undone by the next agent on the
	 * device (env->tb its device, env->say its event line) before it takes the device, so
	 * that only what is still there and still the same object goes. NULL: it records nothing
	 * (whatever it makes goes with the agent's process, or is a declared leave).
	 */
	void (*stale)(const struct side_env *env, json_t *rec);
};

/* The side's op of that name, or NULL. */
const struct side_op *side_op_find(const struct exp_side *s, const char *op);

/*
 * One request served by side s with its state *state (NULL while it is down): the up op makes
 * it, the down op frees it, the others need it. The answer ({"ok": true, ...}, the caller's)
 * or NULL with why written. req is the caller's.
 */
json_t *side_serve(const struct exp_side *s, const struct side_env *env, void **state, json_t *req,
		   char *why, size_t whylen);

/* The document's table row for op: "| `op` | req | ans | doc |". */
void side_op_row(const struct side_op *op, char *buf, size_t len);

/*
 * One request (stolen) to the experiment's server side: served here (the testbed's dut end),
 * or by the agent on the other host with two hosts. The answer ({"ok": true, ...}, the
 * caller's) or NULL with why written: the side's refusal, or the agent's loss.
 */
json_t *side_call(struct exp_ctx *x, json_t *req, char *why, size_t whylen);
/* side_call() for an answer the caller does not read: 0, or -EIO with why written. */
int side_ok(struct exp_ctx *x, json_t *req, char *why, size_t whylen);
/* Whether the side can still be asked (false once the agent is gone). */
bool side_alive(const struct exp_ctx *x);
/* The host the server side runs on, for notes and errors. */
const char *side_host(const struct exp_ctx *x);
/* The runner's, after run(): a side the experiment left up is taken down. */
void side_end(struct exp_ctx *x);

#endif
