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
	case TK_INCONCLUSIVE:
		return "inconclusive here";
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

/* A metric's median and its 95 % CI (the median alone where no CI is recorded). */
struct iv {
	double lo, med, hi;
};

/* The metric's interval, or a NAN median with why set (not run, not built, unavailable). */
static struct iv need(json_t *doc, const char *exp, const char *id, struct takeaway *t)
{
	struct iv v = { NAN, NAN, NAN };
	json_t *m, *ci;
	const char *u;

	if (!exp_find(exp)) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why), "this offloadlab has no '%s' experiment yet", exp);
		return v;
	}
	if (!ran(doc, exp)) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why),
			 "'%s' was not part of this run (offloadlab run %s)", exp, exp);
		return v;
	}
	m = load_metric(doc, id);
	u = m ? json_string_value(json_object_get(m, "unavailable")) : "not recorded";
	if (u) {
		t->status = TK_NOT_MEASURABLE;
		snprintf(t->why, sizeof(t->why), "%s: %s", id, u);
		return v;
	}
	v.med = load_num(m, "median");
	ci = json_object_get(m, "ci95");
	v.lo = json_number_value(json_array_get(ci, 0));
	v.hi = json_number_value(json_array_get(ci, 1));
	if (!(json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1)) &&
	      v.lo <= v.med && v.med <= v.hi))
		v.lo = v.hi = v.med;
	return v;
}

/* Whether a metric carries a flag (e.g. "generator-bound"). */
static bool has_flag(json_t *doc, const char *id, const char *flag)
{
	json_t *m = load_metric(doc, id), *f;
	size_t i;

	json_array_foreach(m ? json_object_get(m, "flags") : NULL, i,
			   f) if (json_is_string(f) &&
				  !strcmp(json_string_value(f), flag)) return true;
	return false;
}

/* Three-valued logic over intervals: the claim holds, fails, or the CIs cannot tell. */
enum tri { T_NO, T_YES, T_MAYBE };

static enum tri within(struct iv a, double lo, double hi)
{
	if (a.lo >= lo && a.hi <= hi)
		return T_YES;
	if (a.hi < lo || a.lo > hi)
		return T_NO;
	return T_MAYBE;
}

/* a < k * b over both intervals */
static enum tri below(struct iv a, struct iv b, double k)
{
	if (a.hi < k * b.lo)
		return T_YES;
	if (a.lo >= k * b.hi)
		return T_NO;
	return T_MAYBE;
}

static enum tri and3(enum tri a, enum tri b)
{
	if (a == T_NO || b == T_NO)
		return T_NO;
	return a == T_YES && b == T_YES ? T_YES : T_MAYBE;
}

static void judge(struct takeaway *t, enum tri v)
{
	t->status = v == T_YES ? TK_REPRODUCED : v == T_NO ? TK_DIFFERS : TK_INCONCLUSIVE;
}

/* Appended to the why of an inconclusive takeaway. */
static void straddles(struct takeaway *t)
{
	size_t l = strlen(t->why);

	if (t->status == TK_INCONCLUSIVE && l < sizeof(t->why))
		snprintf(t->why + l, sizeof(t->why) - l,
			 " (inconclusive: the 95 %% CI of a median straddles the claim's "
			 "threshold; more samples or a quieter machine would decide)");
}

