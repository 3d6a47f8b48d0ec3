// SPDX-License-Identifier: GPL-2.0
/*
 * chain (paper Table 5): per-packet and per-call cost of chaining the same stage of work by
 * tail calls (constant and run-time index), BPF-to-BPF calls, global functions, or inlining.
 * Every chain is first checked to run exactly its stages (the result of the work tells).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/chain/chain.h"
#include "exp/chain/chain_exp.h"
#include "lib/bpfutil.h"
#include "lib/log.h"
#include "lib/stats.h"
#include "lib/pkt.h"
#include "lib/trbench.h"

#include "chain.skel.h"
#include "kvc_bpf2bpf.skel.h"
#include "kvc_inline.skel.h"
#include "kvc_tail.skel.h"
#include "kvc_tailvar.skel.h"
#include "kvcache.skel.h"
#include "kvcache/kvc.h"
#include "kvcache/kvcache.h"
#include "lib/util.h"

enum variant { V_TAIL_CONST, V_TAIL_VAR, V_SUB, V_GLOBAL, V_INLINE, V_N };

static const struct {
	const char *id, *label, *note;
} vinfo[V_N] = {
	[V_TAIL_CONST] = { "tail_const", "tail call, constant index",
			   "the JIT turns it into a direct jump" },
	[V_TAIL_VAR] = { "tail_var", "tail call, run-time index",
			 "an indirect jump through the program array (a retpoline where "
			 "mitigations ask for one)" },
	[V_SUB] = { "bpf2bpf", "BPF-to-BPF call", "a static function the compiler may not inline" },
	[V_GLOBAL] = { "global", "global function",
		       "verified once on its own, called like a "
		       "BPF-to-BPF function" },
	[V_INLINE] = { "inlined", "inlined (no chaining)", "the same work in one body" },
};

/* Point the program array at stages 1..L of the family, the rest empty. */
static int set_chain(struct chain_bpf *s, bool var, unsigned int L)
{
	int map = bpf_map__fd(var ? s->maps.jt_var : s->maps.jt_const);
	__u32 k;

	for (k = 1; k <= CHAIN_MAX + 1; k++) {
		char name[32];
		struct bpf_program *p;
		int fd;

		if (k > L) {
			bpf_map_delete_elem(map, &k);
			continue;
		}
		snprintf(name, sizeof(name), "olab_chain_t%c%u", var ? 'v' : 'c', k);
		p = bpf_object__find_program_by_name(s->obj, name);
		fd = p ? bpf_program__fd(p) : -1;
		if (fd < 0 || bpf_map_update_elem(map, &k, &fd, BPF_ANY))
			return -(errno ? errno : ENOENT);
	}
	return 0;
}

static struct bpf_program *entry(struct chain_bpf *s, enum variant v)
{
	switch (v) {
	case V_TAIL_CONST:
		return s->progs.olab_chain_tc0;
	case V_TAIL_VAR:
		return s->progs.olab_chain_tv0;
	case V_SUB:
		return s->progs.olab_chain_sub;
	case V_GLOBAL:
		return s->progs.olab_chain_global;
	default:
		return s->progs.olab_chain_inline;
	}
}

/* Set up a chain of L stages after the first, check it runs exactly those, time it. */
static int point(struct chain_bpf *s, enum variant v, unsigned int L, const struct trb *trb,
		 struct trb_run *out, char *why, size_t wlen)
{
	int err = 0, prog = bpf_program__fd(entry(s, v));
	uint32_t retval = 0;

	if (v == V_TAIL_CONST || v == V_TAIL_VAR)
		err = set_chain(s, v == V_TAIL_VAR, L);
	else
		s->data->stages = L;
	if (err)
		return err;
	s->bss->acc = 0;
	err = bpfu_test_run(prog, trb->pkt, trb->len, 1, NULL, &retval, NULL);
	if (err)
		return err;
	if (s->bss->acc != chain_expect(L)) {
		snprintf(why, wlen, "a chain of %u stages did not run exactly %u stages", L, L + 1);
		return -EPROTO;
	}
	return trb_measure(trb, prog, out);
}

/* ---- the kvcache's hit path, put together three ways (Table 5) ---- */

