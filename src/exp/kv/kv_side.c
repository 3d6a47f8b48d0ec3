// SPDX-License-Identifier: GPL-2.0
/*
 * kv's server side (exp/side.h), kv-afxdp's too: memcached on the device's address, one
 * server at a time on the device (XDP_PASS, the kvcache, the XDP_TX responder, or the AF_XDP
 * key-value server with or without the cache), the dut CPU's use, the kvcache's counters and
 * run times, the wake-up tracer and the cure's spinner. The same code here on the testbed's
 * dut end and on the other host by the agent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afxdp_kv/afxdp_kv_serve.h"
#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "exp/side.h"
#include "kvcache/kvcache.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"

#include "kvcache.skel.h"

/* Wake-up latencies sent per slot and observation to the other host: evenly strided beyond. */
#define OBS_MAX_SAMPLES 8000

/*
 * The side's state: a kv context of its own (its tb is the side's device; the servers, the
 * counters, the tracer and the spinner are its fields), and whether an observation runs.
 */
struct kv_side {
	struct ctx c;
	struct run_opts o;
	bool obs;
};

/* ---- memcached and the tools around it ---- */

static int mc_start(struct ctx *c, char *why, size_t whylen)
{
	char *argv[] = { "memcached", "-u", "root", "-l", c->tb->dut.ip, "-p", "11211", "-U",
			 "11211",     "-t", "1",    "-m", "256",	 "-c", "4096",	NULL };
	char mcpath[4096];
	int fd;

	/* the memcached that will run is the one checked: found on PATH, run by its path */
	if (tb_which("memcached", mcpath, sizeof(mcpath))) {
		snprintf(why, whylen,
			 "memcached is not installed (scripts/install-deps.sh installs it)");
		return -ENOENT;
	}
	argv[0] = mcpath;
	if (tb_port_taken(c->tb, KV_PORT)) {
		snprintf(why, whylen,
			 "port %d on %s is taken already (a memcached of this host's own?): "
			 "offloadlab starts its own and will not write to another",
			 KV_PORT, c->tb->dut.ip);
		return -EADDRINUSE;
	}
	c->mc_pid = tb_spawn(c->tb, TB_DUT, c->tb->dut_cpu, argv);
	if (c->mc_pid < 0) {
		snprintf(why, whylen, "start memcached");
		return c->mc_pid;
	}
	/* memcached is up, its worker thread with it */
	fd = tb_connect(c->tb, KV_PORT, 5000000000ULL);
	if (fd < 0) {
		snprintf(why, whylen, "memcached does not answer on %s:%d", c->tb->dut.ip, KV_PORT);
		return fd;
	}
	close(fd);
	c->mc_worker = cpu_find_thread(c->mc_pid, "mc-worker");
	c->stats_fd = bpfu_stats_enable();
	c->sched = wake_open();
	return 0;
}

static void mc_stop(struct ctx *c)
{
	wake_close(c->sched);
	c->sched = NULL;
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	c->stats_fd = -1;
	if (c->mc_pid > 0)
		tb_stop(c->tb, c->mc_pid, 1000);
	c->mc_pid = 0;
}

/* ---- the servers on the device ---- */

static int ceiling_attach(struct ctx *c)
{
	c->ceil = kv_ceiling_load(SMALL_VALUE, KV_PORT);
	if (!c->ceil)
		return -errno;
	c->ceil_link = kv_ceiling_attach(c->ceil, c->tb->dut.ifindex, c->tb->dut.ifname);
	return c->ceil_link ? 0 : -errno;
}

/* The AF_XDP server stopped (the cache in front stays for sv_down, which counts it). */
static void ax_stop(struct ctx *c)
{
	if (c->akv && !tb_enter(c->tb, TB_DUT)) {
		akv_server_stop(c->akv);
		tb_leave(c->tb);
	}
	c->akv = NULL;
}

static void sv_down(struct ctx *c)
{
	if (c->up < 0)
		return;
	if (!tb_enter(c->tb, TB_DUT)) {
		kvc_detach(&c->k);
		xdp_pass_detach(&c->pass);
		bpf_link__destroy(c->ceil_link);
		tb_leave(c->tb);
	}
	kv_ceiling_destroy(c->ceil);
	memset(&c->k, 0, sizeof(c->k));
	memset(&c->pass, 0, sizeof(c->pass));
	c->ceil = NULL;
	c->ceil_link = NULL;
	c->dut_napi = 0;
	c->up = -1;
}

