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
	return NULL;
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

void agent_op_side(struct agent *a, const struct exp_side *s, json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "op"));
	const struct side_op *op = side_op_find(s, name);
	struct side_env env = { .tb = &a->tb, .say = agent_event };
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
	ans = side_serve(s, &env, state, req, why, sizeof(why));
	if (op && op->kind == SIDE_UP)
		a->side = ans ? s : NULL;
	if (op && op->kind == SIDE_UP && !ans)
		tb_destroy(&a->tb);
	if (op && op->kind == SIDE_DOWN && state != &none) {
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
	a->side = NULL;
	a->side_state = NULL;
	tb_destroy(&a->tb);
}
