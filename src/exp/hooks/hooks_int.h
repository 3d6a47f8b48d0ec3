/* SPDX-License-Identifier: GPL-2.0 */
/* hooks: what its files share (hooks.c, hooks_testrun.c, hooks_reach.c, hooks_live.c). */
#ifndef OLAB_HOOKS_INT_H
#define OLAB_HOOKS_INT_H

#include <stdbool.h>

#include "exp/exp.h"
#include "lib/attach.h"
#include "testbed/testbed.h"

struct hooks_bpf;
struct bpf_program;

#define HOOKS_PORT 40001
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

/* What this kernel offers, probed before loading (a missing tracepoint must not fail the load). */
struct caps {
	bool nrs, sdr;
	char why_nrs[96], why_sdr[96];
};

/* hooks.c: what this kernel offers, probed before loading */
extern struct caps caps;

/* hooks_testrun.c: the cost of entering an empty program, by test-run and bpf-stats */
int testrun_cost(struct hooks_bpf *skel, const struct run_opts *o, struct result *r);

/* hooks_reach.c: sockets for one variant, and the time to reach each hook */
struct path {
	int tx, rx, lfd;
	bool in_map;
	int verdict_type; /* attach type of the verdict program, 0 when none */
};

int path_open(struct hooks_bpf *skel, const struct tb *tb, enum proto proto,
	      struct bpf_program *verdict, struct path *p);
void path_close(struct hooks_bpf *skel, struct path *p);
int live_reach(struct hooks_bpf *skel, const struct tb *tb, const struct run_opts *o,
	       struct result *r);

/* hooks_live.c: programs on the dut's veth; their cost on the live path (bpf-stats) */
struct attached {
	struct bpf_link *xdp;
	struct att_tc tc;
};

int attach_dut(const struct tb *tb, struct bpf_program *xdp, struct bpf_program *tc,
	       struct attached *a);
void detach_dut(const struct tb *tb, struct attached *a);
int live_stats(struct hooks_bpf *skel, const struct tb *tb, const struct run_opts *o,
	       struct result *r);

#endif
