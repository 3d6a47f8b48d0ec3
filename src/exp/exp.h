/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_EXP_H
#define OLAB_EXP_H

/*
 * One experiment of the study is one `const struct experiment` in its own folder
 * (src/exp/<name>/<name>_exp.c): what it asks, how long it takes, the metric ids it may emit,
 * the plots and the paper's claims (takeaways) it judges, and how it runs. The registry
 * (registry.c) is a list of them; the runner (runner.c) owns what every experiment repeats:
 * the skeleton's open/load/destroy, the veth testbed, the time budget, the CPU set and the
 * error string. docs/anatomy-of-an-experiment.md walks through the smallest one.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lib/results.h"

struct run_opts {
	bool quick;	      /* fewer samples: the whole suite in minutes */
	unsigned int samples; /* 0: the experiment's default */
};

struct tb;
struct remote;
struct experiment;
struct exp_side;

/* What the runner hands an experiment's run(). */
struct exp_ctx {
	const struct experiment *e;
	const struct run_opts *o;
	struct result *r; /* fill it; never print results */
	void *skel;	  /* the loaded skeleton, when the experiment names one */
	struct tb *tb;	  /* the veth testbed, when the experiment asks for one */
	/*
	 * Two hosts (run --remote): the agent on the server's host; tb's generator end is then
	 * a real device here and its dut end only the server's address (tb->two_hosts). The
	 * server side is asked through side_call() (exp/side.h) either way.
	 */
	struct remote *remote;
	void *priv; /* the experiment's private state (priv_size), the runner's to free */
	/* side_call()'s: the server side's state when it runs here, and whether it is up */
	void *side;
	bool side_up;
};

/*
 * A BPF skeleton the runner opens, lets the experiment configure (rodata, autoload), loads
 * and destroys. EXP_SKELETON(name) defines the three wrappers for name.skel.h and
 * EXP_SKEL(name) names them.
 */
struct exp_skel {
	const char *name;
	void *(*open)(void);
	int (*load)(void *s);
	void (*destroy)(void *s);
};

#define EXP_SKELETON(n)                                                                            \
	static void *n##_skel_open(void)                                                           \
	{                                                                                          \
		return n##_bpf__open();                                                            \
	}                                                                                          \
	static int n##_skel_load(void *s)                                                          \
	{                                                                                          \
		return n##_bpf__load(s);                                                           \
	}                                                                                          \
	static void n##_skel_destroy(void *s)                                                      \
	{                                                                                          \
		n##_bpf__destroy(s);                                                               \
	}
#define EXP_SKEL(n) (&(const struct exp_skel){ #n, n##_skel_open, n##_skel_load, n##_skel_destroy })

/* How the report draws a set of metrics, picked by id pattern (fnmatch) minus an exclusion. */
enum plot_kind { PK_BARS, PK_CDF, PK_LINES };

struct exp_plot {
	enum plot_kind kind;
	const char *title;
	const char *pattern;
	const char *exclude;
	const char *xlabel; /* lines: x is the id's last dotted component */
};

/*
 * A claim of the paper's (a takeaway) and how a run is judged against it: judge() gets the
 * metrics named in needs[] as v[] (in that order, all recorded and measured, else the claim is
 * "not measurable" with the reason) and sets the verdict and the why (exp/claim.h).
 */
#define CLAIM_MAX_NEEDS 4
struct claim_ctx;
struct claim_iv;
struct exp_claim {
	const char *claim; /* the study's words */
	const char *needs[CLAIM_MAX_NEEDS];
	void (*judge)(struct claim_ctx *c, const struct claim_iv *v);
};

struct experiment {
	const char *name;
	const char *question;
	const char *paper;
	/* typical wall time on a 2-core VM, --quick and default: progress and the budget */
	double est_quick_s, est_full_s;
	/* every metric id run() may emit, as fnmatch patterns; NULL-terminated */
	const char *const *metrics;
	const struct view *view;	/* optional: the paper's table, printed before ours */
	const struct exp_plot *plots;	/* the report's figures; ends with a NULL title */
	const struct exp_claim *claims; /* the paper's takeaways judged here; NULL claim ends */

	const struct exp_skel *skel; /* opened, configured, loaded and destroyed by the runner */
	/*
	 * The run's private state: priv_size bytes, zeroed, at x->priv from before prepare() to
	 * after run() (what configure finds out and run uses: no file-scope globals).
	 */
	size_t priv_size;
	/*
	 * Between the skeleton's open and its load (before run() when there is none): rodata,
	 * autoload, probes, x->priv. 0 or -errno.
	 */
	int (*prepare)(struct exp_ctx *x);
	bool testbed; /* the runner creates the veth testbed before run() and removes it after */
	/*
	 * it runs with two hosts too (run --remote): its server side by the agent. Experiments
	 * without a testbed (runtime ones) always can: the agent runs them on its host.
	 */
	bool remote;
	/*
	 * Its server side (exp/side.h): what runs on the host under test, here on the testbed's
	 * dut end or there by the agent, asked through side_call(). Every remote experiment with
	 * a testbed has one (tests/unit/test_experiments.c).
	 */
	const struct exp_side *side;
	/*
	 * Fills x->r; returns 0, or -errno when it could not run at all (x->r->error says why,
	 * or the runner says strerror). Metrics it cannot measure here are recorded unavailable
	 * with the reason, not as a failure.
	 */
	int (*run)(struct exp_ctx *x);
};

extern const struct experiment *const exp_table[];
extern const size_t exp_count;

const struct experiment *exp_find(const char *name);
/* Whether id is one the experiment declares it may emit (its metrics[] patterns). */
bool exp_emits(const struct experiment *e, const char *id);

/* Runs one experiment through its life cycle into r (result_init'ed by the caller). */
int exp_run(const struct experiment *e, const struct run_opts *o, struct result *r);
/* The same with two hosts: the generator on dev here, the server side by the agent (a
 * runtime experiment wholly by the agent, on the server's host). */
int exp_run_remote(const struct experiment *e, const struct run_opts *o, struct remote *rm,
		   struct result *r);

#endif