/* In the paper placement, the device's NAPI thread on the dut CPU at a real-time priority. */
static int napi_pin(struct ctx *c, char *why, size_t whylen)
{
	c->dut_napi = tb_napi_pin(c->tb, TB_DUT, c->tb->dut_cpu, true);
	if (c->dut_napi > 0)
		return 0;
	snprintf(why, whylen, "threaded NAPI could not be enabled on the dut's device");
	return -EOPNOTSUPP;
}

/*
 * One server on the device; in the paper placement, its NAPI thread on the dut CPU (veth has
 * NAPI only while XDP runs, so every attach makes a new thread to pin).
 */
static int sv_up(struct ctx *c, enum server sv, char *why, size_t whylen)
{
	int err;

	c->up = sv;
	err = tb_enter(c->tb, TB_DUT);
	if (err)
		return err;
	if (sv == SV_ALONE)
		err = xdp_pass_attach(c->tb->dut.ifname, &c->pass);
	else if (sv == SV_CACHE)
		err = kvc_attach(c->tb->dut.ifname, KV_PORT, 65536, &c->k);
	else
		err = ceiling_attach(c);
	tb_leave(c->tb);
	if (err)
		snprintf(why, whylen, "put the %s on %s", kv_sv_info[sv].label, c->tb->dut.ifname);
	if (!err && c->pl == PL_PAPER)
		err = napi_pin(c, why, whylen);
	return err;
}

/* The AF_XDP server's large values straight into its table. */
static int store_large(struct ctx *c)
{
	static char v[LARGE_VALUE];
	unsigned int k;

	memset(v, 'v', sizeof(v));
	for (k = 0; k < LARGE_KEYS; k++) {
		char key[32];
		int err;

		kv_key(key, sizeof(key), "kvB", k);
		err = akv_server_put(c->akv, key, v, sizeof(v));
		if (err)
			return err;
	}
	return 0;
}

/*
 * The AF_XDP server on the device (with the kvcache in front when cache), its large values
 * stored, the device's NAPI thread on the dut CPU.
 */
static int ax_up(struct ctx *c, bool cache, char *why, size_t whylen)
{
	struct akv_opts o = { .threads = 1, .port = KV_AX_PORT, .memory_mb = 256 };
	int err;

	o.dev = c->tb->dut.ifname;
	o.cpu = c->tb->dut_cpu;
	err = tb_enter(c->tb, TB_DUT);
	if (err)
		return err;
	if (cache) {
		struct kvc_opts ko = { .port = KV_AX_PORT, .capacity = 65536 };

		c->up = SV_CACHE; /* its counters and programs are the kv ones */
		err = kvc_attach_opts(c->tb->dut.ifname, &ko, &c->k);
		if (!err) {
			o.behind_cache = true;
			o.xskmap_fd = kvc_xsk_handoff(&c->k);
			err = o.xskmap_fd < 0 ? o.xskmap_fd : 0;
		}
	}
	if (!err)
		err = akv_server_start(&o, &c->akv);
	tb_leave(c->tb);
	if (!err && !cache)
		c->up = SV_MAX; /* something is up: sv_down's business is only the cache */
	/*
	 * The large values straight into the table: over UDP they come in IP fragments, which
	 * the cache must treat as writes it cannot read (no fills for 31 s).
	 */
	if (!err)
		err = store_large(c);
	if (!err)
		err = napi_pin(c, why, whylen);
	if (err && !why[0])
		snprintf(why, whylen, "the AF_XDP server%s did not start",
			 cache ? " behind the kvcache" : "");
	if (err)
		ax_stop(c);
	return err;
}

/* ---- what the generator reads ---- */

static json_t *counters(struct ctx *c)
{
	uint64_t cnt[KVC_NCOUNTERS] = { 0 };
	json_t *a = json_array();
	int i;

	if (c->up == SV_CACHE && c->k.skel)
		kvc_counters(bpf_map__fd(c->k.skel->maps.counters), cnt);
	for (i = 0; i < KVC_NCOUNTERS; i++)
		json_array_append_new(a, json_integer((json_int_t)cnt[i]));
	return json_pack("{s:o}", "counters", a);
}

/* The running server's programs' run time and count: the kvcache's two, or the responder's. */
static json_t *progstat(struct ctx *c)
{
	struct progstat p = { 0 };

	if ((c->up == SV_CACHE || c->up == SV_CEIL) && c->stats_fd >= 0) {
		if (c->up == SV_CEIL && c->ceil) {
			bpfu_prog_stats(kv_ceiling_prog_fd(c->ceil), &p.xt, &p.xc);
		} else if (c->k.skel) {
			bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.olab_kvc_xdp), &p.xt,
					&p.xc);
			bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.olab_kvc_tc), &p.tt,
					&p.tc);
		}
	}
	return json_pack("{s:I, s:I, s:I, s:I}", "xt", (json_int_t)p.xt, "xc", (json_int_t)p.xc,
			 "tt", (json_int_t)p.tt, "tc", (json_int_t)p.tc);
}

