// SPDX-License-Identifier: GPL-2.0
/*
 * try's server side (exp/side.h): the user's server on the dut's end, pinned as kv pins
 * memcached, and the offload put on its device and taken off again for each phase. Every
 * program it attached, and every program an --attach command left after its --detach, is gone
 * at its end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "lib/attach.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "try/try.h"
#include "try/try_int.h"
#include "try/try_offload.h"
#include "try/try_pin.h"
#include "try/try_server.h"
#include "echo.skel.h"

const char *const try_kind_name[] = {
	[TK_NONE] = "none",	      [TK_XDP] = "xdp",	      [TK_TC_INGRESS] = "tc-ingress",
	[TK_TC_EGRESS] = "tc-egress", [TK_SK_SKB] = "sk-skb", [TK_CMD] = "attach",
	[TK_CEIL] = "ceiling"
};

struct tside {
	struct try_server srv;
	struct try_argv *detach; /* the --detach command, or NULL */
	uint16_t port;
	bool tcp, paper;
	/* the phase's: the offload (simple form) or the command's programs, the carrier */
	struct try_offload off;
	bool off_up, cmd_up;
	struct xdp_pass_link pass;
	struct echo_bpf *echo; /* the generator's ceiling: the XDP echo on the port */
	struct bpf_link *echo_link;
	struct try_prog progs[TRY_PROGS_MAX];
	int nprogs;
	int napi;
	char *pin;		    /* --pin DIR, or NULL */
	struct try_pins pins;	    /* the phase's */
	const struct side_env *env; /* the op's, while it runs (the pins' record) */
};

/* An argv from a JSON array of strings (the command, split and checked by the caller). */
static int argv_of(json_t *arr, struct try_argv *a, char *why, size_t whylen)
{
	size_t i, o = 0;
	json_t *v;

	memset(a, 0, sizeof(*a));
	if (!json_is_array(arr) || !json_array_size(arr) || json_array_size(arr) > TRY_ARGV_MAX) {
		snprintf(why, whylen, "the command is 1..%d words", TRY_ARGV_MAX);
		return -EINVAL;
	}
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		size_t l = s ? strlen(s) : 0;

		if (!s || o + l + 1 > sizeof(a->buf)) {
			snprintf(why, whylen, "a word of the command is not a string, or too long");
			return -EINVAL;
		}
		memcpy(a->buf + o, s, l + 1);
		a->argv[a->argc++] = a->buf + o;
		o += l + 1;
	}
	a->argv[a->argc] = NULL;
	return 0;
}

static json_t *progs_json(const struct try_prog *p, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s}", "id",
						   (json_int_t)p[i].id, "name", p[i].name, "tag",
						   p[i].tag, "hook", p[i].hook));
	return a;
}

/*
 * What outlives the agent's process, for the next agent (side_record): the programs an
 * --attach command put on the device, and the pins (given, or the ones made). The simple
 * form's programs are held by our links and fds: they go with the process.
 */
static int record(const struct side_env *env, const struct tside *s, json_t *pins)
{
	json_t *progs = json_array();
	int i;

	for (i = 0; progs && s->cmd_up && i < s->nprogs; i++)
		json_array_append_new(progs,
				      json_pack("{s:I, s:s}", "id", (json_int_t)s->progs[i].id,
						"hook", s->progs[i].hook));
	if (!pins)
		pins = try_pins_json(&s->pins);
	if (!json_array_size(progs) && !json_array_size(pins)) {
		json_decref(progs);
		json_decref(pins);
		return side_record(env, NULL);
	}
	return side_record(env, json_pack("{s:o, s:o}", "progs", progs, "pins", pins));
}

/* try_pins_make()'s record: the pins about to be made. */
static int pins_rec(void *arg, json_t *pins)
{
	struct tside *s = arg;

	return record(s->env, s, pins);
}

/* try_offload_load()'s: the loaded object's maps pinned (--pin), before it is attached. */
static int pin_loaded(void *arg, struct bpf_object *obj, char *why, size_t whylen)
{
	struct tside *s = arg;

	return s->pin ? try_pins_make(&s->pins, obj, s->pin, pins_rec, s, why, whylen) : 0;
}

