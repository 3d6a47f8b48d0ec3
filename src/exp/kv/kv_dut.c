// SPDX-License-Identifier: GPL-2.0
/*
 * kv: the generator's end of the server side (kv_side.c). memcached, the servers on its
 * device, the dut CPU's use, the kvcache's counters and run times, the wake-up tracer and the
 * cure's spinner, asked for through side_call(): here on the dut's veth, or, with two hosts,
 * on the server's host by its agent. Every number the side sends is range-checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "exp/side.h"
#include "lib/jbound.h"
#include "lib/log.h"

/* The side's failure as the run reports it: from the agent on the other host, or as it is. */
static void side_failed(struct ctx *c, int err, const char *why)
{
	c->side_err = err;
	if (c->x->remote)
		snprintf(c->side_why, sizeof(c->side_why), "the agent on %.60s: %.200s",
			 side_host(c->x), why);
	else
		snprintf(c->side_why, sizeof(c->side_why), "%.270s", why);
	log_info("kv: %s", c->side_why);
}

/* One request to the server side; NULL (and c->side_err set, the run stops) when it fails. */
json_t *kv_dut_call(struct ctx *c, json_t *req)
{
	char why[300];
	json_t *a;

	if (c->side_err) {
		json_decref(req);
		return NULL;
	}
	a = side_call(c->x, req, why, sizeof(why));
	if (!a)
		side_failed(c, -EIO, why);
	return a;
}

/*
 * A number the side sent that is outside its range stops the run as a lost agent does:
 * c->side_err set, c->side_why says which. Whether it did.
 */
bool kv_dut_refused(struct ctx *c, const struct jb *b)
{
	if (!b->err)
		return false;
	if (!c->side_err)
		side_failed(c, -EPROTO, b->why);
	return true;
}

/* A thread id the side names, or a -errno it got for one. */
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
	struct jb b = { .what = "kv_up" };
	json_t *a;
	int fd;

	a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_up"));
	if (!a) {
		snprintf(why, whylen, "%s", c->side_why);
		return c->side_err;
	}
	c->mc_pid = (int)jb_key_int(&b, a, "mc_pid", 1, JB_TID_MAX);
	c->mc_worker = jtid(&b, a, "mc_worker");
	c->side_cpu = jcpu(&b, a, "dut_cpu");
	c->side_traced = json_is_true(json_object_get(a, "traced"));
	json_decref(a);
	if (kv_dut_refused(c, &b)) {
		snprintf(why, whylen, "%s", c->side_why);
		return c->side_err;
	}
	fd = tb_connect(c->tb, KV_PORT, 5000000000ULL); /* memcached is up */
	if (fd < 0) {
		snprintf(why, whylen, "memcached does not answer on %s:%d", c->tb->dut.ip, KV_PORT);
		return fd;
	}
	close(fd);
	return 0;
}

void kv_dut_stop(struct ctx *c)
{
	kv_sv_down(c);
	if (c->x->side_up)
		json_decref(kv_dut_call(c, json_pack("{s:s}", "op", "kv_down")));
}

bool kv_dut_traced(const struct ctx *c)
{
	return c->side_traced;
}

/* ---- the servers on the device ---- */

void kv_dut_detach(struct ctx *c)
{
	json_decref(kv_dut_call(c, json_pack("{s:s}", "op", "kv_sv_down")));
	c->dut_napi = 0;
}

/*
 * One server on the dut's device; in the paper placement, its NAPI thread on the dut CPU
 * (veth has NAPI only while XDP runs, so every attach makes a new thread to pin).
 */
int kv_dut_attach(struct ctx *c, enum server sv, char *why, size_t whylen)
{
	struct jb b = { .what = "kv_sv_up" };
	json_t *a = kv_dut_call(c, json_pack("{s:s, s:i, s:b}", "op", "kv_sv_up", "sv", (int)sv,
					     "pin", c->pl == PL_PAPER));

	if (!a) {
		snprintf(why, whylen, "%s", c->side_why);
		return c->side_err;
	}
	c->dut_napi = jtid(&b, a, "napi");
	json_decref(a);
	if (kv_dut_refused(c, &b)) {
		snprintf(why, whylen, "%s", c->side_why);
		return c->side_err;
	}
	return 0;
}

/*
 * The AF_XDP server on the dut's device (with the kvcache in front when cache), its large
 * values stored, the device's NAPI thread on the dut CPU (kv_ax_up).
 */
