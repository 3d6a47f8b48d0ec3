// SPDX-License-Identifier: GPL-2.0
/* The study's takeaways, each checked against the numbers of one run. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp/exp.h"
#include "report/load.h"
#include "report/takeaways.h"

const char *tk_status_name(enum tk_status s)
{
	switch (s) {
	case TK_REPRODUCED:
		return "reproduced here";
	case TK_DIFFERS:
		return "differs here";
	default:
		return "not measurable here";
	}
}

static bool ran(json_t *doc, const char *exp)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "experiments"), i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));

		if (n && !strcmp(n, exp))
			return true;
	}
	return false;
}

/* The metric's median, or NAN with why set (not run, not built, unavailable). */
static double need(json_t *doc, const char *exp, const char *id, struct takeaway *t)
{
	json_t *m;
	const char *u;

	if (!exp_find(exp)) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why), "this offloadlab has no '%s' experiment yet", exp);
		return NAN;
	}
	if (!ran(doc, exp)) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why),
			 "'%s' was not part of this run (offloadlab run %s)", exp, exp);
		return NAN;
	}
	m = load_metric(doc, id);
	u = m ? json_string_value(json_object_get(m, "unavailable")) : "not recorded";
	if (u) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why), "%s: %s", id, u);
		return NAN;
	}
	return load_num(m, "median");
}

size_t takeaways_judge(json_t *doc, struct takeaway *out, size_t max)
{
	struct takeaway *t;
	size_t n = 0;
	double a, b, c, d;

	if (max < 8)
		return 0;

	t = &out[n++];
	t->claim = "Partial offloading yields a 2.5x throughput boost for a key-value store";
	a = need(doc, "kv", "kv.tput.ratio", t);
	b = isnan(a) ? NAN : need(doc, "kv", "kv.slowpath_penalty", t);
	if (!isnan(b)) {
		t->status = a >= 2.5 * 0.7 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "%.2fx single-key GET throughput with the XDP cache in front of one "
			 "memcached "
			 "thread; requests it cannot serve pay %+.0f %% median latency (paper +51 "
			 "%%)",
			 a, b);
	}

	t = &out[n++];
	t->claim = "The SK_SKB hook adds about 1 us per invocation";
	a = need(doc, "hooks", "hooks.skskb_added.tcp.busy", t);
	if (!isnan(a)) {
		t->status = a >= 500 && a <= 2000 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "an SK_SKB verdict adds %.2f us to a TCP receive here (busy reader, "
			 "bootstrap of medians); the empty program itself costs far less: the cost "
			 "is the psock machinery",
			 a / 1000.0);
	}

	t = &out[n++];
	t->claim = "Higher-latency hooks deter transport-layer offloading";
	a = need(doc, "echo", "echo.lat.shared.udp.xdp", t);
	b = isnan(a) ? NAN : need(doc, "echo", "echo.lat.shared.udp.tc", t);
	c = isnan(b) ? NAN : need(doc, "echo", "echo.lat.shared.udp.skskb", t);
	d = isnan(c) ? NAN : need(doc, "echo", "echo.lat.shared.udp.socket_busy", t);
	if (!isnan(d)) {
		t->status = a < c && b < c && c < d * 1.1 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(
			t->why, sizeof(t->why),
			"UDP echo medians: XDP %.1f us, TC %.1f us, SK_SKB %.1f us, socket "
			"(busy) %.1f us: %s",
			a / 1e3, b / 1e3, c / 1e3, d / 1e3,
			t->status == TK_REPRODUCED
				? "answering at SK_SKB saves little over a socket, XDP and TC save "
				  "most"
				: "the order of the hooks is not the paper's on this machine");
	}

	t = &out[n++];
	t->claim = "Copying 1 KB inside eBPF is about ten times slower than native code";
	a = need(doc, "memcpy", "memcpy.ratio.bytewise", t);
	b = isnan(a) ? NAN : need(doc, "memcpy", "memcpy.ratio.u64", t);
	if (!isnan(b)) {
		t->status = a >= 5 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "a byte-wise copy (char buffers) is %.1fx the native memcpy here; over "
			 "8-byte aligned buffers %.1fx: the 10x is clang's byte-by-byte expansion, "
			 "not the JIT",
			 a, b);
	}

	t = &out[n++];
	t->claim = "Runtime and verifier limits block complex applications";
	a = need(doc, "limits", "limits.insn_budget", t);
	b = isnan(a) ? NAN : need(doc, "limits", "limits.stack", t);
	c = isnan(b) ? NAN : need(doc, "limits", "limits.tail_calls", t);
	d = isnan(c) ? NAN : need(doc, "limits", "limits.blocking_helper.xdp", t);
	if (!isnan(d)) {
		t->status = d == 0 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "found by loading programs here: %.0f processed instructions, %.0f B of "
			 "stack, %.0f tail calls in a row, and %s",
			 a, b, c,
			 d == 0 ? "no sleeping or blocking call at XDP, TC or SK_SKB"
				: "a helper that may sleep was accepted at XDP");
	}

	t = &out[n++];
	t->claim = "An empty SK_SKB program costs a TCP stream 14 % of its bandwidth";
	a = need(doc, "bandwidth", "bandwidth.change.skskb", t);
	if (!isnan(a)) {
		t->status = a <= -7 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "%+.1f %% here against the stream with no program (veth, one stream)", a);
	}

	t = &out[n++];
	t->claim = "Pre-processing (truncation) in XDP raises a sink's throughput by at most 2.8 %";
	a = need(doc, "preproc", "preproc.best_gain", t);
	if (!isnan(a)) {
		t->status = a <= 10 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(t->why, sizeof(t->why),
			 "best gain over the sweep: %+.1f %% (veth: the sink shares its CPU with "
			 "the "
			 "stack, see the table)",
			 a);
	}

	t = &out[n++];
	t->claim = "An XDP-offloaded neighbour slows a plain user-space server (+54 % median)";
	a = need(doc, "isolation", "isolation.change.heaviest", t);
	b = isnan(a) ? NAN : need(doc, "isolation", "isolation.lat.alone", t);
	c = isnan(b) ? NAN : need(doc, "isolation", "isolation.lat.heaviest", t);
	if (!isnan(c)) {
		/* the direction and rough size (a slowdown, not tenfold the paper's) */
		t->status = a >= 20 && a <= 3 * 54 ? TK_REPRODUCED : TK_DIFFERS;
		snprintf(
			t->why, sizeof(t->why),
			"median %.1f us alone, %.1f us next to the heaviest neighbour of the sweep "
			"(%+.0f %%)%s",
			b / 1e3, c / 1e3, a,
			a > 3 * 54
				? ": far more than the paper, the neighbour saturates the shared "
				  "CPU here (2 cores, one receive path)"
			: a < 20 ? ": the neighbour barely disturbs the server here"
				 : "");
	}
	return n;
}