/* ---- the slow path's observation: wake-ups, memcached's sleeps, the spinner ---- */

static int obs_begin(struct ctx *c, bool spin)
{
	const int tids[KV_SCHED_SLOTS] = { c->mc_worker, c->dut_napi };

	c->spinner = 0;
	memset(&c->obs_mc, 0, sizeof(c->obs_mc));
	memset(&c->obs_spin, 0, sizeof(c->obs_spin));
	if (spin) {
		c->spinner = tb_spin(c->tb, c->tb->dut_cpu, c->dur_ns + 5000000000ULL);
		if (c->spinner < 0)
			return c->spinner;
		cpu_task_stats(c->spinner, &c->obs_spin);
	}
	cpu_task_stats(c->mc_pid, &c->obs_mc);
	wake_watch(c->sched, tids);
	return 0;
}

static void obs_end(struct ctx *c, struct kv_obs *o)
{
	const int tids[KV_SCHED_SLOTS] = { c->mc_worker, c->dut_napi };
	struct cpu_task_stats b = { 0 }, sb = { 0 };
	unsigned int i;

	wake_unwatch(c->sched, tids);
	cpu_task_stats(c->mc_pid, &b);
	if (c->spinner > 0) {
		cpu_task_stats(c->spinner, &sb);
		tb_stop(c->tb, c->spinner, 1000);
		o->spin_ns = sb.cpu_ns - c->obs_spin.cpu_ns;
	}
	c->spinner = 0;
	o->vol = b.vol - c->obs_mc.vol;
	for (i = 0; i < KV_SCHED_SLOTS; i++)
		wake_read(c->sched, i, &o->wake[i], &o->wakes[i], &o->idle[i]);
}

/* At most max samples of s as a JSON array, evenly strided. */
static json_t *samples_json(const struct stats_samples *s, size_t max)
{
	json_t *a = json_array();
	size_t i, step = s->n > max ? (s->n + max - 1) / max : 1;

	for (i = 0; a && i < s->n; i += step)
		json_array_append_new(a, json_integer((json_int_t)s->v[i]));
	return a;
}

/* The observation's answer: every latency here, at most OBS_MAX_SAMPLES a slot over a line. */
static json_t *obs_answer(const struct side_env *env, struct kv_obs *o)
{
	size_t max = env->tb->two_hosts ? OBS_MAX_SAMPLES : SIZE_MAX;
	json_t *slots = json_array();
	int i;

	for (i = 0; i < KV_SCHED_SLOTS; i++)
		json_array_append_new(slots,
				      json_pack("{s:I, s:I, s:o}", "n", (json_int_t)o->wakes[i],
						"idle", (json_int_t)o->idle[i], "lat",
						samples_json(&o->wake[i], max)));
	return json_pack("{s:I, s:I, s:o}", "vol", (json_int_t)o->vol, "spin_ns",
			 (json_int_t)o->spin_ns, "slots", slots);
}

/* ---- the side ---- */

static json_t *kv_down(const struct side_env *env, void *state)
{
	struct kv_side *s = state;

	(void)env;
	if (!s)
		return NULL;
	if (s->obs) {
		struct kv_obs o;

		kv_obs_init(&o);
		obs_end(&s->c, &o);
		kv_obs_free(&o);
	}
	ax_stop(&s->c);
	sv_down(&s->c);
	mc_stop(&s->c);
	free(s);
	return NULL;
}

static json_t *kv_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	struct kv_side *s = calloc(1, sizeof(*s));

	(void)req;
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	s->c.up = -1;
	s->c.stats_fd = -1;
	s->c.o = &s->o;
	s->c.dur_ns = 1000000000ULL;
	s->c.tb = env->tb;
	side_announce(env,
		      "kv: memcached (1 worker, 256 MB) on %s's address, port %d, pinned to one "
		      "CPU; BPF run-time statistics and sched tracepoint programs while it runs",
		      env->tb->dut.ifname, KV_PORT);
	if (mc_start(&s->c, why, whylen)) {
		kv_down(env, s);
		return NULL;
	}
	*state = s;
	return json_pack("{s:i, s:i, s:i, s:b, s:b}", "mc_pid", s->c.mc_pid, "mc_worker",
			 s->c.mc_worker, "dut_cpu", env->tb->dut_cpu, "traced", s->c.sched != NULL,
			 "stats", s->c.stats_fd >= 0);
}

