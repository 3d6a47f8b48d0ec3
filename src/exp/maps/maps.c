// SPDX-License-Identifier: GPL-2.0
/*
 * maps (paper Table 3, Fig. 11, 12): what a lookup costs in each map type, what the verifier's
 * lookup inlining buys, and how per-flow counters in XDP scale with the number of flows and
 * their skew. Everything by test-run: batches calibrated to a few ms, each checked against a
 * batch twice as long, the loop without the lookup subtracted.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/maps/maps.h"
#include "exp/maps/maps_exp.h"
#include "lib/bpfutil.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/trbench.h"

#include "maps.skel.h"
#include "lib/util.h"

struct mtype {
	const char *name, *label;
	enum bpf_map_type type;
	bool percpu;
	double paper_ns;   /* Table 3, or -1 */
	double paper_gain; /* % the paper's inlining gained, or -1 */
	bool in_figs;	   /* Fig. 11 and 12 cover it */
	double paper_zipf0, paper_zipf2, paper_flow_change;
};

static const struct mtype types[] = {
	{ "array", "array", BPF_MAP_TYPE_ARRAY, false, 3.9, 20, true, 12.4, 13.8, -10.8 },
	{ "hash", "hash", BPF_MAP_TYPE_HASH, false, 18.8, 8, true, 5.5, 9.8, -30.5 },
	{ "lru", "LRU hash", BPF_MAP_TYPE_LRU_HASH, false, 19.2, 4, true, 5.7, 9.7, -22.6 },
	{ "percpu_array", "per-CPU array", BPF_MAP_TYPE_PERCPU_ARRAY, true, -1, -1, false, -1, -1,
	  -1 },
	{ "percpu_hash", "per-CPU hash", BPF_MAP_TYPE_PERCPU_HASH, true, -1, -1, false, -1, -1,
	  -1 },
	{ "lru_percpu", "per-CPU LRU hash", BPF_MAP_TYPE_LRU_PERCPU_HASH, true, -1, -1, false, -1,
	  -1, -1 },
};
#define NTYPES ARRAY_SIZE(types)

static const char *const mode_name[] = { "loop alone", "direct lookup", "subprogram, one map",
					 "subprogram, two maps" };

/* Open the object with tmap and tmap2 of type t, the given modes, loaded. */
static struct maps_bpf *open_load(const struct mtype *t, enum maps_mode mode,
				  enum maps_flow_mode fmode)
{
	struct maps_bpf *s = maps_bpf__open();
	int err;

	if (!s) {
		log_errno(-errno, "open the maps BPF object");
		return NULL;
	}
	s->rodata->mode = mode;
	s->rodata->flow_mode = fmode;
	bpf_map__set_type(s->maps.tmap, t->type);
	bpf_map__set_type(s->maps.tmap2, t->type);
	if (t->type == BPF_MAP_TYPE_ARRAY || t->type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		bpf_map__set_map_flags(s->maps.tmap, 0);
		bpf_map__set_map_flags(s->maps.tmap2, 0);
	}
	err = maps_bpf__load(s);
	if (err) {
		log_errno(err, "load the maps BPF programs (%s)", t->name);
		maps_bpf__destroy(s);
		errno = -err;
		return NULL;
	}
	return s;
}

/* Insert keys 0..n-1 into a hash-type map (arrays have every key already). */
static int fill(const struct mtype *t, int fd, __u32 n)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *val;
	__u32 k;
	int err = 0;

	if (t->type == BPF_MAP_TYPE_ARRAY || t->type == BPF_MAP_TYPE_PERCPU_ARRAY)
		return 0;
	val = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*val));
	if (!val)
		return -ENOMEM;
	for (k = 0; k < n && !err; k++) {
		val[0] = k;
		if (bpf_map_update_elem(fd, &k, val, BPF_ANY))
			err = -errno;
	}
	free(val);
	return err;
}

/* ---- Table 3: lookup cost and inlining ---- */

