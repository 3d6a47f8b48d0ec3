/* SPDX-License-Identifier: GPL-2.0 */
/* try's measurement state (try_measure.c) and its report (try_verdict.c); src/try only. */
#ifndef OLAB_TRY_MEASURE_H
#define OLAB_TRY_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/attach.h"
#include "lib/stats.h"
#include "try/try_gen.h"
#include "try/try_int.h"

#define TRY_OUTSTANDING 64 /* UDP requests in flight in the closed-loop runs */
/*
 * The XDP engine's, as kv's (KV_OUTSTANDING_XDP): its frames reach a socket server as
 * page-sized skbs, so a default socket buffer holds ~48 of them; with 64 in flight memcached's
 * overflowed, and each request lost held its slot for the timeout: try read memcached alone at
 * 23 kreq/s by the XDP engine against 47 by the socket engine (vs-kv.sh, 2026-12-02). The
 * ceiling's phase, and the offload's where it answers everything (probe_window), keep
 * TRY_OUTSTANDING_CEIL: with 32 each batch waits for the dut's NAPI thread (the XDP echo read
 * 290 kreq/s against a ceiling of 778).
 */
#define TRY_OUTSTANDING_XDP 32
#define TRY_OUTSTANDING_CEIL 128
#define TRY_PROBE_NS 300000000ULL /* the probe that picks the window with the offload */
#define TRY_GENBOUND 1.5	  /* within this factor of the ceiling: may be the generator's */
#define TRY_LOADS_MAX 4
/*
 * The least gain the verdict counts, %: interleaved pairs share the machine's drift, yet a
 * ratio closer to 1 than this is within what two runs of one server differ by on a shared VM,
 * and no offload is worth a gain that small. "pays" when the gain's CI lies above it, "does
 * not pay" when below, "inconclusive" when the CI straddles it.
 */
#define TRY_GAIN_MIN 5.0

enum tm_phase { PH_WITHOUT, PH_WITH, PH_CEIL };

struct tm_counters {
	uint64_t ns[TRY_PROGS_MAX], cnt[TRY_PROGS_MAX];
	uint64_t busy, total, udp_in;
	bool have_udp;
};

struct tm {
	struct exp_ctx *x;
	struct try_ctx *t;
	const struct try_opts *o;
	enum tm_phase phase;
	int reps;
	unsigned int win_with; /* the XDP engine's window with the offload (probe_window) */
	uint64_t dur_ns, lat_ns;
	uint32_t *pick;
	struct try_codec all, cls[WL_CLASSES_MAX];
	struct lg_raw_req *raw; /* the workload as the XDP engine's table */
	struct lg_xdp *lgx;	/* the XDP engine (UDP), or NULL: the socket engine */
	char gen_why[320];	/* why not the XDP engine */
	struct xdp_pass_link peer;
	json_t *attach_argv, *detach_argv;
	char why[900];
	bool detach_said, preload_said;
	int left; /* programs a --detach command left */
	/* per phase (without, with): kreq/s, dut CPU busy %, % of requests the server received */
	struct stats_samples kps[2], busy[2], seen[2];
	uint64_t sent[2];
	struct stats_samples ceil;
	/* the programs found in the first phase with the offload, and their cost */
	struct try_prog progs[TRY_PROGS_MAX];
	int nprogs;
	struct stats_samples cost[TRY_PROGS_MAX], cost_run[TRY_PROGS_MAX];
	/* latency per class, phase, load (the first load's over every repetition) */
	struct stats_hist lat[WL_CLASSES_MAX][2][TRY_LOADS_MAX];
	/* the slow-path penalty per class: at the first load, one sample per interleaved
	 * repetition (the class's median with over without, %), and this repetition's medians */
	struct stats_samples pen[WL_CLASSES_MAX];
	double rep_p50[WL_CLASSES_MAX][2];
	/* the XDP engine's runs checked by the socket engine: without, and each class's latency
	 * at the first load (the penalty's) */
	struct stats_samples kps_sock;
	struct stats_hist lat_sock[WL_CLASSES_MAX][2];
	/* the open-loop runs: requests sent, unanswered (lost or past the timeout), the top rate */
	uint64_t lat_sent, lat_lost;
	double top_rate;
};

void tm_init(struct tm *m);
void tm_free(struct tm *m);
double tm_median(const struct stats_samples *s);
/* The closed loop's window for a run by the XDP engine (xdp) or the socket engine, in ph. */
unsigned int tm_window(const struct tm *m, bool xdp, enum tm_phase ph);
/*
 * Whether the latency runs send the workload's mix, each reply timed in its class (the XDP
 * engine, or TCP), rather than each class alone (the socket engine over UDP).
 */
bool tm_lat_mixed(const struct tm *m);
/* The metrics, the verdict and results.json's "try" section from what m measured. */
void tm_report(struct tm *m);

#endif
