// SPDX-License-Identifier: GPL-2.0
/*
 * kv (paper Fig. 4-6): memcached (one worker thread) in the dut namespace, without and with
 * the kvcache in front: single-key GET throughput (Fig. 4), and the latency of a cacheable
 * flow (50 K req/s) beside an uncacheable large-value flow (5 K req/s) (Fig. 5, 6): what the
 * cache gives the hits and what it costs the requests it cannot serve.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "advise/advise.h"
#include "exp/kv/kv.h"
#include "kvcache/kvc.h"
#include "lib/bpfutil.h"
#include "lib/log.h"
#include "lib/stats.h"
#include "loadgen/loadgen.h"
#include "testbed/testbed.h"

#include "kvcache.skel.h"

#define KV_PORT 11211
#define SMALL_KEYS 1000
#define SMALL_VALUE 32
#define LARGE_KEYS 50
#define LARGE_VALUE 4000 /* over the cache's limit: always memcached's */

struct ctx {
	struct tb tb;
	const struct run_opts *o;
	uint64_t dur_ns;
};

static void lg_base(struct ctx *c, struct lg_opts *lo, struct lg_mc *mc, struct lg_app *app,
		    const char *prefix, unsigned int keys, size_t vsize)
{
	struct sockaddr_in *dst = (struct sockaddr_in *)&lo->dst;

	lg_opts_default(lo);
	lo->l4 = LG_UDP;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(KV_PORT);
	dst->sin_addr.s_addr = c->tb.dut.addr;
	lo->dstlen = sizeof(*dst);
	lo->duration_ns = c->dur_ns;
	lo->timeout_ns = 50000000ULL;
	memset(mc, 0, sizeof(*mc));
	mc->keys = keys;
	mc->value_size = vsize;
	mc->udp = true;
	mc->rng = 12345;
	snprintf(mc->prefix, sizeof(mc->prefix), "%s", prefix);
	lg_mc_app(app, mc);
	lo->app = app;
}