/* A killed agent's record: the programs still on the device, and the pins still ours. */
static void ts_stale(const struct side_env *env, json_t *rec)
{
	struct try_prog now[TRY_PROGS_MAX];
	char buf[160];
	json_t *v;
	size_t i;
	int n, j;

	n = try_progs_on_dev(env->tb->dut.ifindex, env->tb->dut.ifname, now, TRY_PROGS_MAX);
	json_array_foreach(json_object_get(rec, "progs"), i, v)
	{
		json_int_t id = json_integer_value(json_object_get(v, "id"));
		const char *hook = json_string_value(json_object_get(v, "hook"));

		for (j = 0; hook && j < n; j++) {
			if (now[j].id != id || strcmp(now[j].hook, hook))
				continue;
			snprintf(buf, sizeof(buf), "try: %s %s (id %u), left on %s by --attach",
				 try_prog_remove(env->tb->dut.ifindex, &now[j]) ? "could not remove"
										: "removed",
				 now[j].name, now[j].id, hook);
			if (env->say)
				env->say(buf);
		}
	}
	try_pins_remove_json(json_object_get(rec, "pins"), env->say);
}

static json_t *ts_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	struct tside *s = calloc(1, sizeof(*s));
	struct try_argv *a = malloc(sizeof(*a));
	json_int_t port = json_integer_value(json_object_get(req, "port"));
	int err;

	if (!s || !a) {
		free(s);
		free(a);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	s->srv.out_fd = -1;
	s->napi = -1;
	s->tcp = json_is_true(json_object_get(req, "tcp"));
	s->paper = json_is_true(json_object_get(req, "paper"));
	if (port < 1 || port > 65535) {
		snprintf(why, whylen, "try_up takes a port 1..65535");
		goto fail;
	}
	s->port = (uint16_t)port;
	if (argv_of(json_object_get(req, "argv"), a, why, whylen))
		goto fail;
	/* --pin's folder is the server host's: checked there, before the server starts */
	if (json_string_value(json_object_get(req, "pin"))) {
		s->pin = strdup(json_string_value(json_object_get(req, "pin")));
		if (!s->pin) {
			snprintf(why, whylen, "out of memory");
			goto fail;
		}
		if (try_pin_dir_check(s->pin, why, whylen))
			goto fail;
	}
	if (json_object_get(req, "detach")) {
		s->detach = malloc(sizeof(*s->detach));
		if (!s->detach || argv_of(json_object_get(req, "detach"), s->detach, why, whylen))
			goto fail;
	}
	side_announce(env, "try: the server '%s' on %s port %u of %s, pinned to CPU %d", a->argv[0],
		      s->tcp ? "TCP" : "UDP", s->port, env->tb->dut.ip, env->tb->dut_cpu);
	err = try_server_start(&s->srv, env->tb, a, s->port, s->tcp, env->tb->dut_cpu, why, whylen);
	if (err)
		goto fail;
	free(a);
	*state = s;
	return json_pack("{s:i}", "pid", s->srv.pid);
fail:
	try_server_stop(&s->srv);
	free(s->detach);
	free(s->pin);
	free(a);
	free(s);
	return NULL;
}

/* The phase's carrier: XDP_PASS on the device when nothing else runs XDP there (NAPI, same path) */
static int carrier(const struct side_env *env, struct tside *s)
{
	int i;

	for (i = 0; i < s->nprogs; i++)
		if (!strcmp(s->progs[i].hook, "xdp"))
			return 0;
	return xdp_pass_attach(env->tb->dut.ifname, &s->pass);
}

/*
 * The generator's ceiling: the cheapest server on the same path, the echo experiment's XDP
 * program answering every datagram to the port (in the dut's namespace).
 */
static int ceiling_on(const struct side_env *env, struct tside *s, char *why, size_t whylen)
{
	int err;

	s->echo = echo_bpf__open();
	if (!s->echo) {
		snprintf(why, whylen, "open the XDP echo (the generator's ceiling)");
		return -errno;
	}
	s->echo->rodata->cfg_port = s->port;
	err = echo_bpf__load(s->echo);
	if (!err) {
		s->echo_link =
			bpf_program__attach_xdp(s->echo->progs.olab_echo_xdp, env->tb->dut.ifindex);
		err = s->echo_link ? 0 : -errno;
	}
	if (err)
		snprintf(why, whylen, "put the XDP echo (the generator's ceiling) on %s: %s",
			 env->tb->dut.ifname, strerror(-err));
	return err;
}