/* The interfaces beside the device in its namespace, where the kvcache goes too. */
static const char *others(const struct side_env *env, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!tb_enter(env->tb, TB_DUT)) {
		dev_others(env->tb->dut.ifname, buf, len);
		tb_leave(env->tb);
	}
	return buf;
}

static json_t *op_sv_up(const struct side_env *env, struct ctx *c, json_t *req, char *why,
			size_t whylen)
{
	json_int_t sv = json_integer_value(json_object_get(req, "sv"));
	bool pin = json_is_true(json_object_get(req, "pin"));
	const char *dev = env->tb->dut.ifname;
	char oth[200];

	if (sv < 0 || sv >= SV_MAX || c->up >= 0 || c->akv) {
		snprintf(why, whylen,
			 c->up >= 0 || c->akv ? "a server is up (kv_sv_down first)"
					      : "kv_sv_up takes sv 0..%d",
			 SV_MAX - 1);
		return NULL;
	}
	side_announce(env, "kv: %s on %s%s%s%s",
		      sv == 0	? "an XDP_PASS program (memcached alone)"
		      : sv == 1 ? "the kvcache (XDP and a TC egress filter)"
				: "the XDP_TX responder",
		      dev,
		      sv == 1 ? ", and on every other interface of this host, so that no write to "
				"memcached passes it by: "
			      : "",
		      sv == 1 ? others(env, oth, sizeof(oth)) : "",
		      pin ? "; its NAPI as a real-time thread on memcached's CPU" : "");
	c->pl = pin ? PL_PAPER : PL_SHARED;
	if (sv_up(c, (enum server)sv, why, whylen)) {
		sv_down(c);
		return NULL;
	}
	return json_pack("{s:i}", "napi", c->dut_napi);
}

static json_t *op_ax_up(const struct side_env *env, struct ctx *c, json_t *req, char *why,
			size_t whylen)
{
	bool cache = json_is_true(json_object_get(req, "cache"));
	char oth[200];

	if (c->up >= 0 || c->akv) {
		snprintf(why, whylen, "a server is up (kv_sv_down first)");
		return NULL;
	}
	side_announce(env,
		      "kv-afxdp: the AF_XDP key-value server (UDP port %d, copy mode) on %s%s%s; "
		      "its NAPI as a real-time thread on the server's CPU",
		      KV_AX_PORT, env->tb->dut.ifname,
		      cache ? " with the kvcache in front (XDP and a TC egress filter), also on "
			      "every other interface of this host: "
			    : "",
		      cache ? others(env, oth, sizeof(oth)) : "");
	c->pl = PL_PAPER;
	if (ax_up(c, cache, why, whylen)) {
		sv_down(c);
		return NULL;
	}
	return json_pack("{s:i}", "napi", c->dut_napi);
}

static json_t *op_obs_begin(const struct side_env *env, struct kv_side *s, json_t *req, char *why,
			    size_t whylen)
{
	json_int_t max = json_integer_value(json_object_get(req, "max_ns"));
	bool spin = json_is_true(json_object_get(req, "spin"));

	if (s->obs || max < 1000000 || max > 120000000000LL) {
		snprintf(why, whylen,
			 s->obs ? "an observation is running"
				: "kv_obs_begin takes max_ns 1 ms..120 s");
		return NULL;
	}
	if (spin)
		side_announce(env, "kv: an idle-class spinner on memcached's CPU for the run");
	s->c.dur_ns = (uint64_t)max - 5000000000ULL;
	if (obs_begin(&s->c, spin)) {
		snprintf(why, whylen, "start the spinner on cpu %d", env->tb->dut_cpu);
		return NULL;
	}
	s->obs = true;
	return json_object();
}

