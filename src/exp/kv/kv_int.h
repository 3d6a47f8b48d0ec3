/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the kv experiment: what kv.c (servers, sweep, the run), kv_tput.c (throughput),
 * kv_cost.c (each path's cost), kv_slow.c (the slow path and the cure), kv_ceiling.c (the
 * XDP_TX responder), kv_dut.c and kv_side.c (the server side, its two ends) share, and
 * kv-afxdp (afxdp/, built on this machinery) with them. Not for use outside src/exp/kv.
 */
#ifndef OLAB_KV_INT_H
#define OLAB_KV_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "exp/exp.h"
#include "exp/kv/kv_exp.h"
#include "kvcache/kvc.h"
#include "lib/cpu.h"
#include "lib/stats.h"
#include "lib/wake.h"
#include "loadgen/loadgen.h"
#include "testbed/testbed.h"

#define KV_PORT 11211
#define SMALL_KEYS 1000
#define SMALL_VALUE 32
#define LARGE_KEYS 50
#define LARGE_VALUE 4000 /* over the cache's limit: always memcached's */
#define MISS_KEYS 100	 /* small values stored before any cache: never cacheable */
#define GENBOUND 1.5	 /* a throughput within this factor of the ceiling may be the generator's */
/*
 * Requests in flight in the closed-loop runs: enough that the generator sends and receives
 * in batches (with 32, its ceiling on this VM kind was 10-20 % lower).
 */
#define KV_OUTSTANDING 128
/*
 * The XDP engine's where memcached answers any of the requests: its frames reach memcached as
 * page-sized skbs, so the socket's default buffer (212992 bytes) holds ~48 of them; 128 in
 * flight overflowed it (`loadgen --engine xdp -o 128` against memcached: 1788 of 114 K
 * requests lost to UdpRcvbufErrors, 56 kreq/s; with 32 or 8 none lost, 69-72), and each lost
 * request held its slot for the timeout, so kv's memcached-alone figure was the buffer's, not
 * memcached's (2026-12-02). Where XDP answers everything (the cache at 100 % hits, the
 * responder) the window stays at 128: at the paper placement each batch waits for the dut's
 * NAPI thread to wake, and 32 in flight held the responder to 323 kreq/s.
 */
#define KV_OUTSTANDING_XDP 32
/*
 * The two flows' load as a share of memcached's own capacity: the paper offered 55 K req/s
 * to a memcached that served 126.5 K alone (43 %); a slower machine gets the same share.
 */
#define PAPER_FLOW_RATE 55000.0
#define PAPER_FLOW_SHARE (55.0 / 126.5)

#define KV_SCHED_SLOTS_N WAKE_SLOTS
/* key numbers zero-padded to this many digits: one width, as the XDP engine needs */
#define KV_KEY_DIGITS 4

enum server { SV_ALONE, SV_CACHE, SV_CEIL, SV_MAX };
struct sv_info {
	const char *key, *label;
};
extern const struct sv_info kv_sv_info[SV_MAX];

enum placement { PL_PAPER, PL_SHARED, PL_MAX };