/* The datagrams the dut's UDP sockets received (its namespace's Udp InDatagrams), or -1. */
static long long udp_in(const struct tb *tb)
{
	char line[1024], head[1024] = "";
	long long v = -1;
	FILE *f;

	if (tb_enter(tb, TB_DUT))
		return -1;
	f = fopen("/proc/thread-self/net/snmp", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Udp: ", 5))
			continue;
		if (!head[0]) {
			memcpy(head, line, sizeof(head));
			continue;
		}
		/* the second Udp: line holds the values, in the first one's order */
		if (!strncmp(head, "Udp: InDatagrams ", 17))
			sscanf(line + 5, "%lld", &v);
		break;
	}
	if (f)
		fclose(f);
	tb_leave(tb);
	return v;
}

/* The phase's offload off: ours unloaded, the command's detached, leftovers removed. */
static json_t *off(const struct side_env *env, struct tside *s)
{
	struct try_prog now[TRY_PROGS_MAX];
	json_t *left = json_array();
	int i, j, n, err = 0;
	char tail[TRY_TAIL + 100] = "";

	tb_enter(env->tb, TB_DUT);
	xdp_pass_detach(&s->pass);
	bpf_link__destroy(s->echo_link);
	s->echo_link = NULL;
	echo_bpf__destroy(s->echo);
	s->echo = NULL;
	if (s->off_up)
		try_offload_unload(&s->off);
	s->off_up = false;
	try_pins_remove(&s->pins); /* a failed load's too */
	/* the --detach command after every --attach, at the end of a failed run too */
	if (s->cmd_up && s->detach)
		err = try_cmd_run(env->tb, s->detach, tail, sizeof(tail));
	if (s->cmd_up) {
		/* what the command put there and is still there: said, then removed */
		n = try_progs_on_dev(env->tb->dut.ifindex, env->tb->dut.ifname, now, TRY_PROGS_MAX);
		for (i = 0; i < n; i++)
			for (j = 0; j < s->nprogs; j++)
				if (now[i].id == s->progs[j].id) {
					json_array_append_new(
						left,
						json_pack("{s:s, s:s, s:I, s:b}", "name",
							  now[i].name, "hook", now[i].hook, "id",
							  (json_int_t)now[i].id, "removed",
							  !try_prog_remove(env->tb->dut.ifindex,
									   &now[i])));
				}
	}
	s->cmd_up = false;
	s->nprogs = 0;
	tb_leave(env->tb);
	record(env, s, NULL); /* nothing left to record */
	return json_pack("{s:o, s:s, s:b}", "left", left, "detach_error", err ? tail : "",
			 "detach_ok", !err);
}

/* After the phase's programs are on: the paper placement's NAPI pin, or everything off. */
static json_t *on_done(const struct side_env *env, struct tside *s, int err, char *why,
		       size_t whylen)
{
	if (!err && s->paper) {
		s->napi = tb_napi_pin(env->tb, TB_DUT, env->tb->dut_cpu, true);
		if (s->napi <= 0) {
			snprintf(why, whylen, "threaded NAPI could not be enabled on %s",
				 env->tb->dut.ifname);
			err = -EOPNOTSUPP;
		}
	}
	if (err) {
		json_decref(off(env, s));
		return NULL;
	}
	return json_pack("{s:o, s:i}", "progs", progs_json(s->progs, s->nprogs), "napi", s->napi);
}

/* The programs on the device now that were not in before[0..nb). */
static int new_progs(const struct side_env *env, const struct try_prog *before, int nb,
		     struct try_prog *out)
{
	struct try_prog now[TRY_PROGS_MAX];
	int n = try_progs_on_dev(env->tb->dut.ifindex, env->tb->dut.ifname, now, TRY_PROGS_MAX);
	int i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nb && before[j].id != now[i].id; j++)
			;
		if (j == nb)
			out[k++] = now[i];
	}
	return k;
}

/*
 * The general form: the --attach command run, and the programs it put on the device are the
 * phase's. If it fails or puts nothing there, whatever it left is removed and said.
 */