static int lookups(const struct run_opts *o, struct result *r, const struct trb *trb)
{
	struct trb_run runs[4];
	size_t ti;
	int err = 0;

	for (ti = 0; ti < NTYPES; ti++) {
		const struct mtype *t = &types[ti];
		struct metric *m;
		double base, one, two, gain_s[TRB_MAX_SAMPLES];
		int mode, i, n;

		for (mode = MAPS_BASE; mode <= MAPS_CALL_TWO; mode++) {
			struct maps_bpf *s = open_load(t, mode, MAPS_FLOW_PARSE);

			if (!s)
				return -errno;
			err = fill(t, bpf_map__fd(s->maps.tmap), MAPS_KEYS);
			if (!err)
				err = fill(t, bpf_map__fd(s->maps.tmap2), MAPS_KEYS);
			if (!err)
				err = trb_measure(trb, bpf_program__fd(s->progs.olab_maps_lookup),
						  &runs[mode]);
			maps_bpf__destroy(s);
			if (err)
				return log_errno(err, "time %s (%s)", mode_name[mode], t->name);
		}
		base = trb_median(&runs[MAPS_BASE]);
		m = result_addf(r, "ns", METHOD_TESTRUN, "maps.lookup.%s", t->name);
		metric_label(m, "lookup, %s, 4-byte key", t->label);
		trb_metric(m, &runs[MAPS_DIRECT], base, MAPS_ITERS, runs[MAPS_BASE].linear,
			   trb->samples);
		if (t->paper_ns > 0)
			metric_set_paper(m, t->paper_ns, "Table 3");
		metric_note(
			m,
			"per lookup: %d lookups of %d present keys per run, the loop without them "
			"subtracted",
			MAPS_ITERS, MAPS_KEYS);

		m = result_addf(r, "ns", METHOD_TESTRUN, "maps.lookup_noinline.%s", t->name);
		metric_label(m, "lookup, %s, not inlined", t->label);
		trb_metric(m, &runs[MAPS_CALL_TWO], base, MAPS_ITERS, runs[MAPS_BASE].linear,
			   trb->samples);
		metric_note(m,
			    "in a subprogram given two maps in turn: not inlined, and the helper "
			    "reaches "
			    "the map through an indirect call (see notes); includes the subprogram "
			    "call");

		/* the gain: same subprogram, one map (inlinable) against two (not) */
		one = trb_median(&runs[MAPS_CALL_ONE]) - base;
		two = trb_median(&runs[MAPS_CALL_TWO]) - base;
		n = runs[MAPS_CALL_TWO].n < runs[MAPS_CALL_ONE].n ? runs[MAPS_CALL_TWO].n
								  : runs[MAPS_CALL_ONE].n;
		m = result_addf(r, "%", METHOD_MODEL, "maps.inline_gain.%s", t->name);
		metric_label(m, "inlining gain, %s", t->label);
		if (two <= 0 || n == 0) {
			metric_unavailable(
				m, "the not-inlined lookup did not cost more than the loop");
		} else {
			struct trb_run g = { .n = n, .linear = true };

			for (i = 0; i < n; i++) {
				double t2 = runs[MAPS_CALL_TWO].v[i] - base;

				gain_s[i] =
					t2 > 0 ? (t2 - (runs[MAPS_CALL_ONE].v[i] - base)) / t2 * 100
					       : 0;
				g.v[i] = gain_s[i];
			}
			trb_metric(m, &g, 0, 1, true, trb->samples);
			if (t->paper_gain > 0)
				metric_set_paper(m, t->paper_gain, "Table 3");
			metric_note(
				m,
				"per sample: (not inlined - inlined) / not inlined, both in the "
				"same "
				"subprogram (medians: %.2f vs %.2f ns per lookup)",
				two / MAPS_ITERS, one / MAPS_ITERS);
		}
	}
	(void)o;
	return 0;
}

/* ---- Fig. 11, 12: per-flow counters ---- */

/* Flow ids for MAPS_SEQ packets over nflows flows, Zipf with exponent skew (0: uniform). */
static int make_seq(__u32 *seq, __u32 nflows, double skew, uint64_t seed)
{
	double *cdf = malloc(sizeof(double) * nflows), total = 0;
	__u32 *perm = malloc(sizeof(__u32) * nflows), i;
	uint64_t s = seed | 1;

	if (!cdf || !perm) {
		free(cdf);
		free(perm);
		return -ENOMEM;
	}
	for (i = 0; i < nflows; i++) {
		total += skew == 0 ? 1.0 : 1.0 / pow((double)(i + 1), skew);
		cdf[i] = total;
		perm[i] = i;
	}
	/* rank -> flow id: shuffled, so the hot flows are not neighbours in an array */
	for (i = nflows - 1; i > 0; i--) {
		__u32 j = (__u32)(olab_rng(&s) % (i + 1)), x = perm[i];

		perm[i] = perm[j];
		perm[j] = x;
	}
	for (i = 0; i < MAPS_SEQ; i++) {
		double u = olab_rng_unit(&s) * total;
		__u32 lo = 0, hi = nflows - 1;

		while (lo < hi) {
			__u32 mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		seq[i] = perm[lo];
	}
	free(cdf);
	free(perm);
	return 0;
}

static int load_seq(struct maps_bpf *s, const __u32 *seq)
{
	__u32 k;

	for (k = 0; k < MAPS_SEQ; k++)
		if (bpf_map_update_elem(bpf_map__fd(s->maps.seq), &k, &seq[k], BPF_ANY))
			return -errno;
	return 0;
}

static int perf_open_misses(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CACHE_MISSES;
	a.disabled = 1;
	return (int)syscall(__NR_perf_event_open, &a, 0, -1, -1, 0);
}

/* Cache misses per packet over one batch of n, or NAN. */
static double misses_per_pkt(int pfd, int prog_fd, const struct trb *trb, uint32_t n)
{
	uint64_t c = 0;

	if (pfd < 0)
		return NAN;
	ioctl(pfd, PERF_EVENT_IOC_RESET, 0);
	ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0);
	if (bpfu_test_run(prog_fd, trb->pkt, trb->len, n, NULL, NULL, NULL))
		n = 0;
	ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0);
	if (!n || read(pfd, &c, sizeof(c)) != sizeof(c))
		return NAN;
	return (double)c / n;
}

