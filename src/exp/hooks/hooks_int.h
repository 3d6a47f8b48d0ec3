/* SPDX-License-Identifier: GPL-2.0 */
/* hooks: what its files share (hooks.c, hooks_testrun.c, hooks_reach.c, hooks_live.c). */
#ifndef OLAB_HOOKS_INT_H
#define OLAB_HOOKS_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "exp/hooks/hooks.h"
#include "lib/stats.h"

#include "exp/exp.h"
#include "exp/hooks/hooks_exp.h"
#include "lib/attach.h"
#include "testbed/testbed.h"

struct hooks_bpf;
struct bpf_program;

#define MSG_LEN 64	     /* probe message size, UDP payload or TCP message */
#define WAIT_NS 200000000ULL /* give up on one packet after 200 ms */
#define WARMUP 50

/* Paper Table 1 (Xeon Silver 4310, mlx5 driver, patched 6.8 kernel), ns. */
#define PAPER_PREP_XDP 38
#define PAPER_PREP_TC 35
#define PAPER_PREP_SKSKB 1350
#define PAPER_REACH_TC 273
#define PAPER_REACH_SKSKB 1072
#define PAPER_REACH_SOCKET 5738

enum proto { P_UDP, P_TCP };
enum rxmode { RX_SLEEP, RX_BUSY };

static const char *const proto_name[] __attribute__((unused)) = { "udp", "tcp" };
static const char *const rxmode_name[] __attribute__((unused)) = { "sleep", "busy" };

/*
 * What this kernel offers, probed before loading (a missing tracepoint must not fail the load):
 * the run's private state (x->priv), and the server side's own.
 */
struct caps {
	bool nrs, sdr;
	char why_nrs[96], why_sdr[96];
};

/* hooks.c: the probes' port, and what this kernel offers into c (autoload off where not) */
void hooks_setup(struct hooks_bpf *skel, struct caps *c);

/* hooks_testrun.c: the cost of entering an empty program, by test-run and bpf-stats */
int testrun_cost(struct hooks_bpf *skel, const struct run_opts *o, struct result *r);

/* hooks_reach.c: sockets for one variant, and the time to reach each hook */
struct path {
	int tx, rx, lfd;
	bool in_map;
	int verdict_type; /* attach type of the verdict program, 0 when none */
	int verdict_fd;
};

int path_listen(const struct tb *tb, enum proto proto, struct path *p);
int path_connect(const struct tb *tb, enum proto proto, int *fd);
int path_verdict(struct hooks_bpf *skel, struct path *p, enum proto proto,
		 struct bpf_program *verdict);

/* The socket reader: CLOCK_MONOTONIC per probe seq as its read returns (t_user may be NULL). */
struct rx_ctx {
	int fd;
	enum proto proto;
	enum rxmode mode;
	int cpu;
	int n;		      /* packets to expect, warm-up included */
	uint64_t *t_user;     /* per seq: CLOCK_MONOTONIC after the read returned */
	_Atomic int done_seq; /* last seq received, -1 before the first */
	_Atomic int got;      /* probes received */
	_Atomic bool stop;
	int err;
};

void *rx_thread(void *arg);
void clear_slots(int map_fd, int n);

/* One probe's stamps on the receiving host, in ns after its XDP stamp; -1: not stamped. */
struct hooks_row {
	int64_t d[HP_MAX];
	int64_t user; /* the socket reader's read returned */
};

/* Probe seq's row from the stamps map; *t_xdp its XDP stamp. -ENOENT when XDP missed it. */
int hooks_row_read(int map_fd, int seq, const uint64_t *t_user, struct hooks_row *row,
		   uint64_t *t_xdp);

/* One variant's samples: per hook from XDP and from send(), the reader, SK_SKB preparation. */
struct reach_samples {
	struct stats_samples from_xdp[HP_MAX], from_send[HP_MAX], sock, lat, prep;
};

void reach_samples_init(struct reach_samples *s);
void reach_samples_free(struct reach_samples *s);
/* xdp_after_send: the XDP stamp minus the send() stamp; NAN when the clocks differ. */
void reach_add(struct reach_samples *s, const struct hooks_row *row, double xdp_after_send);
/*
 * The variant's metrics. why: non-empty when the variant could not run; why_send: when the
 * send()-based figures are unavailable (NULL otherwise).
 */
void reach_report(struct result *r, const struct caps *caps, enum proto proto, enum rxmode mode,
		  bool skskb, struct reach_samples *s, int wanted, const char *why,
		  const char *why_send);
/* What the verdict adds to the reader's latency: plain vs with, bootstrapped medians. */
void skskb_added(struct result *r, enum proto proto, enum rxmode mode,
		 const struct stats_samples *plain, const struct stats_samples *with,
		 size_t verdict_seen, bool from_xdp);

int path_open(struct hooks_bpf *skel, const struct tb *tb, enum proto proto,
	      struct bpf_program *verdict, struct path *p);
void path_close(struct hooks_bpf *skel, struct path *p);
int live_reach(struct hooks_bpf *skel, const struct caps *caps, const struct tb *tb,
	       const struct run_opts *o, struct result *r);

/* hooks_live.c: programs on the dut's veth; their cost on the live path (bpf-stats) */
struct attached {
	struct bpf_link *xdp;
	struct att_tc tc;
};

int attach_dut(const struct tb *tb, struct bpf_program *xdp, struct bpf_program *tc,
	       struct attached *a);
void detach_dut(const struct tb *tb, struct attached *a);
void live_stats_report(struct result *r, struct stats_samples s[3], int batches, int per_batch);
int live_stats(struct hooks_bpf *skel, const struct tb *tb, const struct run_opts *o,
	       struct result *r);

#endif