static json_t *on_cmd(const struct side_env *env, struct tside *s, json_t *req, char *why,
		      size_t whylen)
{
	struct try_prog before[TRY_PROGS_MAX];
	struct try_argv *a = malloc(sizeof(*a));
	char tail[TRY_TAIL + 100];
	int nb = 0, err, i;

	err = !a ? -ENOMEM : argv_of(json_object_get(req, "argv"), a, why, whylen);
	if (!err && !tb_enter(env->tb, TB_DUT)) {
		nb = try_progs_on_dev(env->tb->dut.ifindex, env->tb->dut.ifname, before,
				      TRY_PROGS_MAX);
		tb_leave(env->tb);
	}
	if (!err) {
		side_announce(env, "try: the --attach command %s in %s's namespace", a->argv[0],
			      env->tb->dut.ifname);
		err = try_cmd_run(env->tb, a, tail, sizeof(tail));
		if (err)
			snprintf(why, whylen, "the --attach command failed: %s", tail);
	}
	free(a);
	if (err == -ENOMEM || err == -EINVAL)
		return NULL;
	tb_enter(env->tb, TB_DUT);
	s->nprogs = new_progs(env, before, nb < 0 ? 0 : nb, s->progs);
	if (err) {
		/* what a failed command left goes */
		for (i = 0; i < s->nprogs; i++)
			try_prog_remove(env->tb->dut.ifindex, &s->progs[i]);
		s->nprogs = 0;
		tb_leave(env->tb);
		return NULL;
	}
	s->cmd_up = true;
	/* held by no process of ours: the next agent removes them should this one be killed */
	if (s->nprogs && record(env, s, NULL))
		log_warn("try: the programs the --attach command left could not be recorded for "
			 "the next agent");
	if (!s->nprogs) {
		snprintf(why, whylen,
			 "the --attach command left no program on %s (XDP or TC): nothing to "
			 "measure (does it take {dev}?)",
			 env->tb->dut.ifname);
		err = -ENOENT;
	}
	if (!err) {
		err = carrier(env, s);
		if (err)
			snprintf(why, whylen, "put XDP_PASS on %s", env->tb->dut.ifname);
	}
	tb_leave(env->tb);
	return on_done(env, s, err, why, whylen);
}

static json_t *on(const struct side_env *env, struct tside *s, json_t *req, char *why,
		  size_t whylen)
{
	const char *kind = json_string_value(json_object_get(req, "kind"));
	const char *obj = json_string_value(json_object_get(req, "obj"));
	const char *prog = json_string_value(json_object_get(req, "prog"));
	enum try_kind k;
	int err = 0;

	for (k = TK_NONE; k <= TK_CEIL; k++)
		if (kind && !strcmp(kind, try_kind_name[k]))
			break;
	if (k > TK_CEIL || ((k != TK_NONE && k != TK_CMD && k != TK_CEIL) && (!obj || !prog))) {
		snprintf(why, whylen,
			 "try_on takes kind (none, ceiling; xdp, tc-ingress, "
			 "tc-egress, sk-skb with obj and prog; attach with argv)");
		return NULL;
	}
	if (s->off_up || s->cmd_up || s->pass.link || s->echo) {
		snprintf(why, whylen, "an offload is on already (try_off first)");
		return NULL;
	}
	if (k == TK_CMD)
		return on_cmd(env, s, req, why, whylen);
	err = tb_enter(env->tb, TB_DUT);
	if (err) {
		snprintf(why, whylen, "enter the dut's namespace: %s", strerror(-err));
		return NULL;
	}
	if (k == TK_CEIL) {
		err = ceiling_on(env, s, why, whylen);
	} else if (k != TK_NONE) {
		struct try_loaded pin = { pin_loaded, s };

		side_announce(env, "try: %s from %s on %s (%s)%s%s", prog, obj, env->tb->dut.ifname,
			      kind, s->pin ? ", its maps pinned in " : "", s->pin ? s->pin : "");
		s->env = env;
		err = try_offload_load(&s->off, k, obj, prog, env->tb->dut.ifindex,
				       env->tb->dut.ifname, &pin, why, whylen);
		s->env = NULL;
		s->off_up = !err;
		if (!err) {
			s->nprogs = 1;
			try_prog_of_fd(s->off.prog_fd, &s->progs[0]);
			snprintf(s->progs[0].hook, sizeof(s->progs[0].hook), "%s", kind);
		}
	}
	if (!err && k != TK_CEIL) {
		err = carrier(env, s);
		if (err)
			snprintf(why, whylen, "put XDP_PASS on %s", env->tb->dut.ifname);
	}
	tb_leave(env->tb);
	return on_done(env, s, err, why, whylen);
}