/* One point: Mpps of per-flow counting of seq in a map of type t (NULL: parse only). */
static int flow_point(const struct mtype *t, const __u32 *seq, const struct trb *trb, int pfd,
		      struct trb_run *mpps, double *misses)
{
	static const struct mtype parse_only = { .name = "parse", .type = BPF_MAP_TYPE_HASH };
	struct maps_bpf *s =
		open_load(t ? t : &parse_only, MAPS_BASE, t ? MAPS_FLOW_COUNTER : MAPS_FLOW_PARSE);
	struct trb_run ns = { .n = 0 };
	int err, i, prog;

	if (!s)
		return -errno;
	prog = bpf_program__fd(s->progs.olab_maps_flows);
	err = load_seq(s, seq);
	/* warm-up: every flow of the sequence has its counter before timing */
	if (!err)
		err = bpfu_test_run(prog, trb->pkt, trb->len, MAPS_SEQ / MAPS_PKTS_PER_RUN, NULL,
				    NULL, NULL);
	if (!err)
		err = trb_measure(trb, prog, &ns);
	if (!err) {
		*mpps = ns;
		for (i = 0; i < ns.n; i++)
			mpps->v[i] = ns.v[i] > 0 ? 1e3 * MAPS_PKTS_PER_RUN / ns.v[i] : 0;
		*misses = misses_per_pkt(pfd, prog, trb, MAPS_SEQ / MAPS_PKTS_PER_RUN) /
			  MAPS_PKTS_PER_RUN;
	}
	maps_bpf__destroy(s);
	return err;
}

/* A throughput in Mpps by test-run: sp's id, label and paper value. */
static void add_mpps(struct result *r, const struct metric_spec *sp, const struct trb_run *v,
		     int wanted)
{
	struct metric *m = result_add_spec(r, sp);

	trb_metric(m, v, 0, 1, true, wanted);
	metric_note(m,
		    "%d packets' work per test-run (parse, flow, counter); the flow of each from a "
		    "replayed sequence of %d ids, not from its headers",
		    MAPS_PKTS_PER_RUN, MAPS_SEQ);
}

