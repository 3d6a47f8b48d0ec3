// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's server sides: an op is dispatched on its prefix to the side that declares it
 * (the registry's experiments, exp/side.h), one side up on the device at a time, its state
 * one pointer. The agent knows no experiment: what a side does, what it leaves behind a
 * SIGKILL and which ops it has, the side says.
 */
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "exp/exp.h"
#include "exp/side.h"

/* The sides of commands of their own (try), handed over by main: not the registry's. */
#define AGENT_MORE_SIDES 4
static const struct exp_side *more_sides[AGENT_MORE_SIDES];
static size_t n_more;

void agent_side_add(const struct exp_side *s)
{
	size_t i;

	for (i = 0; i < n_more && more_sides[i] != s; i++)
		;
	if (i == n_more && n_more < AGENT_MORE_SIDES)
		more_sides[n_more++] = s;
}

const struct exp_side *agent_side(size_t i)
{
	size_t k, n = 0;

	for (k = 0; k < exp_count; k++) {
		const struct exp_side *s = exp_table[k]->side;
		size_t j;

		if (!s)
			continue;
		/* two experiments may share one side (kv and kv-afxdp): it is served once */
		for (j = 0; j < k && exp_table[j]->side != s; j++)
			;
		if (j == k && n++ == i)
			return s;
	}
	return i - n < n_more ? more_sides[i - n] : NULL;
}

const struct exp_side *agent_side_find(const char *op)
{
	const struct exp_side *s;
	size_t i;

	for (i = 0; (s = agent_side(i)); i++)
		if (!strncmp(op, s->prefix, strlen(s->prefix)))
			return s;
	return NULL;
}

static void agent_event(const char *text)
{
	agent_announce("%s", text);
}

/* env->record: the serving side's record into the state file, before what it names is made. */
static int agent_record(void *ctx, json_t *rec)
{
	struct agent *a = ctx;

	json_decref(a->rec);
	a->rec = rec;
	return agent_state_write(a);
}

/* The record gone from the state file (the side is down: it removed what it named). */
static void record_clear(struct agent *a)
{
	if (!a->rec)
		return;
	json_decref(a->rec);
	a->rec = NULL;
	if (a->state[0])
		agent_state_write(a);
}

void agent_side_stale(struct agent *a, const char *prefix, json_t *rec)
{
	const struct exp_side *s = prefix && *prefix ? agent_side_find(prefix) : NULL;
	struct side_env env = { .tb = &a->tb, .say = agent_event };

	if (!s || !s->stale || !rec)
		return;
	if (tb_attach_host(&a->tb, TB_DUT, a->dev, NULL, NULL)) {
		agent_announce("cannot use %s to undo what an earlier agent's %s side left", a->dev,
			       s->prefix);
		return;
	}
	s->stale(&env, rec);
	tb_destroy(&a->tb);
}

void agent_op_side(struct agent *a, const struct exp_side *s, json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "op"));
	const struct side_op *op = side_op_find(s, name);
	struct side_env env = {
		.tb = &a->tb, .say = agent_event, .record = agent_record, .ctx = a
	};
	void *none = NULL, **state = &a->side_state;
	char why[300] = "";
	json_t *ans;
	int err;

	if (op && op->kind == SIDE_UP) {
		if (!a->ifindex || a->side) {
			agent_fail(!a->ifindex ? "no device yet (op device first)"
					       : "something is already up on the device (its _down "
						 "first)");
			return;
		}
		err = tb_attach_host(&a->tb, TB_DUT, a->dev, NULL, NULL);
		if (err) {
			agent_fail("use %s: %s", a->dev, strerror(-err));
			tb_destroy(&a->tb);
			return;
		}
	} else if (a->side != s) {
		state = &none; /* not this side's: refused as a side that is down */
	}
	a->serving = state != &none ? s : a->side;
	ans = side_serve(s, &env, state, req, why, sizeof(why));
	if (op && op->kind == SIDE_UP)
		a->side = ans ? s : NULL;
	if (op && op->kind == SIDE_UP && !ans) {
		record_clear(a); /* a failed up removes what it made */
		tb_destroy(&a->tb);
	}
	if (op && op->kind == SIDE_DOWN && state != &none) {
		record_clear(a);
		a->side = NULL;
		tb_destroy(&a->tb);
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
	}
	if (ans)
		agent_say(ans);
	else
		agent_fail("%s", why);
}

void agent_side_end(struct agent *a)
{
	struct side_env env = { .tb = &a->tb, .say = NULL };

	if (!a->side)
		return;
	json_decref(a->side->down(&env, a->side_state));
	json_decref(a->rec);
	a->rec = NULL;
	a->side = NULL;
	a->side_state = NULL;
	tb_destroy(&a->tb);
}
