/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_RESULTS_H
#define OLAB_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/stats.h"

/* Version of the JSON document written by results_write_json(); docs/results-schema.md. */
#define RESULTS_SCHEMA_VERSION 1
/*
 * The largest results document a reader takes (report, compare, advise --from): a full run
 * writes well under 1 MiB, and parsing costs about ten times the file's size in memory.
 */
#define RESULTS_MAX_BYTES (16u << 20)

enum method {
	METHOD_TESTRUN,	 /* BPF_PROG_TEST_RUN loop: an upper bound of program cost */
	METHOD_LIVE,	 /* real packets through the kernel path */
	METHOD_BPFSTATS, /* run_time_ns / run_cnt from the kernel's program statistics */
	METHOD_MODEL,	 /* computed from other metrics */
	METHOD_NATIVE,	 /* the same C compiled as a user-space function */
};

enum metric_flag {
	METRIC_WIDE = 1 << 0,	   /* IQR > half the median: spread too wide to trust */
	METRIC_NONLINEAR = 1 << 1, /* 2N iterations did not take 2x N */
	METRIC_FEW = 1 << 2,	   /* fewer samples than asked for */
	METRIC_GENBOUND = 1 << 3,  /* within 1.5x of the generator's ceiling: may measure it */
};

/* Quantiles at which a latency metric keeps its CDF (for plots), 0.001 to 1 (results.c). */
#define METRIC_CDF_POINTS 21

struct metric {
	char id[96];
	char label[96];
	char unit[16];
	enum method method;
	struct stats_summary s;
	uint64_t wanted; /* samples asked for (0: not set); n < wanted flags METRIC_FEW */
	unsigned int flags;
	bool has_paper;
	double paper;
	char paper_ref[32];
	char note[200];
	char unavailable[200]; /* non-empty: could not be measured here, and why */
	char engine[8];	       /* a live throughput or latency: the load generator's engine */
	bool has_cdf;
	double cdf[METRIC_CDF_POINTS]; /* value at the i-th of those quantiles */
};

/*
 * A compact view of some metrics, shaped like the paper's table: each cell shows one metric's
 * median (or its paper value), or a literal text.
 */
#define VIEW_MAX_COLS 7
#define VIEW_MAX_ROWS 8
struct view_cell {
	const char *id;	  /* metric id, or NULL */
	const char *text; /* literal, when id is NULL; NULL prints "-" */
	bool paper;	  /* show the metric's paper value instead of ours */
};
struct view {
	const char *title;
	int ncols, nrows;
	const char *cols[VIEW_MAX_COLS]; /* cols[0] heads the row labels */
	struct {
		const char *label;
		struct view_cell c[VIEW_MAX_COLS - 1];
	} rows[VIEW_MAX_ROWS];
	const char *footer;
};

struct result {
	const char *exp;
	const struct view *view; /* optional: printed before the full table */
	/*
	 * Each metric is allocated on its own, so a pointer from result_add() stays valid while
	 * more metrics are added (a realloc'd array of structs once made kv keep stale pointers).
	 */
	struct metric **m;
	size_t n, cap;
	char **notes; /* what differs from the paper's set-up, method remarks */
	size_t nnotes;
	double duration_s;
	char error[256]; /* non-empty: the experiment failed as a whole */
};

const char *method_name(enum method m);

void result_init(struct result *r, const char *exp);
void result_free(struct result *r);
/*
 * What a metric is, said once: the emitters take one of these rather than a row of arguments.
 * The paper's value counts only with its reference (ref NULL: the paper has none).
 */
struct metric_spec {
	const char *id;
	const char *label;
	const char *unit;
	enum method method;
	double paper;
	const char *ref; /* where in the paper ("Table 1"); NULL: no paper value */
};

/* Append a metric; NULL only when out of memory. The pointer stays valid until result_free. */
struct metric *result_add(struct result *r, const char *id, const char *label, const char *unit,
			  enum method method);
/* result_add with a printf-formatted id; metric_label() formats the label. NULL on ENOMEM. */
struct metric *result_addf(struct result *r, const char *unit, enum method method,
			   const char *idfmt, ...) __attribute__((format(printf, 4, 5)));
/* result_add() of what spec says, the paper's value set where it has one. NULL on ENOMEM. */
struct metric *result_add_spec(struct result *r, const struct metric_spec *spec);
/* Sets the metric's note, how it was measured (printf-style); nothing when m is NULL. */
void metric_note(struct metric *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the metric's label (printf-style); nothing when m is NULL. */
void metric_label(struct metric *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct metric *result_find(struct result *r, const char *id);
void result_note(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Summarise (and sort) the samples into m, flag a wide spread and too few samples. */
void metric_set_samples(struct metric *m, struct stats_samples *s, size_t wanted);
/* The same from a histogram, with its CDF kept for plots. */
void metric_set_hist(struct metric *m, const struct stats_hist *h, size_t wanted);
/* A metric that is one value (a ratio, a capacity): n = 1, no spread. */
void metric_set_value(struct metric *m, double v);
void metric_set_paper(struct metric *m, double value, const char *ref);
/* The load generator's engine behind a live figure ("socket", "xdp"); nothing when m is NULL. */
void metric_engine(struct metric *m, const char *engine);
void metric_unavailable(struct metric *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * An interval (our 95 % CI of the median) against a band around the paper's value: it
 * differs when the two are disjoint, is inconclusive when it meets the band but is wider than
 * it, and agrees otherwise.
 */
enum verdict { VERDICT_AGREES, VERDICT_DIFFERS, VERDICT_INCONCLUSIVE };
enum verdict verdict_interval(double lo, double hi, double band_lo, double band_hi);

/*
 * One-line comparison with the paper: "agrees (+12 %)", "differs: 2.4x higher",
 * "inconclusive: ...", "no paper value", "unavailable". The band is the paper's value +-30 %
 * (the paper ran on other hardware); a metric in "%" (a change) is compared in percentage
 * points, +-5 pp. Judged on the CI of the median, not the median alone.
 */
void metric_verdict(const struct metric *m, char *buf, size_t len);

/* JSON of one experiment's result, and the whole document. */
json_t *result_to_json(const struct result *r, const char *question, const char *paper);
/*
 * The reverse, for a result measured elsewhere (the agent's): r (result_init'ed) gets the
 * metrics and notes of the experiment object ej; strings are cut to their fields' sizes and
 * anything not a number is read as missing. Every number is range-checked before use (counts
 * 0..JB_COUNT_MAX, values within +-JB_REAL_MAX, lib/jbound.h): one outside makes the whole
 * result refused (-ERANGE, r->error says which). 0, or -EINVAL when ej is not an experiment.
 */
int result_from_json(json_t *ej, struct result *r);
int results_write_json(const char *path, json_t *doc);

#endif