struct ctx {
	struct tb *tb; /* the runner's */
	const struct run_opts *o;
	uint64_t dur_ns;
	int reps;
	enum placement pl;
	int mc_pid, mc_worker;
	struct xdp_pass_link peer; /* XDP_PASS on the generator's veth: XDP_TX replies reach it */
	/* the XDP load generator on the generator's device (its receive program is the XDP
	 * program XDP_TX replies need there), or NULL: the socket engine, for gen_why */
	struct lg_xdp *lgx;
	char gen_why[200];
	/* the XDP_TX responder's throughput runs in each placement measured so far (kreq/s) */
	struct stats_samples ceil_kps[PL_MAX];
	/* what runs on the dut's veth now */
	int up; /* enum server, or -1 */
	struct kvc k;
	struct xdp_pass_link pass;
	struct kv_ceiling_bpf *ceil;
	struct bpf_link *ceil_link;
	int dut_napi, gen_napi;
	int stats_fd;
	struct wake_bpf *sched; /* wake-up tracer, NULL where tp_btf is refused */
	char where[2][200];	/* where each piece ran, per placement */
	double flow_rate;	/* the two flows' requests per second */
	double dut_busy;	/* the last closed-loop run: the dut CPU's busy share, % */
	uint64_t kvc_total[KVC_NCOUNTERS]; /* the kvcache's counters over every time it ran */
	uint16_t port;			   /* where the load goes; 0: KV_PORT (memcached) */
	/* the slow path's observation (the side's) */
	int spinner;
	struct cpu_task_stats obs_mc, obs_spin;
	struct akv_server *akv; /* kv-afxdp: the AF_XDP server while it runs (the side's) */
	/* the generator's: the server side through side_call() (kv_dut.c) */
	struct exp_ctx *x;
	int side_err; /* the first failed request: the run stops */
	char side_why[280];
	int side_cpu;	  /* the server's CPU for memcached and its NAPI thread */
	bool side_traced; /* the side's wake-up tracer loaded */
	bool akv_up;	  /* kv-afxdp: the AF_XDP server is up on the side */
};

/* One run of the load generator from the generator's namespace. */
struct flow_run {
	struct ctx *c;
	struct lg_opts lo;
	struct lg_mc mc;
	struct lg_app app;
	struct lg_result res;
	int err;
};

/* kv.c: the testbed with memcached (started, keys stored) and the tracer; and its end */
int kv_setup(struct ctx *c, struct tb *tb, struct result *r);
void kv_teardown(struct ctx *c);

/* kv.c: load, servers */
void kv_lg_base(struct ctx *c, struct lg_opts *lo, struct lg_mc *mc, struct lg_app *app,
		const char *prefix, unsigned int keys, size_t vsize);
void kv_flow_go(struct flow_run *f);
void kv_mix_large(struct flow_run *f, unsigned int every, unsigned int pct);
int kv_closed_run(struct ctx *c, const char *prefix, unsigned int keys,
		  unsigned int uncacheable_pct, double *kps, struct metric *lat_hit,
		  struct metric *lat_miss);
/* The same with a chosen engine (kv_closed_run: the XDP one where it runs). */
int kv_closed_run_with(struct ctx *c, enum lg_engine e, const char *prefix, unsigned int keys,
		       unsigned int uncacheable_pct, double *kps, struct metric *lat_hit,
		       struct metric *lat_miss);
/* Key n of prefix's, as the load generator names it. */
void kv_key(char *buf, size_t len, const char *prefix, unsigned int n);
int kv_sv_up(struct ctx *c, enum server sv, char *why, size_t whylen);
void kv_sv_down(struct ctx *c);
/* The kvcache's counters now (zeros when it is not up). */
void kv_cache_counters(struct ctx *c, uint64_t out[KVC_NCOUNTERS]);
/* The kvcache programs' run time and count (bpf-stats; zeros when it is not up). */
struct progstat {
	uint64_t xt, xc, tt, tc; /* the responder's: xt, xc */
};
void kv_cache_progstat(struct ctx *c, struct progstat *p);

/* kv_tput.c: one placement's throughput runs: kreq/s, how busy the dut CPU was (%) */
struct kv_tput {
	struct stats_samples kps[SV_MAX], busy[SV_MAX];
	struct stats_samples kps_socket; /* memcached alone by the socket engine: the cross-check */
};
void kv_tput_init(struct kv_tput *t, bool free_it);
int kv_tput_placement(struct ctx *c, struct result *r, struct kv_tput *tp, char *why,
		      size_t whylen);
void kv_tput_report(struct ctx *c, struct result *r, struct kv_tput *orig);
/*
 * The generator's ceiling for the generator-bound rule, as metric id: of the XDP_TX
 * responder's runs so far (c->ceil_kps), the placement with the highest median. Each is a lower
 * bound of what the generator carries (the responder's path may be the limit: the dut CPU in
 * the paper placement, the generator's own CPU in the shared one).
 */
