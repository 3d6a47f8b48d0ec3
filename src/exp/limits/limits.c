// SPDX-License-Identifier: GPL-2.0
/*
 * limits (paper sections 2 and 6): what this kernel's verifier and runtime refuse, each fact
 * found by loading (and running) programs or creating maps, never from a table: the processed-
 * instruction budget, the longest loop it accepts, the program size, the stack, bpf_loop's
 * limit, the tail-call depth, map key and value sizes, and whether sleeping or blocking calls
 * are possible at the networking hooks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/limits/limits_exp.h"
#include "lib/bpfutil.h"
#include "lib/log.h"
#include "lib/trbench.h"

#include "limits.skel.h"
#include "lib/util.h"

/* ---- raw instructions ---- */

static struct bpf_insn ins(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};

	return i;
}
#define MOV_IMM(d, v) ins(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define ADD_IMM(d, v) ins(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, v)
#define JLT_IMM(d, v, off) ins(BPF_JMP | BPF_JLT | BPF_K, d, 0, off, v)
#define ST_DW(d, off, v) ins(BPF_ST | BPF_MEM | BPF_DW, d, 0, off, v)
#define CALL(f) ins(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT() ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Load insns as type; the fd, or -errno. With log, the verifier's statistics go there. */
static int load(enum bpf_prog_type type, const struct bpf_insn *insns, size_t n, __u32 flags,
		char *log, size_t loglen)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .prog_flags = flags);
	int fd;

	if (log && loglen) {
		log[0] = '\0';
		o.log_buf = log;
		o.log_size = (__u32)loglen;
		o.log_level = 4; /* statistics only */
	}
	fd = bpf_prog_load(type, NULL, "GPL", insns, n, &o);
	return fd < 0 ? -errno : fd;
}

int limits_load_loop(long k, char *log, size_t loglen)
{
	struct bpf_insn p[] = { MOV_IMM(0, 0), ADD_IMM(0, 1), JLT_IMM(0, (__s32)k, -2), EXIT() };

	return load(BPF_PROG_TYPE_XDP, p, 4, 0, log, loglen);
}

/* n - 2 moves, then r0 = 2 (XDP_PASS); exit */
static int load_straight(size_t n)
{
	struct bpf_insn *p = calloc(n, sizeof(*p));
	size_t i;
	int fd;

	if (!p)
		return -ENOMEM;
	for (i = 0; i + 1 < n; i++)
		p[i] = MOV_IMM(0, 2);
	p[n - 1] = EXIT();
	fd = load(BPF_PROG_TYPE_XDP, p, n, 0, NULL, 0);
	free(p);
	return fd;
}

int limits_load_stack(int off)
{
	struct bpf_insn p[] = { ST_DW(10, (__s16)-off, 0), MOV_IMM(0, 2), EXIT() };

	return load(BPF_PROG_TYPE_XDP, p, 3, 0, NULL, 0);
}

