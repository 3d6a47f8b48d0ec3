// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy (paper Table 6): what copying 1 KB costs inside BPF, by each way of copying, against
 * a native memcpy. Every BPF copy is checked for the right bytes after it is timed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/memcpy/memcpy.h"
#include "exp/memcpy/memcpy_exp.h"
#include "lib/bpfutil.h"
#include "lib/log.h"
#include "lib/trbench.h"

#include "memcpy.skel.h"

enum variant { V_NONE, V_BYTES, V_U64, V_PROBE, V_XDP_LOAD, V_DYNPTR, V_N };

static const struct {
	const char *id, *label;
	double paper;
} vinfo[V_N] = {
	[V_NONE] = { "none", "no copy (subtracted)", -1 },
	[V_BYTES] = { "bytewise", "BPF, char buffers (byte by byte)", MEMCPY_PAPER_BYTEWISE_NS },
	[V_U64] = { "u64", "BPF, 8-byte aligned buffers", -1 },
	[V_PROBE] = { "probe_read_kernel", "BPF, bpf_probe_read_kernel helper", -1 },
	[V_XDP_LOAD] = { "xdp_load_bytes", "BPF, bpf_xdp_load_bytes from the packet", -1 },
	[V_DYNPTR] = { "dynptr_read", "BPF, bpf_dynptr_read helper", MEMCPY_PAPER_DYNPTR_NS },
};

static struct bpf_program *prog_of(struct memcpy_bpf *s, enum variant v)
{
	struct bpf_program *p[V_N] = { s->progs.olab_memcpy_none,  s->progs.olab_memcpy_bytes,
				       s->progs.olab_memcpy_u64,   s->progs.olab_memcpy_probe,
				       s->progs.olab_memcpy_xdpld, s->progs.olab_memcpy_dynptr };

	return p[v];
}

/* Load one variant alone (a helper this kernel lacks fails only its own row). */
static struct memcpy_bpf *load_one(enum variant v, char *why, size_t len)
{
	struct memcpy_bpf *s = memcpy_bpf__open();
	int k, err;