struct metric *kv_gen_ceiling(struct ctx *c, struct result *r, const char *id);

/* Per-repetition ratios a[i] / b[i] (interleaved pairs) as one model metric's samples. */
struct metric *kv_ratio_metric(struct result *r, const char *id, const char *label,
			       const struct stats_samples *a, const struct stats_samples *b);

/*
 * kv_dut.c: the server side (kv_side.c) asked through side_call(), here or on the other host:
 * memcached started and reachable (stats and the tracer with it), and stopped; a server put
 * on the device and removed (kv_sv_up/down wrap them); the dut CPU's ticks; where its threads
 * ran. The struct ctx the side keeps is its own, with the device's state in it.
 */
int kv_dut_start(struct ctx *c, char *why, size_t whylen);
/* One request to the side (stolen); NULL, c->side_err and c->side_why set, when it fails. */
#include <jansson.h>
json_t *kv_dut_call(struct ctx *c, json_t *req);
struct jb;
/* A refused number in the side's answer (b) stops the run as a lost agent does: whether. */
bool kv_dut_refused(struct ctx *c, const struct jb *b);
void kv_dut_stop(struct ctx *c);
int kv_dut_attach(struct ctx *c, enum server sv, char *why, size_t whylen);
void kv_dut_detach(struct ctx *c);
bool kv_dut_traced(const struct ctx *c);
void kv_dut_busy(struct ctx *c, unsigned long long *busy, unsigned long long *total);
void kv_dut_where(struct ctx *c, int *napi_cpu, int *worker_cpu);
void kv_dut_testrun(struct ctx *c, struct result *r);

/* What the slow path observes on the server during one run (slot 0 memcached, 1 dut NAPI). */
struct kv_obs {
	struct stats_samples wake[KV_SCHED_SLOTS_N];
	uint64_t wakes[KV_SCHED_SLOTS_N], idle[KV_SCHED_SLOTS_N];
	uint64_t vol;	  /* memcached's voluntary context switches */
	uint64_t spin_ns; /* the spinner's CPU time */
};

void kv_obs_init(struct kv_obs *o);
void kv_obs_free(struct kv_obs *o);
/* With spin, an idle-class spinner on the dut CPU first (the cure). */
int kv_obs_begin(struct ctx *c, bool spin);
void kv_obs_end(struct ctx *c, struct kv_obs *o);

/* kv_dut.c: the AF_XDP server on the dut's device (kv-afxdp), stopped */
struct akv_server;
int kv_ax_dut_up(struct ctx *c, bool cache, char *why, size_t whylen);
void kv_ax_dut_stop(struct ctx *c);

/* kv_cost.c */
void kv_cost_live(struct result *r, const char *id, const char *label, uint64_t t0, uint64_t c0,
		  uint64_t t1, uint64_t c1, const char *what);
int kv_costs_live(struct ctx *c, struct result *r);
void kv_costs_testrun(struct result *r, bool quick);
void kv_costs_compare(struct result *r);

/* kv_slow.c */
void kv_flow_rate(struct ctx *c, struct result *r, struct stats_samples *alone);
int kv_slow_path(struct ctx *c, struct result *r, char *why, size_t whylen);

/* kv_ceiling.c (kv_ceiling_load is in kv.h) */
struct bpf_link *kv_ceiling_attach(struct kv_ceiling_bpf *sk, int ifindex, const char *ifname);
int kv_ceiling_prog_fd(const struct kv_ceiling_bpf *sk);
void kv_ceiling_destroy(struct kv_ceiling_bpf *sk);

/* the wake-up tracer's slots (lib/wake.h): 0 memcached, 1 the dut NAPI thread */
#define KV_SCHED_SLOTS WAKE_SLOTS

#endif