static json_t *kv_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	struct kv_side *s = state;
	struct ctx *c = &s->c;

	if (!strcmp(op, "kv_sv_up"))
		return op_sv_up(env, c, req, why, whylen);
	if (!strcmp(op, "kv_ax_up"))
		return op_ax_up(env, c, req, why, whylen);
	if (!strcmp(op, "kv_obs_begin"))
		return op_obs_begin(env, s, req, why, whylen);
	if (!strcmp(op, "kv_sv_down")) {
		sv_down(c);
		return json_object();
	}
	if (!strcmp(op, "kv_ax_stop")) {
		ax_stop(c);
		return json_object();
	}
	if (!strcmp(op, "kv_counters"))
		return counters(c);
	if (!strcmp(op, "kv_progstat"))
		return progstat(c);
	if (!strcmp(op, "kv_busy")) {
		unsigned long long b, t;

		cpu_ticks(env->tb->dut_cpu, &b, &t);
		return json_pack("{s:I, s:I}", "busy", (json_int_t)b, "total", (json_int_t)t);
	}
	if (!strcmp(op, "kv_where")) {
		/* a task not found (gone, or not known yet) is a CPU not known: -1, never -errno */
		int napi = c->dut_napi > 0 ? cpu_of_task(c->dut_napi) : -1;
		int worker = c->mc_worker > 0 ? cpu_of_task(c->mc_worker) : -1;

		return json_pack("{s:i, s:i}", "napi_cpu", napi < 0 ? -1 : napi, "worker_cpu",
				 worker < 0 ? -1 : worker);
	}
	if (!strcmp(op, "kv_obs_end")) {
		struct kv_obs o;
		json_t *a;

		if (!s->obs) {
			snprintf(why, whylen, "no observation is running (kv_obs_begin first)");
			return NULL;
		}
		s->obs = false;
		kv_obs_init(&o);
		obs_end(c, &o);
		a = obs_answer(env, &o);
		kv_obs_free(&o);
		return a;
	}
	/* kv_testrun */
	{
		struct result r;
		json_t *j;

		result_init(&r, "kv");
		kv_costs_testrun(&r, json_is_true(json_object_get(req, "quick")));
		j = result_to_json(&r, NULL, NULL);
		result_free(&r);
		return json_pack("{s:o}", "result", j);
	}
}

static const struct side_op kv_ops[] = {
	{ "kv_up", SIDE_UP, "", "`mc_pid`, `mc_worker`, `dut_cpu`, `traced`, `stats`",
	  "kv's server side: memcached (one worker thread, pinned to one CPU) on the device's "
	  "address, port 11211 (refused if something holds that port already: it would take our "
	  "keys), BPF run-time statistics and the sched wake-up tracer" },
	{ "kv_sv_up", SIDE_OP, "`sv` (0 XDP_PASS, 1 kvcache, 2 XDP_TX responder), `pin`", "`napi`",
	  "one server on the device; the kvcache also goes on every other interface of the host "
	  "(XDP and TC egress), so that no write to memcached passes it by, and the announcement "
	  "names them; with `pin`, the device's NAPI as a real-time thread on memcached's CPU" },
	{ "kv_sv_down", SIDE_OP, "", "", "removes the server" },
	{ "kv_counters", SIDE_OP, "", "`counters`",
	  "the kvcache's counters (hit, miss, fill, ...)" },
	{ "kv_progstat", SIDE_OP, "", "`xt`, `xc`, `tt`, `tc`",
	  "run time and count of the kvcache's XDP and TC programs, or the responder's (`xt`, "
	  "`xc`)" },
	{ "kv_busy", SIDE_OP, "", "`busy`, `total`",
	  "memcached's CPU's busy and total ticks (/proc/stat)" },
	{ "kv_where", SIDE_OP, "", "`napi_cpu`, `worker_cpu`",
	  "where the NAPI thread and memcached's worker run now" },
	{ "kv_obs_begin", SIDE_OP, "`spin`, `max_ns`", "",
	  "the slow path's observation: memcached's context switches, the wake-up tracer on its "
	  "worker and the NAPI thread; with `spin` an idle-class spinner on its CPU (at most "
	  "`max_ns`)" },
	{ "kv_obs_end", SIDE_OP, "", "`vol`, `spin_ns`, `slots`",
	  "the observation: voluntary switches, the spinner's CPU time, per traced thread the "
	  "wake-ups (`n`, `idle`) and up to 8000 of their latencies (`lat`, evenly strided)" },
	{ "kv_ax_up", SIDE_OP, "`cache`", "`napi`",
	  "kv-afxdp: the AF_XDP key-value server (one worker, UDP port 11212, copy mode) on the "
	  "device, its large values stored, with `cache` the kvcache in front (its misses handed "
	  "to the server's socket; it also goes on every other interface, named in the "
	  "announcement); the device's NAPI as a real-time thread on the server's CPU" },
	{ "kv_ax_stop", SIDE_OP, "", "",
	  "stops the AF_XDP server (`kv_sv_down` then removes the cache, after its counters are "
	  "read)" },
	{ "kv_testrun", SIDE_OP, "`quick`", "`result`",
	  "the kvcache's and the responder's cost per packet by test-run on this host" },
	{ "kv_down", SIDE_DOWN, "", "", "stops memcached and removes everything kv set up" },
	{ 0 },
};

const struct exp_side kv_side = {
	.prefix = "kv_",
	.ops = kv_ops,
	.up = kv_up,
	.op = kv_op,
	.down = kv_down,
};