	if (!s) {
		snprintf(why, len, "open the memcpy object: %s", strerror(errno));
		return NULL;
	}
	for (k = 0; k < V_N; k++)
		bpf_program__set_autoload(prog_of(s, k), k == (int)v);
	err = memcpy_bpf__load(s);
	if (err) {
		snprintf(why, len, "the verifier refused it on this kernel (%s)", strerror(-err));
		memcpy_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* After a run: did the destination get the source's bytes? */
static bool copied(struct memcpy_bpf *s, enum variant v, const struct trb *trb)
{
	switch (v) {
	case V_BYTES:
		return !memcmp(s->bss->udst.b, s->bss->usrc.b, MEMCPY_LEN);
	case V_U64:
	case V_PROBE:
	case V_DYNPTR:
		return !memcmp(s->bss->adst, s->bss->asrc, MEMCPY_LEN);
	case V_XDP_LOAD:
		return !memcmp(s->bss->adst, trb->pkt, MEMCPY_LEN);
	default:
		return true;
	}
}

static void fill(struct memcpy_bpf *s, unsigned int seed)
{
	size_t i;

	for (i = 0; i < MEMCPY_LEN; i++) {
		s->bss->usrc.b[i] = (__u8)(i * 131 + seed);
		((__u8 *)s->bss->asrc)[i] = (__u8)(i * 71 + seed);
	}
	memset(s->bss->udst.b, 0, MEMCPY_LEN);
	memset(s->bss->adst, 0, MEMCPY_LEN);
}

static uint8_t nsrc[MEMCPY_LEN] __attribute__((aligned(64))),
	ndst[MEMCPY_LEN] __attribute__((aligned(64)));

static uint64_t native_batch(void *arg, uint64_t calls)
{
	uint64_t c, t0 = bpfu_now_ns();
	int r, copy = *(int *)arg;

	for (c = 0; c < calls; c++)
		for (r = 0; r < MEMCPY_REPS; r++) {
			if (copy)
				memcpy(ndst, nsrc, MEMCPY_LEN);
			/* the buffers escape: the copy cannot be proved dead */
			asm volatile("" : : "r"(ndst), "r"(nsrc) : "memory");
		}
	return bpfu_now_ns() - t0;
}

int memcpy_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct trb_run runs[V_N], nat, nat0;
	bool have[V_N] = { false };
	char why[V_N][160];
	struct trb trb;
	struct metric *m;
	double base, nbase, nmed;
	int v, err = 0, copy;

	trb_init(&trb, o->quick, o->samples);
	trb_set_frame(&trb, MEMCPY_FRAME);
	for (v = 0; v < V_N; v++) {
		struct memcpy_bpf *s = load_one(v, why[v], sizeof(why[v]));
		uint32_t retval = 0;

		if (!s)
			continue;
		fill(s, (unsigned int)v);
		err = bpfu_test_run(bpf_program__fd(prog_of(s, v)), trb.pkt, trb.len, 1, NULL,
				    &retval, NULL);
		if (!err && (retval != 2 || !copied(s, v, &trb)))
			snprintf(why[v], sizeof(why[v]),
				 "the copy did not produce the source's "
				 "bytes (returned %u)",
				 retval);
		else if (!err &&
			 !(err = trb_measure(&trb, bpf_program__fd(prog_of(s, v)), &runs[v])))
			have[v] = true;
		memcpy_bpf__destroy(s);
		if (err) {
			log_errno(err, "time the %s copy", vinfo[v].id);
			snprintf(r->error, sizeof(r->error), "test-run of %s: %s", vinfo[v].id,
				 strerror(-err));
			return err;
		}
	}
	if (!have[V_NONE]) {
		snprintf(r->error, sizeof(r->error), "the empty program: %s", why[V_NONE]);
		return -ENOEXEC;
	}
	base = trb_median(&runs[V_NONE]);
	for (v = V_BYTES; v < V_N; v++) {
		char id[64];

		snprintf(id, sizeof(id), "memcpy.%s", vinfo[v].id);
		m = result_add(r, id, vinfo[v].label, "ns", METHOD_TESTRUN);
		if (!have[v]) {
			metric_unavailable(m, "%s", why[v]);
			continue;
		}
		trb_metric(m, &runs[v], base, MEMCPY_REPS, runs[V_NONE].linear, trb.samples);
		if (vinfo[v].paper > 0)
			metric_set_paper(m, vinfo[v].paper, "Table 6");
		metric_note(
			m,
			"per 1 KB copy: %d copies per test-run, the run without them subtracted; "
			"bytes checked",
			MEMCPY_REPS);
	}
	copy = 1;
	trb_native(&trb, native_batch, &copy, &nat);
	copy = 0;
	trb_native(&trb, native_batch, &copy, &nat0);
	nbase = trb_median(&nat0);
	nmed = (trb_median(&nat) - nbase) / MEMCPY_REPS;
	m = result_add(r, "memcpy.native", "native memcpy (glibc, user space)", "ns",
		       METHOD_NATIVE);
	trb_metric(m, &nat, nbase, MEMCPY_REPS, nat0.linear, trb.samples);
	metric_set_paper(m, MEMCPY_PAPER_NATIVE_NS, "Table 6");
	metric_note(m,
		    "the paper's native copy is a kernel module's memcpy; none can be loaded here");

	for (v = V_BYTES; v <= V_U64; v++) {
		struct trb_run ratio = { .linear = true };
		int i;

		if (!have[v] || nmed <= 0)
			continue;
		for (i = 0; i < runs[v].n; i++)
			ratio.v[ratio.n++] = (runs[v].v[i] - base) / MEMCPY_REPS / nmed;
		m = result_addf(r, "x", METHOD_MODEL, "memcpy.ratio.%s", vinfo[v].id);
		metric_label(m, "%s against native", vinfo[v].label);
		trb_metric(m, &ratio, 0, 1, true, trb.samples);
		if (v == V_BYTES)
			metric_set_paper(m, MEMCPY_PAPER_RATIO, "Table 6");
		metric_note(m, "each BPF sample over the native median (%.1f ns)", nmed);
	}
	if (have[V_BYTES] && have[V_U64])
		result_note(r,
			    "the paper's ~10x is the byte-wise row: clang copies a char buffer it "
			    "cannot prove aligned one byte at a time (here %.0f ns); the same copy "
			    "over 8-byte aligned buffers takes %.0f ns, and the helpers copy in "
			    "native kernel code, near the native memcpy (%.0f ns)",
			    (trb_median(&runs[V_BYTES]) - base) / MEMCPY_REPS,
			    (trb_median(&runs[V_U64]) - base) / MEMCPY_REPS, nmed);
	result_note(r,
		    "method: BPF_PROG_TEST_RUN of XDP programs (kernel loop timer), %d copies "
		    "per run; bpf_xdp_load_bytes copies from a %d-byte test packet",
		    MEMCPY_REPS, MEMCPY_FRAME);
	return 0;
}