static int flows(const struct run_opts *o, struct result *r, const struct trb *trb)
{
	static const __u32 nflows_full[] = { 100, 1000, 10000, 100000 },
			   nflows_quick[] = { 100, 100000 };
	static const double skew_full[] = { 0, 0.5, 1, 1.5, 2 }, skew_quick[] = { 0, 1, 2 };
	const __u32 *nflows = o->quick ? nflows_quick : nflows_full;
	const double *skews = o->quick ? skew_quick : skew_full;
	int nn = o->quick ? 2 : 4, ns = o->quick ? 3 : 5, i, err = 0, pfd = perf_open_misses();
	__u32 *seq = malloc(sizeof(__u32) * MAPS_SEQ);
	struct trb_run first[NTYPES], cur, parse;
	double miss;
	char id[96], label[96];
	size_t ti;

	if (!seq)
		return -ENOMEM;
	/* parse-only baseline over 100 K uniform flows */
	err = make_seq(seq, 100000, 0, 1);
	if (!err)
		err = flow_point(NULL, seq, trb, pfd, &parse, &miss);
	if (err)
		goto out;
	add_mpps(r,
		 &(const struct metric_spec){ .id = "maps.flows.parse",
					      .label = "parse only, no counter",
					      .unit = "Mpps",
					      .method = METHOD_TESTRUN },
		 &parse, trb->samples);

	for (i = 0; i < nn && !err; i++) {
		err = make_seq(seq, nflows[i], 0, 7 + (uint64_t)i);
		for (ti = 0; ti < NTYPES && !err; ti++) {
			const struct mtype *t = &types[ti];

			if (!t->in_figs)
				continue;
			err = flow_point(t, seq, trb, pfd, &cur, &miss);
			if (err)
				break;
			snprintf(id, sizeof(id), "maps.flows.%s.%u", t->name, nflows[i]);
			snprintf(label, sizeof(label), "per-flow counter, %s, %u flows", t->label,
				 nflows[i]);
			add_mpps(r,
				 &(const struct metric_spec){ .id = id,
							      .label = label,
							      .unit = "Mpps",
							      .method = METHOD_TESTRUN },
				 &cur, trb->samples);
			if (!isnan(miss)) {
				struct metric *m;

				m = result_addf(r, "misses", METHOD_TESTRUN,
						"maps.flows_misses.%s.%u", t->name, nflows[i]);
				metric_label(m, "cache misses per packet, %s, %u flows", t->label,
					     nflows[i]);
				{
					struct trb_run one = { .n = 1,
							       .linear = true,
							       .v = { miss } };

					trb_metric(m, &one, 0, 1, true, 1);
				}
			}
			if (i == 0) {
				first[ti] = cur;
			} else if (i == nn - 1) {
				struct trb_run ch = { .n = cur.n < first[ti].n ? cur.n
									       : first[ti].n,
						      .linear = true };
				struct metric *m;
				int k;

				for (k = 0; k < ch.n; k++)
					ch.v[k] =
						(cur.v[k] - first[ti].v[k]) / first[ti].v[k] * 100;
				m = result_addf(r, "%", METHOD_MODEL, "maps.flows_change.%s",
						t->name);
				metric_label(m, "change %u -> %u flows, %s", nflows[0],
					     nflows[nn - 1], t->label);
				trb_metric(m, &ch, 0, 1, true, trb->samples);
				metric_set_paper(m, t->paper_flow_change, "Fig. 11");
				metric_note(
					m,
					"per sample pair: throughput at %u flows against %u flows",
					nflows[nn - 1], nflows[0]);
			}
		}
	}
	if (pfd < 0) {
		struct metric *m = result_add(r, "maps.flows_misses", "cache misses per packet",
					      "misses", METHOD_TESTRUN);

		metric_unavailable(m, "no hardware performance counters here (perf_event_open: %s)",
				   strerror(errno));
	}

	for (i = 0; i < ns && !err; i++) {
		err = make_seq(seq, 100000, skews[i], 99 + (uint64_t)i);
		for (ti = 0; ti < NTYPES && !err; ti++) {
			const struct mtype *t = &types[ti];
			double paper = skews[i] == 0   ? t->paper_zipf0
				       : skews[i] == 2 ? t->paper_zipf2
						       : -1;

			if (!t->in_figs)
				continue;
			err = flow_point(t, seq, trb, -1, &cur, &miss);
			if (err)
				break;
			snprintf(id, sizeof(id), "maps.zipf.%s.%.0f", t->name, skews[i] * 10);
			snprintf(label, sizeof(label),
				 "per-flow counter, %s, 100 K flows, Zipf %.1f", t->label,
				 skews[i]);
			add_mpps(r,
				 &(const struct metric_spec){ .id = id,
							      .label = label,
							      .unit = "Mpps",
							      .method = METHOD_TESTRUN,
							      .paper = paper,
							      .ref = paper > 0 ? "Fig. 12" : NULL },
				 &cur, trb->samples);
		}
	}
out:
	if (pfd >= 0)
		close(pfd);
	free(seq);
	return err;
}

int maps_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct trb trb;
	int err;

	trb_init(&trb, o->quick, o->samples);
	err = lookups(o, r, &trb);
	if (!err)
		err = flows(o, r, &trb);
	result_note(r, "method: BPF_PROG_TEST_RUN on XDP programs, the kernel's loop timer; Mpps "
		       "figures count the packets' work done per second in the program alone, an "
		       "upper bound of a real receive path, which also pays the driver and the "
		       "stack");
	result_note(r, "inlining gain: an unpatched kernel cannot make a lookup that is direct but "
		       "not inlined, so 'not inlined' here also pays the indirect call through the "
		       "map's ops; the paper's gain compares inlined with a direct call only, and "
		       "is smaller for that reason");
	result_note(r, "the paper's figures are from a Xeon Silver 4310 with a 100 G NIC and a "
		       "DPDK generator; compare the ratios between map types and the trends");
	return err;
}
