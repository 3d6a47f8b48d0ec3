// SPDX-License-Identifier: GPL-2.0
/*
 * kv (paper Fig. 4-6): memcached (one worker thread) in the dut namespace, without and with
 * the kvcache in front: single-key GET throughput (Fig. 4), and the latency of a cacheable
 * flow (50 K req/s) beside an uncacheable large-value flow (5 K req/s) (Fig. 5, 6): what the
 * cache gives the hits and what it costs the requests it cannot serve.
 *
 * Placement (the paper's, the default): the dut's veth runs threaded NAPI pinned to the dut
 * CPU, where memcached's worker runs too, as one server core takes the NIC's interrupts and
 * runs the server; the generator's veth NAPI runs on the generator's CPU. The shared
 * placement (veth's default: the dut's XDP runs in the sender's softirq, on the generator's
 * CPU) is measured too and labelled ".shared". In each placement three servers take turns,
 * repetition by repetition: memcached alone (behind an XDP_PASS program, for the same NAPI
 * path), memcached with the kvcache, and an XDP_TX responder of the same request and reply
 * sizes, the cheapest server there is: the generator's ceiling.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/gen.h"
#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "exp/side.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/offload_model.h"

#include "kvcache.skel.h"

const struct sv_info kv_sv_info[SV_MAX] = {
	[SV_ALONE] = { "nocache", "memcached alone (1 thread)" },
	[SV_CACHE] = { "cache", "memcached with the kvcache" },
	[SV_CEIL] = { "ceiling", "XDP_TX responder, same sizes (generator's ceiling)" },
};

void kv_lg_base(struct ctx *c, struct lg_opts *lo, struct lg_mc *mc, struct lg_app *app,
		const char *prefix, unsigned int keys, size_t vsize)
{
	struct sockaddr_in *dst = (struct sockaddr_in *)&lo->dst;

	lg_opts_default(lo);
	lo->l4 = LG_UDP;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(c->port ? c->port : KV_PORT);
	dst->sin_addr.s_addr = c->tb->dut.addr;
	lo->dstlen = sizeof(*dst);
	lo->duration_ns = c->dur_ns;
	lo->timeout_ns = 50000000ULL;
	lo->cpu = c->tb->gen_cpu;
	memset(mc, 0, sizeof(*mc));
	mc->keys = keys;
	mc->key_digits = KV_KEY_DIGITS;
	mc->value_size = vsize;
	mc->udp = true;
	mc->rng = 12345;
	snprintf(mc->prefix, sizeof(mc->prefix), "%s", prefix);
	lg_mc_app(app, mc);
	lo->app = app;
}

/* Store every key over TCP (while the cache is attached, so that it learns their expiry). */
int kv_preload(struct ctx *c, const char *prefix, unsigned int keys, size_t vsize)
{
	char *buf = malloc(vsize + 128), rep[64];
	int fd = tb_connect(c->tb, KV_PORT, 5000000000ULL), err = fd < 0 ? fd : 0;
	unsigned int k;

	if (!buf)
		err = -ENOMEM;
	for (k = 0; !err && k < keys; k++) {
		char key[32];
		int h;

		kv_key(key, sizeof(key), prefix, k);
		h = snprintf(buf, 128, "set %s 0 0 %zu\r\n", key, vsize);

		memset(buf + h, 'v', vsize);
		memcpy(buf + h + vsize, "\r\n", 2);
		if (send(fd, buf, (size_t)h + vsize + 2, MSG_NOSIGNAL) < 0 ||
		    recv(fd, rep, sizeof(rep), 0) < 8 || memcmp(rep, "STORED", 6))
			err = -EPROTO;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

void kv_flow_go(struct flow_run *f)
{
	f->err = tb_enter(f->c->tb, TB_GEN);
	if (!f->err)
		f->err = lg_run(&f->lo, &f->res);
	tb_leave(f->c->tb);
}

/* Make every every-th request, or pct % of them, ask for a large (uncacheable) value. */
void kv_mix_large(struct flow_run *f, unsigned int every, unsigned int pct)
{
	f->mc.alt_every = every;
	f->mc.alt_pct = pct;
	f->mc.alt_keys = LARGE_KEYS;
	snprintf(f->mc.alt_prefix, sizeof(f->mc.alt_prefix), "kvB");
	lg_mc_app(&f->app, &f->mc);
	f->lo.app = &f->app;
}

/*
 * One closed-loop GET run (KV_OUTSTANDING in flight) for prefix's keys; uncacheable_pct % of the
 * requests ask for large values the cache never holds. kreq/s into *kps; each path's
 * latency into lat_hit / lat_miss when given (closed loop: queueing included).
 */
/* how busy the dut CPU was between two readings, % */
struct cpu_use {
	unsigned long long b, t;
};

static void cpu_use_read(struct ctx *c, struct cpu_use *u)
{
	kv_dut_busy(c, &u->b, &u->t);
}

static double cpu_use_pct(const struct cpu_use *a, const struct cpu_use *b)
{
	unsigned long long t = b->t - a->t;

	return t ? 100.0 * (double)(b->b - a->b) / (double)t : NAN;
}

void kv_key(char *buf, size_t len, const char *prefix, unsigned int n)
{
	snprintf(buf, len, "%s%0*u", prefix, KV_KEY_DIGITS, n);
}

int kv_closed_run_with(struct ctx *c, enum lg_engine e, const char *prefix, unsigned int keys,
		       unsigned int uncacheable_pct, double *kps, struct metric *lat_hit,
		       struct metric *lat_miss)
{
	struct flow_run f = { .c = c };
	struct cpu_use u0, u1;

	kv_lg_base(c, &f.lo, &f.mc, &f.app, prefix, keys, SMALL_VALUE);
	if (uncacheable_pct)
		kv_mix_large(&f, 0, uncacheable_pct);
	exp_gen_use(&f.lo, e == LG_ENGINE_XDP ? c->lgx : NULL);
	f.lo.mode = LG_CLOSED;
	f.lo.outstanding = e == LG_ENGINE_XDP && c->lgx && (c->up == SV_ALONE || uncacheable_pct)
				   ? KV_OUTSTANDING_XDP
				   : KV_OUTSTANDING;
	f.lo.batch = 64; /* throughput: large live-frames batches, or sendmmsg ones */
	cpu_use_read(c, &u0);
	kv_flow_go(&f);
	cpu_use_read(c, &u1);
	c->dut_busy = cpu_use_pct(&u0, &u1);
	if (!f.err) {
		*kps = f.res.achieved_rps / 1e3;
		if (lat_hit && f.res.lat) {
			metric_set_hist(lat_hit, f.res.lat, 0);
			metric_engine(lat_hit, lg_engine_name(f.lo.engine));
		}
		if (lat_miss && f.res.lat_alt) {
			metric_set_hist(lat_miss, f.res.lat_alt, 0);
			metric_engine(lat_miss, lg_engine_name(f.lo.engine));
		}
	}
	lg_result_free(&f.res);
	return f.err;
}

int kv_closed_run(struct ctx *c, const char *prefix, unsigned int keys,
		  unsigned int uncacheable_pct, double *kps, struct metric *lat_hit,
		  struct metric *lat_miss)
{
	return kv_closed_run_with(c, c->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET, prefix, keys,
				  uncacheable_pct, kps, lat_hit, lat_miss);
}

/* ---- the servers on the dut's device ---- */

void kv_sv_down(struct ctx *c)
{
	if (c->up < 0)
		return;
	if (c->up == SV_CACHE) {
		uint64_t cnt[KVC_NCOUNTERS];
		int i;

		kv_cache_counters(c, cnt);
		for (i = 0; i < KVC_NCOUNTERS; i++)
			c->kvc_total[i] += cnt[i];
	}
	kv_dut_detach(c);
	c->up = -1;
}

/* One server on the dut's device, and with the cache the keys written again (it learns them). */
int kv_sv_up(struct ctx *c, enum server sv, char *why, size_t whylen)
{
	int err;

	c->up = sv;
	err = kv_dut_attach(c, sv, why, whylen);
	/* written again while attached: the cache learns their expiry */
	if (!err && sv == SV_CACHE)
		err = kv_preload(c, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (!err && sv == SV_CACHE)
		err = kv_preload(c, "kvB", LARGE_KEYS, LARGE_VALUE);
	if (err)
		kv_sv_down(c);
	return err;
}

/* ---- the sweep of the cacheable share ---- */

#define NSWEEP 7
static const unsigned int sweep_full[NSWEEP] = { 0, 10, 25, 50, 75, 90, 100 };
static const unsigned int sweep_quick[NSWEEP] = { 0, 50, 90, 100 };

/* Throughput at each share w into kps[], each path's latency as kv.sweeplat.*. */
static int sweep(struct ctx *c, struct result *r, enum server sv, const unsigned int *ws, int nw,
		 double *kps, char *why, size_t whylen)
{
	const char *phase = sv == SV_CACHE ? "cache" : "nocache";
	int i, err = kv_sv_up(c, sv, why, whylen);

	for (i = 0; i < nw && !err; i++) {
		struct metric *mh = NULL, *mm = NULL;

		if (ws[i] > 0) {
			mh = result_addf(r, "ns", METHOD_LIVE, "kv.sweeplat.hit_%s.%u", phase,
					 ws[i]);
			metric_label(mh, "cacheable requests at w = %u %%, %s", ws[i], phase);
		}
		if (ws[i] < 100) {
			mm = result_addf(r, "ns", METHOD_LIVE, "kv.sweeplat.miss_%s.%u", phase,
					 ws[i]);
			metric_label(mm, "uncacheable requests at w = %u %%, %s", ws[i], phase);
		}
		err = kv_closed_run(c, "kvA", SMALL_KEYS, 100 - ws[i], &kps[i], mh, mm);
	}
	kv_sv_down(c);
	return err;
}

/* Measured gain per w, the model's from each path's cost and t, the break-evens. */
static void sweep_report(struct result *r, const unsigned int *ws, int nw, double kps[2][NSWEEP])
{
	struct metric *m, *mh = result_find(r, "kv.cost.hit.live"),
			  *mm = result_find(r, "kv.cost.miss.live"),
			  *base = result_find(r, "kv.tput.nocache");
	double t = base && base->s.p50 > 0 ? 1e6 / base->s.p50 : 0, meas_be = -1;
	bool costs = mh && mm && !mh->unavailable[0] && !mm->unavailable[0] && t > 0;
	int i;

	for (i = 0; i < nw; i++) {
		double g = kps[0][i] > 0 ? kps[1][i] / kps[0][i] : 0;

		m = result_addf(r, "x", METHOD_LIVE, "kv.sweep.gain.%u", ws[i]);
		metric_label(m, "throughput gain at w = %u %%", ws[i]);
		metric_set_value(m, g);
		metric_note(
			m,
			"%.0f kreq/s with the cache / %.0f without; closed loop, %u %% of requests "
			"for 4 KB values",
			kps[1][i], kps[0][i], 100 - ws[i]);
		if (meas_be < 0 && g > 1) {
			/* interpolate between this point and the one before */
			double g0 = i && kps[0][i - 1] > 0 ? kps[1][i - 1] / kps[0][i - 1] : g;

			meas_be = i && g0 < 1 && g > g0
					  ? ws[i - 1] + (1 - g0) / (g - g0) * (ws[i] - ws[i - 1])
					  : ws[i];
		}
		if (costs) {
			struct advice a;
			double w = ws[i] / 100.0;

			m = result_addf(r, "x", METHOD_MODEL, "kv.sweep.model.%u", ws[i]);
			metric_label(m, "model gain at w = %u %%", ws[i]);
			/* every request pays its path's cost: w hits, 1 - w misses */
			if (!advise_model(w, t, w * mh->s.p50 + (1 - w) * mm->s.p50, &a))
				metric_set_value(m, a.gain);
			else
				metric_unavailable(m, "the model has no finite answer here");
		}
	}
	m = result_add(r, "kv.breakeven.measured",
		       "cacheable share where the cache starts to pay, measured", "%", METHOD_LIVE);
	if (meas_be >= 0)
		metric_set_value(m, meas_be);
	else
		metric_unavailable(m, "the cache did not pay at any share swept");
	m = result_add(r, "kv.breakeven.model",
		       "cacheable share where it pays, model: miss cost / (t + miss - hit)", "%",
		       METHOD_MODEL);
	if (costs) {
		/* w h + (1 - w)(m + t) = t  <=>  w = m / (t + m - h) */
		metric_set_value(m, mm->s.p50 / (t + mm->s.p50 - mh->s.p50) * 100);
		metric_note(m,
			    "hit %.0f ns, miss %.0f ns (bpf-stats), t = %.0f ns (1 / memcached's "
			    "throughput)",
			    mh->s.p50, mm->s.p50, t);
	} else {
		metric_unavailable(m, "the costs per path or memcached's throughput are missing");
	}
}

/* ---- the experiment ---- */

int kv_setup(struct ctx *c, struct tb *tb, struct result *r)
{
	char why[200] = "";
	int err;

	c->tb = tb;
	err = kv_dut_start(c, why, sizeof(why));
	if (err) {
		snprintf(r->error, sizeof(r->error), "%s", why);
		return err;
	}
	/*
	 * The XDP load generator, whose receive program is also the XDP program a veth needs
	 * to receive XDP_TX replies; where it cannot run, the socket engine, and on a veth an
	 * XDP_PASS for the replies (a NIC is left alone)
	 */
	c->lgx = exp_gen_open(c->tb, 4096, c->gen_why, sizeof(c->gen_why));
	if (!c->lgx && (!c->x->remote || dev_is_veth(c->tb->gen.ifname))) {
		err = tb_enter(c->tb, TB_GEN);
		if (!err)
			err = xdp_pass_attach(c->tb->gen.ifname, &c->peer);
		tb_leave(c->tb);
	}
	/* the keys; kvC before any cache has seen them: never cacheable */
	if (!err)
		err = kv_preload(c, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (!err)
		err = kv_preload(c, "kvB", LARGE_KEYS, LARGE_VALUE);
	if (!err)
		err = kv_preload(c, "kvC", MISS_KEYS, SMALL_VALUE);
	return err;
}

void kv_teardown(struct ctx *c)
{
	kv_dut_stop(c);
	exp_gen_close(c->tb, c->lgx);
	c->lgx = NULL;
	stats_samples_free(&c->ceil_kps[PL_PAPER]);
	stats_samples_free(&c->ceil_kps[PL_SHARED]);
	if (c->peer.link && !tb_enter(c->tb, TB_GEN)) {
		xdp_pass_detach(&c->peer);
		tb_leave(c->tb);
	}
}

static void kv_notes(struct ctx *c, struct result *r)
{
	result_note(r,
		    "kvcache counters over all its runs: %llu hits, %llu misses, %llu fills, %llu "
		    "too big, %llu without frame room",
		    (unsigned long long)c->kvc_total[KVC_HIT],
		    (unsigned long long)c->kvc_total[KVC_MISS],
		    (unsigned long long)c->kvc_total[KVC_FILL],
		    (unsigned long long)c->kvc_total[KVC_TOO_BIG],
		    (unsigned long long)c->kvc_total[KVC_NO_ROOM]);
	if (c->x->remote)
		result_note(
			r,
			"two hosts: %s -> %s on %s; memcached 1 worker thread (pid %d, worker "
			"%d there) pinned to the server's CPU %d; the generator on cpu %d here; "
			"the kvcache's costs (test-run, bpf-stats), the dut CPU's use and the "
			"wake-ups are the server's",
			c->tb->gen.ifname, c->tb->dut.ifname, side_host(c->x), c->mc_pid,
			c->mc_worker, c->side_cpu, c->tb->gen_cpu);
	else
		result_note(r,
			    "memcached 1 worker thread (pid %d, worker %d) pinned to the dut CPU "
			    "%d; the generator on cpu %d; veth between namespaces",
			    c->mc_pid, c->mc_worker, c->tb->dut_cpu, c->tb->gen_cpu);
	exp_gen_note(r, c->lgx, c->gen_why);
	result_note(r,
		    "throughput: %d interleaved repetitions of %.1f s per server and "
		    "placement, closed loop with %d requests in flight (%d with the XDP engine "
		    "where memcached answers: its page-sized frames fill memcached's socket "
		    "buffer sooner), the servers' order rotated each repetition; ratios are the "
		    "medians of per-repetition ratios",
		    c->reps, (double)c->dur_ns / 1e9, KV_OUTSTANDING, KV_OUTSTANDING_XDP);
	result_note(r, "the paper placement's NAPI threads run at a real-time priority, as "
		       "softirq preempts the server on its core; with the cache they serve every "
		       "hit on the dut CPU");
	result_note(r,
		    "the sweep runs closed loop (%d requests in flight, %d with the XDP engine "
		    "where memcached answers a share) for throughput: its latencies include the "
		    "queue, they compare paths and phases, not servers",
		    KV_OUTSTANDING, KV_OUTSTANDING_XDP);
	result_note(r,
		    "the cure tried: with the hits served in XDP the dut CPU idles between the "
		    "requests memcached still gets, and an idle vCPU halts; a SCHED_IDLE spinner "
		    "keeps it running without taking time from anything else "
		    "(kv.slowpath_penalty.cured, kv.cure.cpu); busy polling is not used, as it "
		    "needs memcached changed or a host-wide sysctl");
}

int kv_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct ctx c = { .o = o, .up = -1, .stats_fd = -1, .x = x };
	struct kv_tput tp[PL_MAX];
	double kps[2][NSWEEP] = { { 0 } };
	const unsigned int *ws = o->quick ? sweep_quick : sweep_full;
	int nw = o->quick ? 4 : NSWEEP, err, pl;
	char why[160] = "";

	c.dur_ns = o->quick ? 500000000ULL : 1000000000ULL;
	c.reps = o->quick ? 3 : 5;
	for (pl = 0; pl < PL_MAX; pl++)
		kv_tput_init(&tp[pl], false);
	err = kv_setup(&c, x->tb, r);
	kv_dut_testrun(&c, r);
	/* shared first: a veth's NAPI stays threaded once it has been */
	for (pl = PL_SHARED; pl >= PL_PAPER && !err; pl--) {
		c.pl = (enum placement)pl;
		/* two hosts: a real NIC here is left as it is */
		if (pl == PL_PAPER && (!c.x->remote || dev_is_veth(c.tb->gen.ifname))) {
			c.gen_napi = tb_napi_pin(c.tb, TB_GEN, c.tb->gen_cpu, true);
			if (c.gen_napi <= 0)
				log_warn("kv: the generator's veth stays in softirq (no NAPI "
					 "thread)");
		}
		err = kv_tput_placement(&c, r, &tp[pl], why, sizeof(why));
		if (!err)
			kv_tput_report(&c, r, &tp[pl]);
	}
	if (!err) {
		kv_costs_compare(r);
		kv_flow_rate(&c, r, &tp[PL_PAPER].kps[SV_ALONE]);
		err = kv_slow_path(&c, r, why, sizeof(why));
	}
	if (!err)
		err = sweep(&c, r, SV_ALONE, ws, nw, kps[0], why, sizeof(why));
	if (!err)
		err = sweep(&c, r, SV_CACHE, ws, nw, kps[1], why, sizeof(why));
	if (!err)
		sweep_report(r, ws, nw, kps);
	kv_notes(&c, r);
	kv_teardown(&c);
	for (pl = 0; pl < PL_MAX; pl++)
		kv_tput_init(&tp[pl], true);
	if (err && !r->error[0] && c.side_err)
		snprintf(r->error, sizeof(r->error), "%.250s", c.side_why);
	if (err && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s%s%s", why[0] ? why : "",
			 why[0] ? ": " : "", strerror(-err));
	return err;
}