static json_t *stats(const struct side_env *env, struct tside *s)
{
	unsigned long long busy = 0, total = 0;
	long long in = s->tcp ? -1 : udp_in(env->tb);
	json_t *a = json_array(), *ans;
	int i;

	for (i = 0; a && i < s->nprogs; i++) {
		uint64_t ns = 0, cnt = 0;

		try_prog_stats(&s->progs[i], &ns, &cnt);
		json_array_append_new(a,
				      json_pack("{s:I, s:I, s:I}", "id", (json_int_t)s->progs[i].id,
						"ns", (json_int_t)ns, "cnt", (json_int_t)cnt));
	}
	cpu_ticks(env->tb->dut_cpu, &busy, &total);
	ans = json_pack("{s:o, s:I, s:I}", "progs", a, "busy", (json_int_t)busy, "total",
			(json_int_t)total);
	if (ans && in >= 0)
		json_object_set_new(ans, "udp_in", json_integer(in));
	return ans;
}

static json_t *ts_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	struct tside *s = state;
	int n;

	if (!strcmp(op, "try_alive"))
		return try_server_alive(&s->srv, why, whylen) ? NULL : json_object();
	if (!strcmp(op, "try_on"))
		return on(env, s, req, why, whylen);
	if (!strcmp(op, "try_off"))
		return off(env, s);
	if (!strcmp(op, "try_stats"))
		return stats(env, s);
	if (!strcmp(op, "try_sockets")) {
		json_int_t peer = json_integer_value(json_object_get(req, "peer_port"));

		if (peer < 0 || peer > 65535) {
			snprintf(why, whylen, "try_sockets takes peer_port 0..65535");
			return NULL;
		}
		n = s->off_up && s->srv.pid ? try_offload_sockets(&s->off, s->srv.pid, s->port,
								  (uint16_t)peer, why, whylen)
					    : 0;
		return n < 0 ? NULL : json_pack("{s:i}", "added", n);
	}
	snprintf(why, whylen, "no op %s", op);
	return NULL;
}

static json_t *ts_down(const struct side_env *env, void *state)
{
	struct tside *s = state;
	json_t *left = off(env, s);

	try_server_stop(&s->srv);
	free(s->detach);
	free(s->pin);
	free(s);
	return left;
}

static const struct side_op ts_ops[] = {
	{ "try_up", SIDE_UP,
	  "`argv` (the server's command), `port`, `tcp`, `paper`, `detach` (the --detach command), "
	  "`pin` (a bpffs folder of this host)",
	  "`pid`",
	  "try's server side: the user's server started on the device's address and pinned, "
	  "up once it holds the port (refused where something holds it already); `pin` checked "
	  "to be on bpffs" },
	{ "try_alive", SIDE_OP, "", "",
	  "whether the server still runs (its output's tail if not)" },
	{ "try_on", SIDE_OP, "`kind`, `obj`, `prog` or `argv`", "`progs`, `napi`",
	  "the phase's offload on the device (none: XDP_PASS only; with `pin`, the object's maps "
	  "pinned there); the programs an --attach command left go into the state file" },
	{ "try_off", SIDE_OP, "", "`left`, `detach_ok`, `detach_error`",
	  "the phase's offload off (the --detach command run, the pins removed); what it left is "
	  "removed" },
	{ "try_sockets", SIDE_OP, "`peer_port`", "`added`",
	  "sk-skb: the server's TCP connections put in the sockmap" },
	{ "try_stats", SIDE_OP, "", "`progs`, `busy`, `total`",
	  "the programs' run time and count, the dut CPU's ticks" },
	{ "try_down", SIDE_DOWN, "", "", "the offload off, the server stopped" },
	{ 0 },
};

const struct exp_side try_side = {
	.prefix = "try_",
	.ops = ts_ops,
	.up = ts_up,
	.op = ts_op,
	.down = ts_down,
	.stale = ts_stale,
};
