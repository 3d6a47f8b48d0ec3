// SPDX-License-Identifier: GPL-2.0
/*
 * An experiment's server side (exp/side.h): served here on the testbed's dut end, or asked of
 * the agent on the other host. Both ends serve a request with side_serve(), so a side behaves
 * the same wherever it runs; only side_call() knows which it is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exp/exp.h"
#include "exp/side.h"
#include "lib/log.h"
#include "remote/remote.h"

void side_announce(const struct side_env *env, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (env->say)
		env->say(buf);
	else
		log_debug("dut: %s", buf);
}

int side_record(const struct side_env *env, json_t *rec)
{
	if (!env->record) {
		json_decref(rec);
		return 0;
	}
	return env->record(env->ctx, rec);
}

const struct side_op *side_op_find(const struct exp_side *s, const char *op)
{
	const struct side_op *o;

	for (o = s ? s->ops : NULL; o && o->name; o++)
		if (!strcmp(o->name, op))
			return o;
	return NULL;
}

/* The side's up op, for "(bw_up first)". */
static const char *up_name(const struct exp_side *s)
{
	const struct side_op *o;

	for (o = s->ops; o && o->name; o++)
		if (o->kind == SIDE_UP)
			return o->name;
	return "?";
}

json_t *side_serve(const struct exp_side *s, const struct side_env *env, void **state, json_t *req,
		   char *why, size_t whylen)
{
	const char *name = json_string_value(json_object_get(req, "op"));
	const struct side_op *op = name ? side_op_find(s, name) : NULL;
	json_t *ans = NULL, *ok;

	if (!op) {
		snprintf(why, whylen, "no op '%.40s' in protocol version %d", name ? name : "",
			 AGENT_PROTO_VERSION);
		return NULL;
	}
	if (op->kind == SIDE_UP && *state) {
		snprintf(why, whylen, "something is already up on the device (its _down first)");
		return NULL;
	}
	if (op->kind != SIDE_UP && !*state) {
		snprintf(why, whylen, "this server side is not up (%s first)", up_name(s));
		return NULL;
	}
	if (op->kind == SIDE_UP) {
		ans = s->up(env, req, state, why, whylen);
		if (!ans)
			*state = NULL;
	} else if (op->kind == SIDE_DOWN) {
		ans = s->down(env, *state);
		*state = NULL;
		if (!ans)
			ans = json_object();
	} else {
		ans = s->op(env, *state, name, req, why, whylen);
	}
	if (!ans)
		return NULL;
	/* "ok" first, as every answer of the protocol has it */
	ok = json_pack("{s:b}", "ok", 1);
	if (!ok || json_object_update(ok, ans)) {
		json_decref(ok);
		ok = NULL;
		snprintf(why, whylen, "out of memory");
	}
	json_decref(ans);
	return ok;
}

void side_op_row(const struct side_op *op, char *buf, size_t len)
{
	const char *cell[] = { op->req, op->ans, op->doc };
	size_t i, n;

	n = (size_t)snprintf(buf, len, "| `%s` |", op->name);
	/* an empty cell is "| |", as the document's tables have it */
	for (i = 0; i < 3 && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s |", cell[i] && *cell[i] ? " " : "",
				      cell[i] ? cell[i] : "");
}

static void here_env(struct exp_ctx *x, struct side_env *env)
{
	env->tb = x->tb;
	env->say = NULL;
	env->record = NULL;
	env->ctx = NULL;
}

json_t *side_call(struct exp_ctx *x, json_t *req, char *why, size_t whylen)
{
	const struct side_op *op;
	struct side_env env;
	json_t *ans;

	op = x->e && x->e->side
		     ? side_op_find(x->e->side, json_string_value(json_object_get(req, "op")))
		     : NULL;
	if (x->remote) {
		ans = remote_call(x->remote, req, why, whylen);
	} else if (!x->e || !x->e->side) {
		snprintf(why, whylen, "this experiment has no server side");
		json_decref(req);
		return NULL;
	} else {
		here_env(x, &env);
		ans = side_serve(x->e->side, &env, &x->side, req, why, whylen);
		json_decref(req);
	}
	if (ans && op)
		x->side_up = op->kind == SIDE_UP     ? true
			     : op->kind == SIDE_DOWN ? false
						     : x->side_up;
	return ans;
}

int side_ok(struct exp_ctx *x, json_t *req, char *why, size_t whylen)
{
	json_t *a = side_call(x, req, why, whylen);

	json_decref(a);
	return a ? 0 : -EIO;
}

bool side_alive(const struct exp_ctx *x)
{
	return !x->remote || remote_alive(x->remote);
}

const char *side_host(const struct exp_ctx *x)
{
	return x->remote ? remote_opts_of(x->remote)->host : "this host";
}

void side_end(struct exp_ctx *x)
{
	const struct side_op *o;
	char why[200];

	if (!x->side_up || !x->e || !x->e->side)
		return;
	for (o = x->e->side->ops; o->name && o->kind != SIDE_DOWN; o++)
		;
	if (o->name && side_alive(x) &&
	    side_ok(x, json_pack("{s:s}", "op", o->name), why, sizeof(why)))
		log_info("%s: could not take its server side down: %s", x->e->name, why);
	x->side_up = false;
}
