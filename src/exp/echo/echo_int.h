/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the echo experiment: what echo.c (the servers, latency, TCP throughput, the run),
 * echo_tput.c (UDP throughput by the XDP engine, its ratios and headroom) and echo_wake.c (the
 * split placement's wake-ups and the cure) share. Not for use outside src/exp/echo.
 */
#ifndef OLAB_ECHO_INT_H
#define OLAB_ECHO_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "exp/exp.h"
#include "lib/attach.h"
#include "lib/stats.h"
#include "loadgen/echo_server.h"
#include "loadgen/loadgen.h"

#define ECHO_PORT 7007
#define GEN_PORT 40010
#define OUTSTANDING 32	   /* socket engine, closed loop */
#define OUTSTANDING_XDP 64 /* XDP engine: its page-sized frames fill a socket buffer sooner */

enum variant { V_SOCK_SLEEP, V_SOCK_BUSY, V_SKSKB, V_TC, V_XDP, V_MAX };

/*
 * Where the dut's kernel work runs. shared: veth's default, softirq on the sending CPU (the
 * generator's); only a user-space server runs on the dut CPU. split: the dut veth's NAPI is a
 * thread pinned to the dut CPU, as with two machines, and every request pays a cross-CPU
 * hand-off (an IPI: ~15-20 us in a VM).
 */
enum placement { PL_SHARED, PL_SPLIT, PL_MAX };
extern const char *const echo_pl_name[PL_MAX];

/* Paper Fig. 3 medians, us (Xeon Silver 4310, ConnectX-6, one request size). */
struct echo_vinfo {
	const char *key, *label;
	double paper_us;
	bool udp, tcp;
};
extern const struct echo_vinfo echo_vinfo[V_MAX];

struct tb;
struct wake_bpf;

struct ctx {
	struct exp_ctx *x; /* the run: its server side through side_call() */
	struct tb *tb;
	enum placement pl;
	bool remote;	    /* two hosts: the server side is the agent's there */
	int napi_pid;	    /* the variant's dut NAPI thread (split, here), or <= 0 */
	struct lg_xdp *lgx; /* the XDP load generator, or NULL: the socket engine */
	char gen_why[200];
	struct wake_bpf *wake; /* the wake-up tracer (split placement), or NULL */
	int gen_napi;	       /* the generator's veth NAPI thread (split), or <= 0 */
};

struct run_plan {
	double rate;
	uint64_t lat_ns, tput_ns;
	int tput_reps;
};

/* echo.c: variant v up (its server side, here or through the agent), why written when not;
 * and down again, with how many replies the BPF programs sent meanwhile */
int echo_srv_up(struct ctx *c, enum variant v, enum lg_l4 l4, char *why, size_t whylen);
uint64_t echo_srv_down(struct ctx *c);
/* The generator's options for one run against variant v (from the generator's namespace). */
void echo_lg_for(struct ctx *c, struct lg_opts *lo, enum variant v, enum lg_l4 l4);

/* echo_tput.c: UDP throughput of every variant, interleaved repetitions */
struct echo_tput {
	struct stats_samples kps[V_MAX];
	struct stats_samples sock; /* the sleeping socket server by the socket engine */
	char why[V_MAX][160];	   /* why a variant could not run */
	bool ran;
};
void echo_tput_init(struct echo_tput *t, bool free_it);
int echo_tput_udp(struct ctx *c, const struct run_plan *p, struct echo_tput *t);
void echo_tput_report(struct ctx *c, struct result *r, struct echo_tput t[PL_MAX], int reps);

/*
 * echo_wake.c, the split placement: the dut NAPI thread's wake-ups during a latency run
 * and the generator's NAPI thread's, which the reply wakes (begin before it, end after:
 * echo.wake.split.udp.V and echo.wake.split.udp.V.gen, and a note when they set the figure),
 * and the same latency again with an idle-class spinner on the dut CPU, the cure kv measured
 * (echo.lat.split_spin.udp.V, echo.wake.split_spin.udp.V). With two hosts, or without the
 * tracer, the same ids unavailable with why.
 */
void echo_wake_begin(struct ctx *c);
void echo_wake_end(struct ctx *c, enum variant v, struct result *r, const struct metric *lat,
		   const char *pl);
int echo_wake_spin(struct ctx *c, enum variant v, const struct run_plan *p, struct result *r);
void echo_wake_unavailable(struct result *r, enum variant v, const char *why);

/* echo.c: one latency run at the plan's Poisson rate into ml; sent and lost added up */
int echo_measure_lat(struct ctx *c, enum variant v, enum lg_l4 l4, const struct run_plan *p,
		     struct metric *ml, uint64_t *sent, uint64_t *lost);

#endif
