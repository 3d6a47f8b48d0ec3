// SPDX-License-Identifier: GPL-2.0
/*
 * kv: the server's side. memcached, the three servers on its device (XDP_PASS, the kvcache,
 * the XDP_TX responder), the dut CPU's use, the kvcache's counters and run times, the wake-up
 * tracer and the cure's spinner: here on the dut's veth, or, with two hosts, on the server's
 * host through its agent (the kv_* ops, served by kv_side_op with the very same code).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent/agent.h"
#include "exp/kv/kv.h"
#include "exp/kv/kv_int.h"
#include "lib/jbound.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"

#include "kvcache.skel.h"

/* Wake-up latencies sent per slot and observation: evenly strided beyond this. */
#define OBS_MAX_SAMPLES 8000

/* One request to the agent; NULL (and c->rm_err set, the run stops) when it fails. */
json_t *kv_dut_call(struct ctx *c, json_t *req)
{
	char why[300];
	json_t *a;

	if (c->rm_err) {
		json_decref(req);
		return NULL;
	}
	a = remote_call(c->rm, req, why, sizeof(why));
	if (!a) {
		c->rm_err = -EIO;
		snprintf(c->rm_why, sizeof(c->rm_why), "the agent on %.60s: %.200s",
			 remote_opts_of(c->rm)->host, why);
		log_info("kv: %s", c->rm_why);
	}
	return a;
}

/*
 * A number the agent sent that is outside its range stops the run as a lost agent does:
 * c->rm_err set, c->rm_why says which. Whether it did.
 */
bool kv_dut_refused(struct ctx *c, const struct jb *b)
{
	if (!b->err)
		return false;
	if (!c->rm_err) {
		c->rm_err = -EPROTO;
		snprintf(c->rm_why, sizeof(c->rm_why), "the agent on %.60s: %.200s",
			 remote_opts_of(c->rm)->host, b->why);
		log_info("kv: %s", c->rm_why);
	}
	return true;
}

/* A thread id the agent names, or a -errno it got for one. */
static int jtid(struct jb *b, json_t *a, const char *k)
{
	return (int)jb_key_int(b, a, k, -4095, JB_TID_MAX);
}

static int jcpu(struct jb *b, json_t *a, const char *k)
{
	return (int)jb_key_int(b, a, k, -1, JB_CPU_MAX);
}

/* ---- memcached and the tools around it ---- */

int kv_dut_start(struct ctx *c, char *why, size_t whylen)
{
	char *argv[] = { "memcached", "-u", "root", "-l", c->tb->dut.ip, "-p", "11211", "-U",
			 "11211",     "-t", "1",    "-m", "256",	 "-c", "4096",	NULL };
	char mcpath[4096];
	json_t *a;
	int fd;

	if (c->rm) {
		a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_up"));
		if (!a) {
			snprintf(why, whylen, "%s", c->rm_why);
			return c->rm_err;
		}
		struct jb b = { .what = "kv_up" };

		c->mc_pid = (int)jb_key_int(&b, a, "mc_pid", 1, JB_TID_MAX);
		c->mc_worker = jtid(&b, a, "mc_worker");
		c->remote_dut_cpu = jcpu(&b, a, "dut_cpu");
		c->remote_traced = json_is_true(json_object_get(a, "traced"));
		json_decref(a);
		if (kv_dut_refused(c, &b)) {
			snprintf(why, whylen, "%s", c->rm_why);
			return c->rm_err;
		}
	} else {
		/* the memcached that will run is the one checked: found on PATH, run by its path */
		if (tb_which("memcached", mcpath, sizeof(mcpath))) {
			snprintf(
				why, whylen,
				"memcached is not installed (scripts/install-deps.sh installs it)");
			return -ENOENT;
		}
		argv[0] = mcpath;
		if (tb_port_taken(c->tb, KV_PORT)) {
			snprintf(
				why, whylen,
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
	}
	fd = tb_connect(c->tb, KV_PORT, 5000000000ULL); /* memcached is up */
	if (fd < 0) {
		snprintf(why, whylen, "memcached does not answer on %s:%d", c->tb->dut.ip, KV_PORT);
		return fd;
	}
	close(fd);
	if (!c->rm) {
		c->mc_worker = cpu_find_thread(c->mc_pid, "mc-worker");
		c->stats_fd = bpfu_stats_enable();
		c->sched = wake_open();
	}
	return 0;
}

void kv_dut_stop(struct ctx *c)
{
	kv_sv_down(c);
	if (c->rm) {
		json_decref(kv_dut_call(c, json_pack("{s:s}", "op", "kv_down")));
		return;
	}
	wake_close(c->sched);
	c->sched = NULL;
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	c->stats_fd = -1;
	if (c->mc_pid > 0)
		tb_stop(c->tb, c->mc_pid, 1000);
	c->mc_pid = 0;
}

bool kv_dut_traced(const struct ctx *c)
{
	return c->rm ? c->remote_traced : c->sched != NULL;
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

void kv_dut_detach(struct ctx *c)
{
	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_sv_down"));

		c->dut_napi = 0;
		json_decref(a);
		return;
	}
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
}

/*
 * One server on the dut's device; in the paper placement, its NAPI thread on the dut CPU
 * (veth has NAPI only while XDP runs, so every attach makes a new thread to pin).
 */
int kv_dut_attach(struct ctx *c, enum server sv, char *why, size_t whylen)
{
	int err;

	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s, s:i, s:b}", "op", "kv_sv_up", "sv",
						     (int)sv, "pin", c->pl == PL_PAPER));

		if (!a) {
			snprintf(why, whylen, "%s", c->rm_why);
			return c->rm_err;
		}
		struct jb b = { .what = "kv_sv_up" };

		c->dut_napi = jtid(&b, a, "napi");
		json_decref(a);
		if (kv_dut_refused(c, &b)) {
			snprintf(why, whylen, "%s", c->rm_why);
			return c->rm_err;
		}
		return 0;
	}
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
	if (!err && c->pl == PL_PAPER) {
		c->dut_napi = tb_napi_pin(c->tb, TB_DUT, c->tb->dut_cpu, true);
		if (c->dut_napi <= 0) {
			snprintf(why, whylen,
				 "threaded NAPI could not be enabled on the dut's device");
			err = -EOPNOTSUPP;
		}
	}
	return err;
}