size_t takeaways_judge(json_t *doc, struct takeaway *out, size_t max)
{
	struct takeaway *t;
	size_t n = 0;
	struct iv a, b, c, d;

	if (max < 9)
		return 0;

	t = &out[n++];
	t->claim = "Partial offloading yields a 2.5x throughput boost for a key-value store";
	a = need(doc, "kv", "kv.tput.ratio", t);
	{
		/* generator-bound: the measured gain is only a lower bound */
		bool atleast = isnan(a.med) && load_metric(doc, "kv.tput.ratio.atleast");

		if (atleast)
			a = need(doc, "kv", "kv.tput.ratio.atleast", t);
		b = isnan(a.med) ? a : need(doc, "kv", "kv.slowpath_penalty", t);
		if (!isnan(b.med)) {
			enum tri v = within(a, 2.5 * 0.7, INFINITY);

			/* a lower bound below the claim says nothing against it */
			judge(t, atleast && v != T_YES ? T_MAYBE : v);
			snprintf(t->why, sizeof(t->why),
				 "%s%.2fx single-key GET throughput with the XDP cache in front of "
				 "one memcached thread%s; requests it cannot serve pay %+.0f %% "
				 "median "
				 "latency (paper +51 %%)",
				 atleast ? "at least " : "", a.med,
				 atleast ? " (the generator was the limit)" : "", b.med);
		}
	}

	t = &out[n++];
	t->claim = "The SK_SKB hook adds about 1 us per invocation";
	a = need(doc, "hooks", "hooks.skskb_added.tcp.busy", t);
	if (!isnan(a.med)) {
		judge(t, within(a, 500, 2000));
		snprintf(t->why, sizeof(t->why),
			 "an SK_SKB verdict adds %.2f us to a TCP receive here (busy reader, "
			 "bootstrap of medians); the empty program itself costs far less: the cost "
			 "is the psock machinery",
			 a.med / 1000.0);
	}

	t = &out[n++];
	t->claim = "Higher-latency hooks deter transport-layer offloading";
	a = need(doc, "echo", "echo.lat.shared.udp.xdp", t);
	b = isnan(a.med) ? a : need(doc, "echo", "echo.lat.shared.udp.tc", t);
	c = isnan(b.med) ? b : need(doc, "echo", "echo.lat.shared.udp.skskb", t);
	d = isnan(c.med) ? c : need(doc, "echo", "echo.lat.shared.udp.socket_busy", t);
	if (!isnan(d.med)) {
		judge(t, and3(and3(below(a, c, 1), below(b, c, 1)), below(c, d, 1.1)));
		snprintf(
			t->why, sizeof(t->why),
			"UDP echo medians: XDP %.1f us, TC %.1f us, SK_SKB %.1f us, socket "
			"(busy) %.1f us: %s",
			a.med / 1e3, b.med / 1e3, c.med / 1e3, d.med / 1e3,
			t->status == TK_REPRODUCED
				? "answering at SK_SKB saves little over a socket, XDP and TC save "
				  "most"
			: t->status == TK_DIFFERS
				? "the order of the hooks is not the paper's on this machine"
				: "the CIs overlap: the order of the hooks is not settled here");
	}

	t = &out[n++];
	t->claim = "Copying 1 KB inside eBPF is about ten times slower than native code";
	a = need(doc, "memcpy", "memcpy.ratio.bytewise", t);
	b = isnan(a.med) ? a : need(doc, "memcpy", "memcpy.ratio.u64", t);
	if (!isnan(b.med)) {
		judge(t, within(a, 5, INFINITY));
		snprintf(t->why, sizeof(t->why),
			 "a byte-wise copy (char buffers) is %.1fx the native memcpy here; over "
			 "8-byte aligned buffers %.1fx: the 10x is clang's byte-by-byte expansion, "
			 "not the JIT",
			 a.med, b.med);
	}

	t = &out[n++];
	t->claim = "Runtime and verifier limits block complex applications";
	a = need(doc, "limits", "limits.insn_budget", t);
	b = isnan(a.med) ? a : need(doc, "limits", "limits.stack", t);
	c = isnan(b.med) ? b : need(doc, "limits", "limits.tail_calls", t);
	d = isnan(c.med) ? c : need(doc, "limits", "limits.blocking_helper.xdp", t);
	if (!isnan(d.med)) {
		judge(t, d.med == 0 ? T_YES : T_NO);
		snprintf(t->why, sizeof(t->why),
			 "found by loading programs here: %.0f processed instructions, %.0f B of "
			 "stack, %.0f tail calls in a row, and %s",
			 a.med, b.med, c.med,
			 d.med == 0 ? "no sleeping or blocking call at XDP, TC or SK_SKB"
				    : "a helper that may sleep was accepted at XDP");
	}

	t = &out[n++];
	t->claim = "An empty SK_SKB program costs a TCP stream 14 % of its bandwidth";
	a = need(doc, "bandwidth", "bandwidth.change.skskb", t);
	if (!isnan(a.med)) {
		judge(t, within(a, -INFINITY, -7));
		snprintf(t->why, sizeof(t->why),
			 "%+.1f %% here against the stream with no program (veth, one stream)",
			 a.med);
	}

	t = &out[n++];
	t->claim = "Pre-processing (truncation) in XDP raises a sink's throughput by at most 2.8 %";
	a = need(doc, "preproc", "preproc.best_gain", t);
	if (!isnan(a.med)) {
		judge(t, within(a, -INFINITY, 10));
		snprintf(t->why, sizeof(t->why),
			 "best gain over the sweep: %+.1f %% (veth: the sink shares its CPU with "
			 "the "
			 "stack, see the table)",
			 a.med);
	}

	t = &out[n++];
	t->claim = "An XDP-offloaded neighbour slows a plain user-space server (+54 % median)";
	a = need(doc, "isolation", "isolation.change.heaviest", t);
	b = isnan(a.med) ? a : need(doc, "isolation", "isolation.lat.alone", t);
	c = isnan(b.med) ? b : need(doc, "isolation", "isolation.lat.heaviest", t);
	if (!isnan(c.med)) {
		/* the direction and rough size (a slowdown, not tenfold the paper's) */
		judge(t, within(a, 20, 3 * 54));
		snprintf(
			t->why, sizeof(t->why),
			"median %.1f us alone, %.1f us next to the heaviest neighbour of the sweep "
			"(%+.0f %%)%s",
			b.med / 1e3, c.med / 1e3, a.med,
			a.med > 3 * 54
				? ": far more than the paper, the neighbour saturates the shared "
				  "CPU here (2 cores, one receive path)"
			: a.med < 20 ? ": the neighbour barely disturbs the server here"
				     : "");
	}
	t = &out[n++];
	t->claim = "Once the server's own path is fast (AF_XDP), a kernel fast path in front buys "
		   "little (+12 %)";
	a = need(doc, "kv-afxdp", "kv_afxdp.gain.cache", t);
	b = isnan(a.med) ? a : need(doc, "kv-afxdp", "kv_afxdp.gain.afxdp", t);
	if (!isnan(b.med)) {
		bool genbound = has_flag(doc, "kv_afxdp.tput.afxdp", "generator-bound") ||
				has_flag(doc, "kv_afxdp.tput.afxdp_cache", "generator-bound");

		/* "little": under 1.5x; both figures limited by the generator decide nothing */
		judge(t, genbound ? T_MAYBE : within(a, 0, 1.5));
		snprintf(
			t->why, sizeof(t->why),
			"the kvcache in front of the AF_XDP server: %.2fx its throughput (paper "
			"1.12x); the AF_XDP server alone: %.2fx memcached's (paper 2.35x)%s",
			a.med, b.med,
			genbound
				? "; the generator was the limit of both servers' throughput here, "
				  "so their ratio decides nothing"
				: "");
	}

	for (size_t i = 0; i < n; i++)
		straddles(&out[i]);
	return n;
}