int kv_ax_dut_up(struct ctx *c, bool cache, char *why, size_t whylen)
{
	json_t *a = kv_dut_call(c, json_pack("{s:s, s:b}", "op", "kv_ax_up", "cache", cache));
	struct jb b = { .what = "kv_ax_up" };

	if (!a) {
		snprintf(why, whylen, "%.150s", c->side_why);
		return c->side_err;
	}
	c->up = cache ? SV_CACHE : SV_MAX;
	c->akv_up = true;
	c->dut_napi = jtid(&b, a, "napi");
	json_decref(a);
	if (kv_dut_refused(c, &b)) {
		snprintf(why, whylen, "%.150s", c->side_why);
		return c->side_err;
	}
	return 0;
}

/* The AF_XDP server stopped (the cache in front stays for kv_sv_down, which counts it). */
void kv_ax_dut_stop(struct ctx *c)
{
	if (c->akv_up)
		json_decref(kv_dut_call(c, json_pack("{s:s}", "op", "kv_ax_stop")));
	c->akv_up = false;
}

void kv_cache_counters(struct ctx *c, uint64_t out[KVC_NCOUNTERS])
{
	struct jb b = { .what = "kv_counters" };
	json_t *a, *v;
	size_t i;

	memset(out, 0, sizeof(uint64_t) * KVC_NCOUNTERS);
	if (c->up != SV_CACHE)
		return;
	a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_counters"));
	json_array_foreach(json_object_get(a, "counters"), i, v)
	{
		if (i < KVC_NCOUNTERS)
			out[i] = jb_count(&b, v, "a counter");
	}
	json_decref(a);
	if (kv_dut_refused(c, &b))
		memset(out, 0, sizeof(uint64_t) * KVC_NCOUNTERS);
}

/* The running server's programs' run time and count: the kvcache's two, or the responder's. */
void kv_cache_progstat(struct ctx *c, struct progstat *p)
{
	struct jb b = { .what = "kv_progstat" };
	json_t *a;

	memset(p, 0, sizeof(*p));
	if (c->up != SV_CACHE && c->up != SV_CEIL)
		return;
	a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_progstat"));
	if (a) {
		p->xt = jb_key_count(&b, a, "xt");
		p->xc = jb_key_count(&b, a, "xc");
		p->tt = jb_key_count(&b, a, "tt");
		p->tc = jb_key_count(&b, a, "tc");
	}
	json_decref(a);
	if (kv_dut_refused(c, &b))
		memset(p, 0, sizeof(*p));
}

void kv_dut_busy(struct ctx *c, unsigned long long *busy, unsigned long long *total)
{
	json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_busy"));
	struct jb b = { .what = "kv_busy" };

	*busy = *total = 0;
	if (a) {
		*busy = jb_key_count(&b, a, "busy");
		*total = jb_key_count(&b, a, "total");
	}
	json_decref(a);
	if (kv_dut_refused(c, &b))
		*busy = *total = 0;
}

void kv_dut_where(struct ctx *c, int *napi_cpu, int *worker_cpu)
{
	json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_where"));
	struct jb b = { .what = "kv_where" };

	*napi_cpu = a ? jcpu(&b, a, "napi_cpu") : -1;
	*worker_cpu = a ? jcpu(&b, a, "worker_cpu") : -1;
	json_decref(a);
	if (kv_dut_refused(c, &b))
		*napi_cpu = *worker_cpu = -1;
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
	json_t *a = kv_dut_call(c, json_pack("{s:s, s:b, s:I}", "op", "kv_obs_begin", "spin", spin,
					     "max_ns", (json_int_t)(c->dur_ns + 5000000000ULL)));

	json_decref(a);
	return a ? 0 : c->side_err;
}

void kv_obs_end(struct ctx *c, struct kv_obs *o)
{
	json_t *a = kv_dut_call(c, json_pack("{s:s}", "op", "kv_obs_end")), *v;
	struct jb b = { .what = "kv_obs_end" };
	unsigned int i;
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
}

/* ---- the test-run costs, on the server's CPU ---- */

void kv_dut_testrun(struct ctx *c, struct result *r)
{
	json_t *a;

	a = kv_dut_call(c, json_pack("{s:s, s:b}", "op", "kv_testrun", "quick", c->o->quick));
	if (a && result_from_json(json_object_get(a, "result"), r))
		log_info("kv: %s sent no test-run result%s%s", side_host(c->x),
			 r->error[0] ? ": " : "", r->error);
	json_decref(a);
}