long limits_search(long lo, long hi, long tol, int (*ok)(long v, void *a), void *arg)
{
	while (hi - lo > tol) {
		long mid = lo + (hi - lo + 1) / 2;

		if (ok(mid, arg) > 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int ok_loop(long k, void *a)
{
	int fd = limits_load_loop(k, NULL, 0);

	(void)a;
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int ok_straight(long n, void *a)
{
	int fd = load_straight((size_t)n);

	(void)a;
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int ok_stack(long words, void *a)
{
	int fd = limits_load_stack((int)words * 8); /* 8-byte stores must be 8-byte aligned */

	(void)a;
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

struct map_probe {
	enum bpf_map_type type;
	bool key; /* probe the key size, else the value size */
};

static int ok_map(long size, void *a)
{
	const struct map_probe *p = a;
	int fd = bpf_map_create(p->type, NULL, p->key ? (__u32)size : 4, p->key ? 8 : (__u32)size,
				1, NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* A limit of this kernel's: found by test-run; the paper's figure where it names one (>= 0). */
#define LIMIT(id_, label_, unit_, paper_)                                                          \
	(&(const struct metric_spec){ .id = (id_),                                                 \
				      .label = (label_),                                           \
				      .unit = (unit_),                                             \
				      .method = METHOD_TESTRUN,                                    \
				      .paper = (paper_),                                           \
				      .ref = (paper_) >= 0 ? "sec. 2, 6" : NULL })

static void fact(struct result *r, const struct metric_spec *sp, double v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One value (n = 1), and how it was found (printf-style). */
static void fact(struct result *r, const struct metric_spec *sp, double v, const char *fmt, ...)
{
	struct metric *m = result_add_spec(r, sp);
	struct trb_run one = { .n = 1, .linear = true, .v = { v } };
	char note[sizeof(m->note)];
	va_list ap;

	trb_metric(m, &one, 0, 1, true, 1);
	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	metric_note(m, "%s", note);
}

/* ---- the probes ---- */

static void probe_budget(struct result *r, bool quick)
{
	char log[4096];
	unsigned long processed = 0, limit = 0;
	const char *p;
	long k;
	int fd;

	/* a loop far longer than any budget: the verifier says where it stopped */
	fd = limits_load_loop(100000000, log, sizeof(log));
	if (fd >= 0) {
		close(fd);
		fact(r, LIMIT("limits.insn_budget", "processed-instruction budget", "insns", 1e6),
		     1e8, "a loop of 1e8 iterations was accepted: no budget below that");
	} else if ((p = strstr(log, "processed ")) &&
		   sscanf(p, "processed %lu insns (limit %lu)", &processed, &limit) == 2) {
		fact(r, LIMIT("limits.insn_budget", "processed-instruction budget", "insns", 1e6),
		     (double)limit,
		     "the verifier gave up on a 1e8-iteration loop after %lu instructions "
		     "(%s)",
		     processed, strerror(-fd));
	} else {
		struct metric *m =
			result_add(r, "limits.insn_budget", "processed-instruction budget", "insns",
				   METHOD_TESTRUN);

		metric_unavailable(m, "the verifier refused the probe without statistics (%s)",
				   strerror(-fd));
	}

	/* the longest such loop it accepts, confirmed by running it */
	k = limits_search(1, 10000000, quick ? 2000 : 0, ok_loop, NULL);
	fd = limits_load_loop(k, NULL, 0);
	if (fd >= 0) {
		struct trb trb;
		uint32_t ret = 0;

		trb_init(&trb, true, 0);
		bpfu_test_run(fd, trb.pkt, trb.len, 1, NULL, &ret, NULL);
		close(fd);
		fact(r,
		     LIMIT("limits.loop_iters", "longest verified loop (3-instruction body)",
			   "iterations", -1),
		     (double)k, "binary search%s; the accepted loop ran and returned %u",
		     quick ? " (to 2000)" : "", ret);
	}
}

static void probe_size(struct result *r, bool quick)
{
	long n = limits_search(4096, 4 * 1024 * 1024, quick ? 65536 : 1024, ok_straight, NULL);

	fact(r, LIMIT("limits.prog_insns", "largest program (straight line)", "insns", 1e6),
	     (double)n, "binary search over straight-line programs%s",
	     quick ? " (to 64 K)" : " (to 1 K)");
}

static void probe_stack(struct result *r)
{
	long off = limits_search(1, 1024, 0, ok_stack, NULL) * 8;

	fact(r, LIMIT("limits.stack", "stack a program can use", "B", 512), (double)off,
	     "the deepest 8-byte store below the frame pointer the verifier accepts");
}

/* Maps are really allocated: the probe stops at a ceiling and says so when it reaches it. */
#define MAP_CEILING (64L << 20)

static void map_fact(struct result *r, const char *id, const char *label, enum bpf_map_type type,
		     bool key)
{
	struct map_probe p = { type, key };
	long v = limits_search(1, MAP_CEILING, 0, ok_map, &p);

	fact(r, LIMIT(id, label, "B", -1), (double)v, "BPF_MAP_CREATE, one entry, binary search%s",
	     v == MAP_CEILING ? ": the probe's 64 MiB ceiling was accepted, the limit is higher"
			      : "");
}

static void probe_maps(struct result *r)
{
	map_fact(r, "limits.hash_key", "largest hash map key", BPF_MAP_TYPE_HASH, true);
	map_fact(r, "limits.hash_value", "largest hash map value", BPF_MAP_TYPE_HASH, false);
	map_fact(r, "limits.array_value", "largest array map value", BPF_MAP_TYPE_ARRAY, false);
}

static void probe_runtime(struct result *r)
{
	struct limits_bpf *s = limits_bpf__open_and_load();
	struct trb trb;
	uint32_t ret;
	long lo = 1, hi = 0x7fffffff;
	__u32 k = 0;
	int fd;

	if (!s) {
		struct metric *m = result_add(r, "limits.bpf_loop", "bpf_loop iterations",
					      "iterations", METHOD_TESTRUN);

		metric_unavailable(m, "the probe programs did not load (%s)", strerror(errno));
		return;
	}
	trb_init(&trb, true, 0);
	/* bpf_loop: the largest count it runs (it returns the count, or -E2BIG) */
	while (hi - lo > 0) {
		long mid = lo + (hi - lo + 1) / 2;

		s->data->loop_n = (__u32)mid;
		if (bpfu_test_run(bpf_program__fd(s->progs.olab_lim_loop), trb.pkt, trb.len, 1,
				  NULL, &ret, NULL))
			break;
		if (s->bss->loop_ret == mid)
			lo = mid;
		else
			hi = mid - 1;
	}
	fact(r, LIMIT("limits.bpf_loop", "bpf_loop iterations", "iterations", -1), (double)lo,
	     "binary search by test-run; one more returns %s", "-E2BIG");

	/* tail calls: a program that tail-calls itself runs 1 + the depth limit times */
	fd = bpf_program__fd(s->progs.olab_lim_tail);
	bpf_map_update_elem(bpf_map__fd(s->maps.self), &k, &fd, BPF_ANY);
	s->bss->tail_runs = 0;
	if (!bpfu_test_run(fd, trb.pkt, trb.len, 1, NULL, &ret, NULL))
		fact(r, LIMIT("limits.tail_calls", "tail calls in a row", "calls", 33),
		     (double)s->bss->tail_runs - 1,
		     "a program tail-calling itself ran %u times in one test-run",
		     s->bss->tail_runs);
	bpf_map_delete_elem(bpf_map__fd(s->maps.self), &k);
	limits_bpf__destroy(s);
}

static void probe_sleep(struct result *r)
{
	static const struct {
		const char *name;
		enum bpf_prog_type type;
		int ret;
	} hooks[] = { { "xdp", BPF_PROG_TYPE_XDP, 2 },
		      { "tc", BPF_PROG_TYPE_SCHED_CLS, 0 },
		      { "sk_skb", BPF_PROG_TYPE_SK_SKB, 1 } };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		struct bpf_insn plain[] = { MOV_IMM(0, hooks[i].ret), EXIT() };
		/* bpf_copy_from_user(r10 - 8, 8, NULL): a helper that may sleep */
		struct bpf_insn blocking[] = { ins(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0),
					       ADD_IMM(1, -8),
					       MOV_IMM(2, 8),
					       MOV_IMM(3, 0),
					       CALL(BPF_FUNC_copy_from_user),
					       MOV_IMM(0, hooks[i].ret),
					       EXIT() };
		char id[64], label[96];
		int fd = load(hooks[i].type, plain, 2, BPF_F_SLEEPABLE, NULL, 0), e1 = fd, e2;

		if (fd >= 0)
			close(fd);
		fd = load(hooks[i].type, blocking, 7, 0, NULL, 0);
		e2 = fd;
		if (fd >= 0)
			close(fd);
		snprintf(id, sizeof(id), "limits.sleepable.%s", hooks[i].name);
		snprintf(label, sizeof(label), "sleepable program at %s (1 = accepted)",
			 hooks[i].name);
		fact(r, LIMIT(id, label, "flag", -1), e1 >= 0, "BPF_F_SLEEPABLE: %s",
		     e1 >= 0 ? "accepted" : strerror(-e1));
		snprintf(id, sizeof(id), "limits.blocking_helper.%s", hooks[i].name);
		snprintf(label, sizeof(label), "a helper that may sleep at %s (1 = accepted)",
			 hooks[i].name);
		fact(r, LIMIT(id, label, "flag", -1), e2 >= 0, "bpf_copy_from_user: %s",
		     e2 >= 0 ? "accepted" : strerror(-e2));
	}
}

int limits_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;

	probe_budget(r, o->quick);
	probe_size(r, o->quick);
	probe_stack(r);
	probe_maps(r);
	probe_runtime(r);
	probe_sleep(r);
	result_note(r, "every figure was found here by loading programs (BPF_PROG_LOAD), running "
		       "them (BPF_PROG_TEST_RUN) or creating maps, as root; an unprivileged user "
		       "gets smaller limits (4096 instructions) or none at all");
	result_note(r, "the networking hooks run in softirq context: a sleepable program or a "
		       "helper that may sleep is refused there, so an offload cannot block, wait "
		       "for I/O or take a sleeping lock");
	return 0;
}
