// SPDX-License-Identifier: GPL-2.0
/*
 * echo, the split placement: every request wakes the dut's NAPI thread on the dut CPU, idle
 * between requests at the latency runs' rates; a halted vCPU must be woken by the hypervisor
 * first, and that wake-up, not the hook, can set the latency. Measured in the same runs (the
 * sched tracepoints, lib/wake.c), and the cure kv measured offered as a variant: an
 * idle-class spinner on the dut CPU keeps it from halting without taking time from anything.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp/echo/echo_int.h"
#include "lib/wake.h"
#include "testbed/testbed.h"

/* One slot's wake-ups since echo_wake_begin as metric id; its median, or NAN. */
static double wake_metric(struct ctx *c, struct result *r, unsigned int slot, const char *id,
			  const char *label, uint64_t *n, uint64_t *idle)
{
	struct metric *m = result_add(r, id, label, "ns", METHOD_LIVE);
	int tid = slot ? c->gen_napi : c->napi_pid;
	struct stats_samples s;
	double med = NAN;

	stats_samples_init(&s);
	*n = *idle = 0;
	if (c->wake && tid > 0)
		wake_read(c->wake, slot, &s, n, idle);
	if (!c->wake)
		metric_unavailable(m, "no wake-up tracer here (tp_btf on sched_waking refused)");
	else if (tid <= 0)
		metric_unavailable(m, "no NAPI thread to watch (threaded NAPI not on)");
	else if (!s.n)
		metric_unavailable(m, "the NAPI thread was never woken in the run");
	if (!m->unavailable[0]) {
		metric_set_samples(m, &s, 0);
		med = m->s.p50;
		metric_note(m,
			    "sched_waking to sched_switch of the %s NAPI thread (pid %d) over the "
			    "latency run: %llu wake-ups, %llu onto an idle CPU",
			    slot ? "generator's" : "dut's", tid, (unsigned long long)*n,
			    (unsigned long long)*idle);
	}
	stats_samples_free(&s);
	return med;
}

void echo_wake_begin(struct ctx *c)
{
	const int tids[WAKE_SLOTS] = { c->napi_pid, c->gen_napi };

	if (c->wake)
		wake_watch(c->wake, tids);
}

/*
 * Each request wakes the dut's NAPI thread (on the dut CPU) and its reply the generator's (on
 * the generator's): when the two wake-ups' medians make half the median latency or more,
 * they, not the hook, set the figure.
 */
void echo_wake_end(struct ctx *c, enum variant v, struct result *r, const struct metric *lat,
		   const char *pl)
{
	const int tids[WAKE_SLOTS] = { c->napi_pid, c->gen_napi };
	uint64_t n[2], idle[2];
	char id[2][64], label[2][112];
	double w[2];
	int k;

	for (k = 0; k < 2; k++) {
		snprintf(id[k], sizeof(id[k]), "echo.wake.%s.udp.%s%s", pl, echo_vinfo[v].key,
			 k ? ".gen" : "");
		snprintf(label[k], sizeof(label[k]), "%s NAPI thread wake-up, %s (udp, %s)",
			 k ? "generator's" : "dut", echo_vinfo[v].label, pl);
	}
	if (c->remote) {
		for (k = 0; k < 2; k++)
			metric_unavailable(result_add(r, id[k], label[k], "ns", METHOD_LIVE),
					   "two hosts: the tracer runs on one host");
		return;
	}
	for (k = 0; k < 2; k++)
		w[k] = wake_metric(c, r, (unsigned int)k, id[k], label[k], &n[k], &idle[k]);
	wake_unwatch(c->wake, tids);
	if (!lat || lat->unavailable[0] || !isfinite(w[0]) || !isfinite(w[1]))
		return;
	if ((w[0] + w[1]) * 2 >= lat->s.p50)
		result_note(r,
			    "%s: the two cross-CPU wake-ups (the dut's NAPI thread %.1f us median, "
			    "%llu of %llu onto an idle CPU; the generator's %.1f us, %llu of %llu) "
			    "are %.0f %% of the median latency (%.1f us): they, not the hook, set "
			    "the figure",
			    lat->id, w[0] / 1e3, (unsigned long long)idle[0],
			    (unsigned long long)n[0], w[1] / 1e3, (unsigned long long)idle[1],
			    (unsigned long long)n[1], (w[0] + w[1]) / lat->s.p50 * 100,
			    lat->s.p50 / 1e3);
	else
		result_note(r,
			    "%s: the two cross-CPU wake-ups (dut %.1f us, generator %.1f us "
			    "medians) are %.0f %% of the median latency (%.1f us): not what sets "
			    "it",
			    lat->id, w[0] / 1e3, w[1] / 1e3, (w[0] + w[1]) / lat->s.p50 * 100,
			    lat->s.p50 / 1e3);
}

int echo_wake_spin(struct ctx *c, enum variant v, const struct run_plan *p, struct result *r)
{
	struct metric *ml =
		result_addf(r, "ns", METHOD_LIVE, "echo.lat.split_spin.udp.%s", echo_vinfo[v].key);
	uint64_t sent = 0, lost = 0;
	int spinner, err;

	metric_label(ml, "latency, %s (udp, split, idle-class spinner on the dut CPU)",
		     echo_vinfo[v].label);
	if (c->remote) {
		metric_unavailable(ml, "two hosts: the spinner would run on the server's host; "
				       "offered on the local testbed");
		echo_wake_end(c, v, r, NULL, "split_spin");
		return 0;
	}
	spinner = tb_spin(c->tb, c->tb->dut_cpu, p->lat_ns + 5000000000ULL);
	if (spinner < 0) {
		metric_unavailable(ml, "no idle-class spinner: %s", strerror(-spinner));
		echo_wake_end(c, v, r, NULL, "split_spin");
		return 0;
	}
	echo_wake_begin(c);
	err = echo_measure_lat(c, v, LG_UDP, p, ml, &sent, &lost);
	echo_wake_end(c, v, r, err ? NULL : ml, "split_spin");
	tb_stop(c->tb, spinner, 1000);
	if (!err && !ml->unavailable[0])
		snprintf(ml->note + strlen(ml->note), sizeof(ml->note) - strlen(ml->note),
			 "; a SCHED_IDLE spinner kept the dut CPU from halting");
	return err;
}

void echo_wake_unavailable(struct result *r, enum variant v, const char *why)
{
	static const char *const fmt[] = { "echo.wake.split.udp.%s", "echo.wake.split.udp.%s.gen",
					   "echo.lat.split_spin.udp.%s",
					   "echo.wake.split_spin.udp.%s",
					   "echo.wake.split_spin.udp.%s.gen" };
	size_t i;

	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++)
		metric_unavailable(result_addf(r, "ns", METHOD_LIVE, fmt[i], echo_vinfo[v].key),
				   "%s", why);
}