static const struct {
	const char *id, *label, *how;
	const void *(*elf)(size_t *sz);
	double paper; /* BMC, M req/s */
} kvc_variants[] = {
	{ "global", "kvcache hit, global functions and bpf_loop (as built)",
	  "parser, number printing and the rest are global functions, per-key and per-byte loops "
	  "run under bpf_loop",
	  kvcache_bpf__elf_bytes, 1.14 },
	{ "bpf2bpf", "kvcache hit, static BPF-to-BPF functions", "the same functions static",
	  kvc_bpf2bpf_bpf__elf_bytes, 1.11 },
	{ "inlined", "kvcache hit, all inlined", "one body, plain loops, no bpf_loop",
	  kvc_inline_bpf__elf_bytes, 1.14 },
	{ "tail_const", "kvcache hit, get path by tail call (constant index)",
	  "parsing in the first program, the get path in a second reached by a tail call with a "
	  "constant index (a direct jump)",
	  kvc_tail_bpf__elf_bytes, 1.07 },
	{ "tail_var", "kvcache hit, get path by tail call (run-time index)",
	  "the same with an index read at run time (an indirect jump)", kvc_tailvar_bpf__elf_bytes,
	  1.12 },
};

/* A GET for a cached key, as a frame. */
static size_t kvc_get_frame(uint8_t *buf, size_t cap)
{
	static const char req[] = "\x12\x34\x00\x00\x00\x01\x00\x00get foo\r\n";
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 1 },
			       .dst_mac = { 2, 0, 0, 0, 0, 2 },
			       .src_ip = htonl(0xc6120001),
			       .dst_ip = htonl(0xc6120002),
			       .src_port = htons(40000),
			       .dst_port = htons(11211) };

	return pkt_build_udp4(buf, cap, &a, req, sizeof(req) - 1);
}

/*
 * Hit-path cost of one variant: single test-runs on a fresh copy of the frame each time
 * (a hit rewrites the frame into its reply, so repeated runs would not hit again), the
 * kernel's duration of each, minus the same for an empty program.
 */
static void kvcache_variant(struct result *r, int v, int n, double empty)
{
	static struct kvc_val val;
	char id[64], log[4096] = "", why[200];
	struct bpf_object *obj;
	struct bpf_program *p, *xdp = NULL;
	struct stats_samples s;
	struct kvc_key key = { .len = 3, .b = "foo" };
	struct metric *m;
	uint8_t frame[256];
	size_t sz, flen = kvc_get_frame(frame, sizeof(frame));
	const void *elf = kvc_variants[v].elf(&sz);
	int err, i;

	snprintf(id, sizeof(id), "chain.kvcache.%s", kvc_variants[v].id);
	m = result_add(r, id, kvc_variants[v].label, "ns", METHOD_TESTRUN);
	obj = bpf_object__open_mem(elf, sz, NULL);
	if (!obj) {
		metric_unavailable(m, "could not open the object (%s)", strerror(errno));
		return;
	}
	bpf_object__for_each_program (p, obj) {
		bool me = !strcmp(bpf_program__name(p), "olab_kvc_xdp");

		bpf_program__set_autoload(p,
					  me || !strcmp(bpf_program__name(p), "olab_kvc_xdp_get"));
		if (me)
			xdp = p;
	}
	if (xdp) {
		bpf_program__set_log_buf(xdp, log, sizeof(log));
		bpf_program__set_log_level(xdp, 4);
	}
	err = xdp ? bpf_object__load(obj) : -ENOENT;
	if (err) {
		const char *pr = strstr(log, "processed ");

		snprintf(why, sizeof(why), "%.120s", pr ? pr : strerror(-err));
		if (strchr(why, '\n'))
			*strchr(why, '\n') = '\0';
		metric_unavailable(m, "the verifier refuses this build (%s): %s", strerror(-err),
				   why);
		bpf_object__close(obj);
		return;
	}
	{
		/* the tail-call builds: the second stage into the program array */
		struct bpf_program *get = bpf_object__find_program_by_name(obj, "olab_kvc_xdp_get");
		struct bpf_map *st = bpf_object__find_map_by_name(obj, "kvc_stages");
		__u32 k0 = 0;
		int gfd = get ? bpf_program__fd(get) : -1;

		if (get && st)
			bpf_map_update_elem(bpf_map__fd(st), &k0, &gfd, BPF_ANY);
	}
	{
		/* the test frame's server: what this build of the cache is told is this host */
		static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 }, cmac[6] = { 2, 0, 0, 0, 0, 1 };

		if (kvc_configure_raw(obj, 1, mac, htonl(0xc6120002), cmac, htonl(0xc6120001))) {
			metric_unavailable(m, "could not configure the cache's addresses");
			bpf_object__close(obj);
			return;
		}
	}
	val.flags = 0;
	val.len = 32;
	val.epoch = 1;
	memset(val.data, 'v', 32);
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "cache")), &key, &val,
			    BPF_ANY);
	stats_samples_init(&s);
	for (i = 0; i < n; i++) {
		uint32_t ret = 0, ns = 0;

		if (bpfu_test_run(bpf_program__fd(xdp), frame, flen, 1, NULL, &ret, &ns) ||
		    ret != 3 /* XDP_TX: a hit */)
			break;
		stats_samples_add(&s, (double)ns - empty);
	}
	if (i < n)
		metric_unavailable(m, "the hit path did not answer the test GET");
	else
		metric_set_samples(m, &s, (size_t)n);
	stats_samples_free(&s);
	metric_note(
		m,
		"one GET hit per test-run (the frame is rewritten into its reply), less an empty "
		"program's run (%.0f ns); %s",
		empty, kvc_variants[v].how);
	bpf_object__close(obj);
}

