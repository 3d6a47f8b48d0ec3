// SPDX-License-Identifier: GPL-2.0
/*
 * chain (paper Table 5): per-packet and per-call cost of chaining the same stage of work by
 * tail calls (constant and run-time index), BPF-to-BPF calls, global functions, or inlining.
 * Every chain is first checked to run exactly its stages (the result of the work tells).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/chain/chain.h"
#include "exp/chain/chain_exp.h"
#include "lib/bpfutil.h"
#include "lib/log.h"
#include "lib/trbench.h"

#include "chain.skel.h"

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

static __u64 expect(unsigned int stages)
{
	__u64 a = 0;
	unsigned int i;

	for (i = 0; i <= stages; i++)
		a = a * 0x9e3779b97f4a7c15ULL + 1;
	return a;
}

/* Point the program array at stages 1..L of the family, the rest empty. */
static int set_chain(struct chain_bpf *s, bool var, unsigned int L)
{
	int map = bpf_map__fd(var ? s->maps.jt_var : s->maps.jt_const);
	__u32 k;

	for (k = 1; k <= CH_MAX + 1; k++) {
		char name[16];
		struct bpf_program *p;
		int fd;

		if (k > L) {
			bpf_map_delete_elem(map, &k);
			continue;
		}
		snprintf(name, sizeof(name), "ch_t%c%u", var ? 'v' : 'c', k);
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
		return s->progs.ch_tc0;
	case V_TAIL_VAR:
		return s->progs.ch_tv0;
	case V_SUB:
		return s->progs.ch_sub;
	case V_GLOBAL:
		return s->progs.ch_global;
	default:
		return s->progs.ch_inline;
	}
}

/* Set up a chain of L stages after the first, check it runs exactly those, time it. */
static int point(struct chain_bpf *s, enum variant v, unsigned int L, const struct trb *tb,
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
	err = bpfu_test_run(prog, tb->pkt, tb->len, 1, NULL, &retval, NULL);
	if (err)
		return err;
	if (s->bss->acc != expect(L)) {
		snprintf(why, wlen, "a chain of %u stages did not run exactly %u stages", L, L + 1);
		return -EPROTO;
	}
	return trb_measure(tb, prog, out);
}

int chain_run(const struct run_opts *o, struct result *r)
{
	static const unsigned int pts_full[] = { 0, 1, 2, 4, 8 }, pts_quick[] = { 0, 8 };
	const unsigned int *pts = o->quick ? pts_quick : pts_full;
	int np = o->quick ? 2 : 5, v, i, k, err = 0;
	struct trb_run runs[5];
	struct chain_bpf *s;
	struct metric *m;
	char why[160] = "", id[64], label[96];
	struct trb tb;

	trb_init(&tb, o->quick, o->samples);
	s = chain_bpf__open_and_load();
	if (!s) {
		err = -errno;
		snprintf(r->error, sizeof(r->error), "load the chain programs: %s", strerror(-err));
		return err;
	}
	for (v = 0; v < V_N && !err; v++) {
		struct trb_run per = { .linear = true };

		for (i = 0; i < np && !err; i++) {
			err = point(s, v, pts[i], &tb, &runs[i], why, sizeof(why));
			if (err)
				break;
			snprintf(id, sizeof(id), "chain.%s.%u", vinfo[v].id, pts[i]);
			snprintf(label, sizeof(label), "%s, %u stage(s) after the first",
				 vinfo[v].label, pts[i]);
			m = result_add(r, id, label, "ns", METHOD_TESTRUN);
			trb_metric(m, &runs[i], 0, 1, true, tb.samples);
			snprintf(m->note, sizeof(m->note), "per packet, test-run loop included");
		}
		if (err)
			break;
		/* per call: the longest chain against none, per sample pair */
		for (k = 0; k < runs[np - 1].n && k < runs[0].n; k++)
			per.v[per.n++] = (runs[np - 1].v[k] - runs[0].v[k]) / pts[np - 1];
		snprintf(id, sizeof(id), "chain.per_call.%s", vinfo[v].id);
		snprintf(label, sizeof(label), "per call: %s", vinfo[v].label);
		m = result_add(r, id, label, "ns", METHOD_MODEL);
		trb_metric(m, &per, 0, 1, runs[0].linear && runs[np - 1].linear, tb.samples);
		snprintf(m->note, sizeof(m->note), "(%u stages - none) / %u per sample pair; %s",
			 pts[np - 1], pts[np - 1], vinfo[v].note);
	}
	chain_bpf__destroy(s);
	if (err) {
		snprintf(r->error, sizeof(r->error), "%s", why[0] ? why : strerror(-err));
		return err;
	}
	m = result_add(r, "chain.kvcache", "kvcache hit path, chained", "Mreq/s", METHOD_LIVE);
	metric_unavailable(m, "the XDP cache for memcached is not part of this build yet; the "
			      "paper measured BMC at 1.07-1.14 M req/s across the variants");
	result_note(r, "every stage does the same arithmetic on a global; a chain is checked to "
		       "run exactly its stages before it is timed; test-run of XDP programs, the "
		       "kernel's loop timer");
	return 0;
}