void kv_cache_counters(struct ctx *c, uint64_t out[KVC_NCOUNTERS])
{
	memset(out, 0, sizeof(uint64_t) * KVC_NCOUNTERS);
	if (c->up != SV_CACHE)
		return;
	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_counters")), *v;
		struct jb b = { .what = "kv_counters" };
		size_t i;

		json_array_foreach(json_object_get(a, "counters"), i, v)
		{
			if (i < KVC_NCOUNTERS)
				out[i] = jb_count(&b, v, "a counter");
		}
		json_decref(a);
		if (kv_dut_refused(c, &b))
			memset(out, 0, sizeof(uint64_t) * KVC_NCOUNTERS);
	} else if (c->k.skel) {
		kvc_counters(bpf_map__fd(c->k.skel->maps.counters), out);
	}
}

/* The running server's programs' run time and count: the kvcache's two, or the responder's. */
void kv_cache_progstat(struct ctx *c, struct progstat *p)
{
	memset(p, 0, sizeof(*p));
	if (c->up != SV_CACHE && c->up != SV_CEIL)
		return;
	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_progstat"));
		struct jb b = { .what = "kv_progstat" };

		if (a) {
			p->xt = jb_key_count(&b, a, "xt");
			p->xc = jb_key_count(&b, a, "xc");
			p->tt = jb_key_count(&b, a, "tt");
			p->tc = jb_key_count(&b, a, "tc");
		}
		json_decref(a);
		if (kv_dut_refused(c, &b))
			memset(p, 0, sizeof(*p));
		return;
	}
	if (c->stats_fd < 0)
		return;
	if (c->up == SV_CEIL && c->ceil) {
		bpfu_prog_stats(kv_ceiling_prog_fd(c->ceil), &p->xt, &p->xc);
	} else if (c->k.skel) {
		bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.olab_kvc_xdp), &p->xt, &p->xc);
		bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.olab_kvc_tc), &p->tt, &p->tc);
	}
}

void kv_dut_busy(struct ctx *c, unsigned long long *busy, unsigned long long *total)
{
	*busy = *total = 0;
	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_busy"));
		struct jb b = { .what = "kv_busy" };

		if (a) {
			*busy = jb_key_count(&b, a, "busy");
			*total = jb_key_count(&b, a, "total");
		}
		json_decref(a);
		if (kv_dut_refused(c, &b))
			*busy = *total = 0;
	} else {
		cpu_ticks(c->tb->dut_cpu, busy, total);
	}
}

void kv_dut_where(struct ctx *c, int *napi_cpu, int *worker_cpu)
{
	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_where"));
		struct jb b = { .what = "kv_where" };

		*napi_cpu = a ? jcpu(&b, a, "napi_cpu") : -1;
		*worker_cpu = a ? jcpu(&b, a, "worker_cpu") : -1;
		json_decref(a);
		if (kv_dut_refused(c, &b))
			*napi_cpu = *worker_cpu = -1;
		return;
	}
	*napi_cpu = c->dut_napi > 0 ? cpu_of_task(c->dut_napi) : -1;
	*worker_cpu = cpu_of_task(c->mc_worker);
}

/* ---- the slow path's observation: wake-ups, memcached's sleeps, the spinner ---- */