static void kvcache_variants(struct result *r, bool quick)
{
	int n = quick ? 20 : 100, v, i;
	struct stats_samples s;
	struct stats_summary sum;
	struct chain_bpf *e = chain_bpf__open_and_load();
	uint8_t frame[256];
	size_t flen = kvc_get_frame(frame, sizeof(frame));
	double empty = 0;

	/* an empty run for the same single test-run: the inlined chain of length 0 is close */
	stats_samples_init(&s);
	for (i = 0; e && i < n; i++) {
		uint32_t ns = 0;

		e->data->stages = 0;
		if (bpfu_test_run(bpf_program__fd(e->progs.olab_chain_inline), frame, flen, 1, NULL,
				  NULL, &ns))
			break;
		stats_samples_add(&s, ns);
	}
	if (s.n) {
		stats_samples_summary(&s, &sum);
		empty = sum.p50;
	}
	stats_samples_free(&s);
	chain_bpf__destroy(e);
	for (v = 0; v < (int)ARRAY_SIZE(kvc_variants); v++)
		kvcache_variant(r, v, n, empty);

	for (v = 0; v < (int)ARRAY_SIZE(kvc_variants); v++) {
		char id[64];
		struct metric *c, *m;

		snprintf(id, sizeof(id), "chain.kvcache.%s", kvc_variants[v].id);
		c = result_find(r, id);
		m = result_addf(r, "Mreq/s", METHOD_MODEL, "chain.kvcache_mreqs.%s",
				kvc_variants[v].id);
		metric_label(m, "%s, requests/s one core could answer", kvc_variants[v].label);
		if (!c || c->unavailable[0] || !(c->s.p50 > 0)) {
			metric_unavailable(m, "%s",
					   c && c->unavailable[0] ? c->unavailable
								  : "no hit-path cost");
			continue;
		}
		metric_set_value(m, 1e3 / c->s.p50);
		metric_set_paper(m, kvc_variants[v].paper, "Table 5");
		metric_note(m, "1000 / the program's median hit cost: the program alone, where the "
			       "paper's BMC figure is a whole server's");
	}
}

int chain_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct chain_bpf *s = x->skel;
	static const unsigned int pts_full[] = { 0, 1, 2, 4, 8 }, pts_quick[] = { 0, 8 };
	const unsigned int *pts = o->quick ? pts_quick : pts_full;
	int np = o->quick ? 2 : 5, v, i, k, err = 0;
	struct trb_run runs[5] = { 0 };
	struct metric *m;
	char why[160] = "";
	struct trb trb;

	trb_init(&trb, o->quick, o->samples);
	for (v = 0; v < V_N && !err; v++) {
		struct trb_run per = { .linear = true };

		for (i = 0; i < np && !err; i++) {
			err = point(s, v, pts[i], &trb, &runs[i], why, sizeof(why));
			if (err)
				break;
			m = result_addf(r, "ns", METHOD_TESTRUN, "chain.%s.%u", vinfo[v].id,
					pts[i]);
			metric_label(m, "%s, %u stage(s) after the first", vinfo[v].label, pts[i]);
			trb_metric(m, &runs[i], 0, 1, true, trb.samples);
			metric_note(m, "per packet, test-run loop included");
		}
		if (err)
			break;
		/* per call: the longest chain against none, per sample pair */
		for (k = 0; k < runs[np - 1].n && k < runs[0].n; k++)
			per.v[per.n++] = (runs[np - 1].v[k] - runs[0].v[k]) / pts[np - 1];
		m = result_addf(r, "ns", METHOD_MODEL, "chain.per_call.%s", vinfo[v].id);
		metric_label(m, "per call: %s", vinfo[v].label);
		trb_metric(m, &per, 0, 1, runs[0].linear && runs[np - 1].linear, trb.samples);
		metric_note(m, "(%u stages - none) / %u per sample pair; %s", pts[np - 1],
			    pts[np - 1], vinfo[v].note);
	}
	if (err) {
		snprintf(r->error, sizeof(r->error), "%s", why[0] ? why : strerror(-err));
		return err;
	}
	kvcache_variants(r, o->quick);
	result_note(r, "every stage does the same arithmetic on a global; a chain is checked to "
		       "run exactly its stages before it is timed; test-run of XDP programs, the "
		       "kernel's loop timer");
	return 0;
}