/* Store every key over TCP (while the cache is attached, so that it learns their expiry). */
static int preload(struct ctx *c, const char *prefix, unsigned int keys, size_t vsize)
{
	char *buf = malloc(vsize + 128), rep[64];
	int fd = tb_connect(&c->tb, KV_PORT, 5000000000ULL), err = fd < 0 ? fd : 0;
	unsigned int k;

	if (!buf)
		err = -ENOMEM;
	for (k = 0; !err && k < keys; k++) {
		int h = snprintf(buf, 128, "set %s%u 0 0 %zu\r\n", prefix, k, vsize);

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

struct flow_run {
	struct ctx *c;
	struct lg_opts lo;
	struct lg_mc mc;
	struct lg_app app;
	struct lg_result res;
	int err;
};

static void *flow_thread(void *arg)
{
	struct flow_run *f = arg;

	f->err = tb_enter(&f->c->tb, TB_GEN);
	if (!f->err)
		f->err = lg_run(&f->lo, &f->res);
	tb_leave(&f->c->tb);
	return NULL;
}

/* Make every every-th request, or pct % of them, ask for a large (uncacheable) value. */
static void mix_large(struct flow_run *f, unsigned int every, unsigned int pct)
{
	f->mc.alt_every = every;
	f->mc.alt_pct = pct;
	f->mc.alt_keys = LARGE_KEYS;
	snprintf(f->mc.alt_prefix, sizeof(f->mc.alt_prefix), "kvB");
	lg_mc_app(&f->app, &f->mc);
	f->lo.app = &f->app;
}

/*
 * Closed-loop single-key GET throughput (kreq/s) over reps runs; uncacheable_pct % of the
 * requests ask for large values the cache never holds.
 */
static int throughput(struct ctx *c, struct stats_samples *s, int reps,
		      unsigned int uncacheable_pct, struct metric *lat_hit, struct metric *lat_miss)
{
	int i, err = 0;

	for (i = 0; i < reps && !err; i++) {
		struct flow_run f = { .c = c };

		lg_base(c, &f.lo, &f.mc, &f.app, "kvA", SMALL_KEYS, SMALL_VALUE);
		if (uncacheable_pct)
			mix_large(&f, 0, uncacheable_pct);
		f.lo.mode = LG_CLOSED;
		f.lo.outstanding = 32;
		f.lo.cpu = c->tb.gen_cpu;
		flow_thread(&f);
		err = f.err;
		if (!err)
			stats_samples_add(s, f.res.achieved_rps / 1e3);
		/* the last run's latency, per path (closed loop: queueing included) */
		if (!err && i == reps - 1) {
			if (lat_hit && f.res.lat)
				metric_set_hist(lat_hit, f.res.lat, 0);
			if (lat_miss && f.res.lat_alt)
				metric_set_hist(lat_miss, f.res.lat_alt, 0);
		}
		lg_result_free(&f.res);
	}
	return err;
}

/*
 * The two flows at once, from one generator thread (two busy threads on one CPU would take
 * turns in scheduler slices): every 11th request of a 55 K req/s Poisson stream asks for a
 * large value, so 50 K/s are cacheable and 5 K/s are not. m[0]: cacheable, m[1]: the rest.
 */
static int two_flows(struct ctx *c, struct metric *m[2])
{
	struct flow_run f = { .c = c };
	int err;

	lg_base(c, &f.lo, &f.mc, &f.app, "kvA", SMALL_KEYS, SMALL_VALUE);
	mix_large(&f, 11, 0);
	f.lo.mode = LG_POISSON;
	f.lo.rate = 55000;
	f.lo.cpu = c->tb.gen_cpu;
	flow_thread(&f);
	err = f.err;
	if (!err && f.res.lat && f.res.lat_alt) {
		int i;

		metric_set_hist(m[0], f.res.lat, 1000);
		metric_set_hist(m[1], f.res.lat_alt, 100);
		for (i = 0; i < 2; i++)
			snprintf(m[i]->note, sizeof(m[i]->note),
				 "one Poisson stream of 55 K req/s for %.1f s (every 11th a 4 KB "
				 "value): %llu sent, %llu lost; %llu hits, %llu misses at the "
				 "client",
				 (double)c->dur_ns / 1e9, (unsigned long long)f.res.sent,
				 (unsigned long long)f.res.lost, (unsigned long long)f.mc.hits,
				 (unsigned long long)f.mc.misses);
	}
	lg_result_free(&f.res);
	return err;
}

#define NSWEEP 7
static const unsigned int sweep_full[NSWEEP] = { 0, 10, 25, 50, 75, 90, 100 };
static const unsigned int sweep_quick[NSWEEP] = { 0, 50, 90, 100 };

/*
 * Throughput at each cacheable share w (kreq/s, median of reps) into kps[], and each path's
 * latency as metrics kv.sweeplat.{hit,miss}_<phase>.<w>.
 */
static int sweep(struct ctx *c, struct result *r, const char *phase, const unsigned int *ws, int nw,
		 int reps, double *kps)
{
	int i, err = 0;

	for (i = 0; i < nw && !err; i++) {
		struct stats_samples s;
		struct stats_summary sum;
		struct metric *mh = NULL, *mm = NULL;
		char id[64], label[96];

		if (ws[i] > 0) {
			snprintf(id, sizeof(id), "kv.sweeplat.hit_%s.%u", phase, ws[i]);
			snprintf(label, sizeof(label), "cacheable requests at w = %u %%, %s", ws[i],
				 phase);
			mh = result_add(r, id, label, "ns", METHOD_LIVE);
		}
		if (ws[i] < 100) {
			snprintf(id, sizeof(id), "kv.sweeplat.miss_%s.%u", phase, ws[i]);
			snprintf(label, sizeof(label), "uncacheable requests at w = %u %%, %s",
				 ws[i], phase);
			mm = result_add(r, id, label, "ns", METHOD_LIVE);
		}
		stats_samples_init(&s);
		err = throughput(c, &s, reps, 100 - ws[i], mh, mm);

		if (!err) {
			stats_samples_summary(&s, &sum);
			kps[i] = sum.p50;
		}
		stats_samples_free(&s);
	}
	return err;
}

int kv_run(const struct run_opts *o, struct result *r)
{
	char *argv[] = { "memcached", "-u", "root", "-l", "198.18.0.2", "-p", "11211", "-U",
			 "11211",     "-t", "1",    "-m", "256",	"-c", "4096",  NULL };
	struct ctx c = { .o = o, .dur_ns = o->quick ? 500000000ULL : 2000000000ULL };
	struct stats_samples tp[2];
	struct kvc_peer peer = { 0 };
	struct kvc k = { 0 };
	struct metric *m, *lat[2][2];
	int reps = o->quick ? 2 : 5, err, stats_fd = -1, ph, nw = o->quick ? 4 : NSWEEP, i;
	const unsigned int *ws = o->quick ? sweep_quick : sweep_full;
	double kps[2][NSWEEP] = { { 0 } };
	uint64_t rt0 = 0, rc0 = 0, rt1 = 0, rc1 = 0;

	char mcpath[4096];

	/* the memcached that will run is the one checked: found on PATH, run by its path */
	if (tb_which("memcached", mcpath, sizeof(mcpath))) {
		snprintf(r->error, sizeof(r->error),
			 "memcached is not installed (scripts/install-deps.sh installs it)");
		return -ENOENT;
	}
	argv[0] = mcpath;
	err = tb_create(&c.tb);
	if (err) {
		snprintf(r->error, sizeof(r->error), "no testbed: %s", strerror(-err));
		return err;
	}
	stats_samples_init(&tp[0]);
	stats_samples_init(&tp[1]);
	err = tb_spawn(&c.tb, TB_DUT, c.tb.dut_cpu, argv);
	if (err > 0) {
		err = tb_connect(&c.tb, KV_PORT, 5000000000ULL); /* memcached is up */
		if (err >= 0)
			err = close(err);
	}
	/* XDP_TX replies need a program on the client's veth too */
	if (!err && !(err = tb_enter(&c.tb, TB_GEN))) {
		err = kvc_peer_attach(c.tb.gen.ifname, &peer);
		tb_leave(&c.tb);
	}
	if (!err)
		err = preload(&c, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (!err)
		err = preload(&c, "kvB", LARGE_KEYS, LARGE_VALUE);
	for (ph = 0; ph < 2 && !err; ph++) {
		static const char *const phase[2] = { "memcached alone", "with kvcache" };
		char id[64], label[96];

		if (ph == 1) {
			err = tb_enter(&c.tb, TB_DUT);
			if (!err)
				err = kvc_attach(c.tb.dut.ifname, KV_PORT, 65536, &k);
			tb_leave(&c.tb);
			if (err)
				break;
			stats_fd = bpfu_stats_enable();
			/* written again while attached: the cache learns their expiry */
			err = preload(&c, "kvA", SMALL_KEYS, SMALL_VALUE);
			if (!err)
				err = preload(&c, "kvB", LARGE_KEYS, LARGE_VALUE);
			bpfu_prog_stats(bpf_program__fd(k.skel->progs.kvc_xdp), &rt0, &rc0);
		}
		if (!err)
			err = throughput(&c, &tp[ph], reps, 0, NULL, NULL);
		snprintf(id, sizeof(id), "kv.lat.hit.%s", ph ? "cache" : "nocache");
		snprintf(label, sizeof(label), "cacheable flow (32 B, 50 K/s), %s", phase[ph]);
		lat[ph][0] = result_add(r, id, label, "ns", METHOD_LIVE);
		snprintf(id, sizeof(id), "kv.lat.miss.%s", ph ? "cache" : "nocache");
		snprintf(label, sizeof(label), "uncacheable flow (4 KB, 5 K/s), %s", phase[ph]);
		lat[ph][1] = result_add(r, id, label, "ns", METHOD_LIVE);
		if (!err)
			err = two_flows(&c, lat[ph]);
		if (!err)
			err = sweep(&c, r, ph ? "cache" : "nocache", ws, nw, 1, kps[ph]);
		if (ph == 1)
			bpfu_prog_stats(bpf_program__fd(k.skel->progs.kvc_xdp), &rt1, &rc1);
	}
	if (!err) {
		double base, with;

		m = result_add(r, "kv.tput.nocache", "GET throughput, memcached alone (1 thread)",
			       "kreq/s", METHOD_LIVE);
		metric_set_samples(m, &tp[0], (size_t)reps);
		m = result_add(r, "kv.tput.cache", "GET throughput, with kvcache", "kreq/s",
			       METHOD_LIVE);
		metric_set_samples(m, &tp[1], (size_t)reps);
		base = result_find(r, "kv.tput.nocache")->s.p50;
		with = m->s.p50;
		m = result_add(r, "kv.tput.ratio", "throughput gain with kvcache", "x",
			       METHOD_MODEL);
		metric_set_value(m, base > 0 ? with / base : 0);
		metric_set_paper(m, 2.5, "Fig. 4");
		snprintf(m->note, sizeof(m->note),
			 "median with / median without (%.0f / %.0f kreq/s)", with, base);
		{
			struct metric *mn = lat[0][1], *mc = lat[1][1];
			struct stats_samples one;

			m = result_add(r, "kv.slowpath_penalty",
				       "latency the cache adds to requests it cannot serve", "%",
				       METHOD_MODEL);
			stats_samples_init(&one);
			if (mn->s.p50 > 0 && !mn->unavailable[0] && !mc->unavailable[0])
				stats_samples_add(&one, (mc->s.p50 - mn->s.p50) / mn->s.p50 * 100);
			metric_set_samples(m, &one, 1);
			stats_samples_free(&one);
			metric_set_paper(m, 51, "Fig. 6");
			snprintf(m->note, sizeof(m->note),
				 "median of the uncacheable flow with the cache against without");
		}
		m = result_add(r, "kv.prog_cost", "kvcache XDP program, per packet (r)", "ns",
			       METHOD_BPFSTATS);
		{
			struct stats_samples one;

			stats_samples_init(&one);
			if (stats_fd >= 0 && rc1 > rc0)
				stats_samples_add(&one, (double)(rt1 - rt0) / (double)(rc1 - rc0));
			metric_set_samples(m, &one, 1);
			stats_samples_free(&one);
			snprintf(m->note, sizeof(m->note),
				 "run_time_ns / run_cnt over the cached phase's %llu packets, hits "
				 "and "
				 "misses together",
				 (unsigned long long)(rc1 - rc0));
		}
		{
			uint64_t cnt[KC_NCOUNTERS];

			if (!kvc_counters(bpf_map__fd(k.skel->maps.counters), cnt))
				result_note(r,
					    "kvcache counters: %llu hits, %llu misses, %llu fills, "
					    "%llu too big, %llu without frame room",
					    (unsigned long long)cnt[KC_HIT],
					    (unsigned long long)cnt[KC_MISS],
					    (unsigned long long)cnt[KC_FILL],
					    (unsigned long long)cnt[KC_TOO_BIG],
					    (unsigned long long)cnt[KC_NO_ROOM]);
		}
		/* the sweep: measured gain per w, the model's gain from r and t, the break-evens */
		{
			double t = base > 0 ? 1e6 / base : 0; /* memcached's ns per request */
			double rc = result_find(r, "kv.prog_cost")->s.p50, meas_be = -1;
			struct metric *mp = result_find(r, "kv.prog_cost");

			for (i = 0; i < nw; i++) {
				char id[64], label[96];
				struct stats_samples one;
				double g = kps[0][i] > 0 ? kps[1][i] / kps[0][i] : 0;

				snprintf(id, sizeof(id), "kv.sweep.gain.%u", ws[i]);
				snprintf(label, sizeof(label), "throughput gain at w = %u %%",
					 ws[i]);
				m = result_add(r, id, label, "x", METHOD_LIVE);
				metric_set_value(m, g);
				snprintf(m->note, sizeof(m->note),
					 "%.0f kreq/s with the cache / %.0f without; closed loop, "
					 "%u %% "
					 "of requests for 4 KB values",
					 kps[1][i], kps[0][i], 100 - ws[i]);
				if (meas_be < 0 && g > 1) {
					/* interpolate between this point and the one before */
					double g0 = i && kps[0][i - 1] > 0
							    ? kps[1][i - 1] / kps[0][i - 1]
							    : g;

					meas_be = i && g0 < 1 && g > g0
							  ? ws[i - 1] + (1 - g0) / (g - g0) *
										(ws[i] - ws[i - 1])
							  : ws[i];
				}
				if (t > 0 && !mp->unavailable[0]) {
					struct advice a;

					snprintf(id, sizeof(id), "kv.sweep.model.%u", ws[i]);
					snprintf(label, sizeof(label), "model gain at w = %u %%",
						 ws[i]);
					m = result_add(r, id, label, "x", METHOD_MODEL);
					stats_samples_init(&one);
					if (!advise_model(ws[i] / 100.0, t, rc, &a))
						stats_samples_add(&one, a.gain);
					metric_set_samples(m, &one, 1);
					stats_samples_free(&one);
				}
			}
			m = result_add(r, "kv.breakeven.measured",
				       "cacheable share where the cache starts to pay, measured",
				       "%", METHOD_LIVE);
			{
				struct stats_samples one;

				stats_samples_init(&one);
				if (meas_be >= 0)
					stats_samples_add(&one, meas_be);
				metric_set_samples(m, &one, 1);
				stats_samples_free(&one);
				if (meas_be < 0)
					metric_unavailable(m, "the cache did not pay at any share "
							      "swept");
				m = result_add(r, "kv.breakeven.model",
					       "cacheable share where it pays, model: r / t", "%",
					       METHOD_MODEL);
				stats_samples_init(&one);
				if (t > 0 && !mp->unavailable[0])
					stats_samples_add(&one, rc / t * 100);
				metric_set_samples(m, &one, 1);
				stats_samples_free(&one);
			}
			snprintf(
				m->note, sizeof(m->note),
				"r = %.0f ns (bpf-stats), t = %.0f ns (1 / memcached's throughput)",
				rc, t);
		}
	}
	result_note(r, "memcached 1 worker thread pinned to the dut CPU; the generator on the "
		       "other CPU; veth between namespaces: XDP_TX replies never leave the host");
	result_note(r, "the sweep runs closed loop (32 requests in flight) for throughput: its "
		       "latencies include the queue, they compare paths and phases, not servers");
	result_note(r, "the model assumes one core runs both the program and the application; on "
		       "veth the XDP program runs on the sender's CPU, so a hit costs the "
		       "generator's CPU, not memcached's: the measured gain can exceed the model's "
		       "and is bounded by the generator");
	result_note(r, "slow path: the kvcache program's own cost per packet is r (bpf-stats); "
		       "most of the penalty of the uncacheable flow comes from elsewhere: with "
		       "the hits served in XDP, memcached's thread sleeps between the few "
		       "requests it still gets and pays a wake-up for each");
	if (stats_fd >= 0)
		close(stats_fd);
	if (k.skel) {
		tb_enter(&c.tb, TB_DUT);
		kvc_detach(&k);
		tb_leave(&c.tb);
	}
	if (peer.link) {
		tb_enter(&c.tb, TB_GEN);
		kvc_peer_detach(&peer);
		tb_leave(&c.tb);
	}
	tb_destroy(&c.tb);
	stats_samples_free(&tp[0]);
	stats_samples_free(&tp[1]);
	if (err && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", strerror(-err));
	return err;
}