void kv_obs_init(struct kv_obs *o)
{
	memset(o, 0, sizeof(*o));
	stats_samples_init(&o->wake[0]);
	stats_samples_init(&o->wake[1]);
}

void kv_obs_free(struct kv_obs *o)
{
	stats_samples_free(&o->wake[0]);
	stats_samples_free(&o->wake[1]);
}

int kv_obs_begin(struct ctx *c, bool spin)
{
	const int tids[KV_SCHED_SLOTS] = { c->mc_worker, c->dut_napi };

	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s, s:b, s:I}", "op", "kv_obs_begin",
						     "spin", spin, "max_ns",
						     (json_int_t)(c->dur_ns + 5000000000ULL)));

		json_decref(a);
		return a ? 0 : c->rm_err;
	}
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

void kv_obs_end(struct ctx *c, struct kv_obs *o)
{
	const int tids[KV_SCHED_SLOTS] = { c->mc_worker, c->dut_napi };
	struct cpu_task_stats b = { 0 }, sb = { 0 };
	unsigned int i;

	if (c->rm) {
		json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_obs_end")), *v;
		struct jb b = { .what = "kv_obs_end" };
		size_t j;

		if (!a)
			return;
		o->vol = jb_key_count(&b, a, "vol");
		o->spin_ns = jb_key_count(&b, a, "spin_ns");
		for (i = 0; i < KV_SCHED_SLOTS && !b.err; i++) {
			json_t *s = json_array_get(json_object_get(a, "slots"), i);

			o->wakes[i] = jb_key_count(&b, s, "n");
			o->idle[i] = jb_key_count(&b, s, "idle");
			json_array_foreach(json_object_get(s, "lat"), j, v)
			{
				uint64_t ns = jb_count(&b, v, "a wake-up latency");

				if (b.err)
					break;
				stats_samples_add(&o->wake[i], (double)ns);
			}
		}
		json_decref(a);
		if (kv_dut_refused(c, &b)) {
			kv_obs_free(o);
			kv_obs_init(o);
		}
		return;
	}
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

/* ---- the test-run costs, on the server's CPU ---- */

void kv_dut_testrun(struct ctx *c, struct result *r)
{
	json_t *a;

	if (!c->rm) {
		kv_costs_testrun(r, c->o->quick);
		return;
	}
	a = kv_dut_call(c, json_pack("{s:s, s:b}", "op", "kv_testrun", "quick", c->o->quick));
	if (a && result_from_json(json_object_get(a, "result"), r))
		log_info("kv: the agent sent no test-run result%s%s", r->error[0] ? ": " : "",
			 r->error);
	json_decref(a);
}

/* ---- the agent's side: the same calls on this host's device ---- */

struct kv_side {
	struct tb tb;
	struct ctx c;
	struct run_opts o;
	bool obs; /* an observation is running */
};

int kv_side_up(const char *dev, struct kv_side **out, char *why, size_t whylen)
{
	struct kv_side *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->c.up = -1;
	s->c.stats_fd = -1;
	s->c.o = &s->o;
	s->c.dur_ns = 1000000000ULL;
	err = tb_attach_host(&s->tb, TB_DUT, dev, NULL, NULL);
	if (err) {
		snprintf(why, whylen, "use %s: %s", dev, strerror(-err));
		free(s);
		return err;
	}
	s->c.tb = &s->tb;
	err = kv_dut_start(&s->c, why, whylen);
	if (err) {
		kv_side_down(s);
		return err;
	}
	*out = s;
	return 0;
}

json_t *kv_side_hello(const struct kv_side *s)
{
	return json_pack("{s:b, s:i, s:i, s:i, s:b, s:b}", "ok", 1, "mc_pid", s->c.mc_pid,
			 "mc_worker", s->c.mc_worker, "dut_cpu", s->tb.dut_cpu, "traced",
			 s->c.sched != NULL, "stats", s->c.stats_fd >= 0);
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

json_t *kv_side_op(struct kv_side *s, const char *op, json_t *req, char *why, size_t whylen)
{
	struct ctx *c = &s->c;

	if (!strcmp(op, "kv_sv_up")) {
		json_int_t sv = json_integer_value(json_object_get(req, "sv"));

		if (sv < 0 || sv >= SV_MAX || c->up >= 0) {
			snprintf(why, whylen,
				 c->up >= 0 ? "a server is up (kv_sv_down first)"
					    : "kv_sv_up takes sv 0..%d",
				 SV_MAX - 1);
			return NULL;
		}
		c->pl = json_is_true(json_object_get(req, "pin")) ? PL_PAPER : PL_SHARED;
		c->up = (int)sv;
		if (kv_dut_attach(c, (enum server)sv, why, whylen)) {
			kv_sv_down(c);
			return NULL;
		}
		return json_pack("{s:b, s:i}", "ok", 1, "napi", c->dut_napi);
	}
	if (!strcmp(op, "kv_sv_down")) {
		kv_sv_down(c);
		return json_pack("{s:b}", "ok", 1);
	}
	if (!strcmp(op, "kv_counters")) {
		uint64_t cnt[KVC_NCOUNTERS];
		json_t *a = json_array();
		int i;

		kv_cache_counters(c, cnt);
		for (i = 0; i < KVC_NCOUNTERS; i++)
			json_array_append_new(a, json_integer((json_int_t)cnt[i]));
		return json_pack("{s:b, s:o}", "ok", 1, "counters", a);
	}
	if (!strcmp(op, "kv_progstat")) {
		struct progstat p;

		kv_cache_progstat(c, &p);
		return json_pack("{s:b, s:I, s:I, s:I, s:I}", "ok", 1, "xt", (json_int_t)p.xt, "xc",
				 (json_int_t)p.xc, "tt", (json_int_t)p.tt, "tc", (json_int_t)p.tc);
	}
	if (!strcmp(op, "kv_busy")) {
		unsigned long long b, t;

		kv_dut_busy(c, &b, &t);
		return json_pack("{s:b, s:I, s:I}", "ok", 1, "busy", (json_int_t)b, "total",
				 (json_int_t)t);
	}
	if (!strcmp(op, "kv_where")) {
		int n, w;

		kv_dut_where(c, &n, &w);
		return json_pack("{s:b, s:i, s:i}", "ok", 1, "napi_cpu", n, "worker_cpu", w);
	}
	if (!strcmp(op, "kv_obs_begin")) {
		json_int_t max = json_integer_value(json_object_get(req, "max_ns"));

		if (s->obs || max < 1000000 || max > 120000000000LL) {
			snprintf(why, whylen,
				 s->obs ? "an observation is running"
					: "kv_obs_begin takes max_ns 1 ms..120 s");
			return NULL;
		}
		c->dur_ns = (uint64_t)max - 5000000000ULL;
		if (kv_obs_begin(c, json_is_true(json_object_get(req, "spin")))) {
			snprintf(why, whylen, "start the spinner on cpu %d", s->tb.dut_cpu);
			return NULL;
		}
		s->obs = true;
		return json_pack("{s:b}", "ok", 1);
	}
	if (!strcmp(op, "kv_obs_end")) {
		struct kv_obs o;
		json_t *slots = json_array(), *a;
		int i;

		if (!s->obs) {
			snprintf(why, whylen, "no observation is running (kv_obs_begin first)");
			json_decref(slots);
			return NULL;
		}
		s->obs = false;
		kv_obs_init(&o);
		kv_obs_end(c, &o);
		for (i = 0; i < KV_SCHED_SLOTS; i++)
			json_array_append_new(
				slots, json_pack("{s:I, s:I, s:o}", "n", (json_int_t)o.wakes[i],
						 "idle", (json_int_t)o.idle[i], "lat",
						 samples_json(&o.wake[i], OBS_MAX_SAMPLES)));
		a = json_pack("{s:b, s:I, s:I, s:o}", "ok", 1, "vol", (json_int_t)o.vol, "spin_ns",
			      (json_int_t)o.spin_ns, "slots", slots);
		kv_obs_free(&o);
		return a;
	}
	if (!strcmp(op, "kv_ax_up")) {
		if (c->up >= 0 || c->akv) {
			snprintf(why, whylen, "a server is up (kv_sv_down first)");
			return NULL;
		}
		c->pl = PL_PAPER;
		if (kv_ax_dut_up(c, json_is_true(json_object_get(req, "cache")), why, whylen)) {
			kv_sv_down(c);
			return NULL;
		}
		return json_pack("{s:b, s:i}", "ok", 1, "napi", c->dut_napi);
	}
	if (!strcmp(op, "kv_ax_stop")) {
		kv_ax_dut_stop(c);
		return json_pack("{s:b}", "ok", 1);
	}
	if (!strcmp(op, "kv_testrun")) {
		struct result r;
		json_t *j;

		result_init(&r, "kv");
		kv_costs_testrun(&r, json_is_true(json_object_get(req, "quick")));
		j = result_to_json(&r, NULL, NULL);
		result_free(&r);
		return json_pack("{s:b, s:o}", "ok", 1, "result", j);
	}
	snprintf(why, whylen, "no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	return NULL;
}

void kv_side_down(struct kv_side *s)
{
	if (!s)
		return;
	if (s->obs) {
		struct kv_obs o;

		kv_obs_init(&o);
		kv_obs_end(&s->c, &o);
		kv_obs_free(&o);
	}
	kv_ax_dut_stop(&s->c);
	kv_dut_stop(&s->c);
	tb_destroy(&s->tb);
	free(s);
}
