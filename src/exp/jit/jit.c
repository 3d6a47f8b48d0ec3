// SPDX-License-Identifier: GPL-2.0
/*
 * jit (paper Fig. 14): the same C (jitcode.h) as BPF through the JIT and as a native function,
 * on the same input: Fibonacci (compute) and summing the first 64 bytes of a packet X times
 * (memory). The JIT image is read back and disassembled with capstone to count the
 * instructions of one iteration of the X loop against the native compiler's.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <capstone/capstone.h>

#include "exp/jit/jit_exp.h"
#include "exp/jit/jitcode.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/stats.h"
#include "lib/trbench.h"

#include "jit.skel.h"

/* ---- native side: the same C, compiled by the host compiler ---- */

uint64_t olab_native_sum(const uint8_t *p, uint32_t x)
	__attribute__((noinline, section("olab_jit_native")));
uint64_t olab_native_sum(const uint8_t *p, uint32_t x)
{
	return jit_sum(p, x);
}
extern const uint8_t __start_olab_jit_native[], __stop_olab_jit_native[];

static volatile uint64_t native_sink;

struct native_arg {
	int what; /* 0 empty, 1 Fibonacci, 2 sum, 3 empty for the sum */
	uint32_t in;
	const uint8_t *pkt;
};

static uint64_t native_batch(void *arg, uint64_t calls)
{
	const struct native_arg *a = arg;
	uint64_t acc = 0, c, t0 = bpfu_now_ns();
	uint32_t r, v;

	for (c = 0; c < calls; c++) {
		if (a->what == 0) { /* empty: the repetition loop alone */
			for (r = 0; r < JIT_REPS; r++) {
				v = a->in;
				JIT_OPAQUE(v);
				acc += v;
			}
		} else if (a->what == 1) {
			for (r = 0; r < JIT_REPS; r++) {
				v = a->in;
				JIT_OPAQUE(v);
				acc += jit_fib(v);
			}
		} else if (a->what == 2) {
			for (r = 0; r < JIT_SUM_REPS; r++) {
				v = a->in;
				JIT_OPAQUE(v);
				acc += jit_sum(a->pkt, v);
			}
		} else {
			for (r = 0; r < JIT_SUM_REPS; r++) {
				v = a->in;
				JIT_OPAQUE(v);
				acc += v;
			}
		}
	}
	native_sink = acc;
	return bpfu_now_ns() - t0;
}

static void native_measure(int what, uint32_t in, const uint8_t *pkt, const struct trb *trb,
			   struct trb_run *out)
{
	struct native_arg a = { what, in, pkt };

	trb_native(trb, native_batch, &a, out);
}

/* ---- JIT image and disassembly ---- */

int jit_image(int prog_fd, uint8_t **code, size_t *len)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	uint8_t *buf;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &ilen))
		return -errno;
	if (!info.jited_prog_len)
		return -ENODATA;
	buf = malloc(info.jited_prog_len);
	if (!buf)
		return -ENOMEM;
	*len = info.jited_prog_len;
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = (__u32)*len;
	info.jited_prog_insns = (__u64)(unsigned long)buf;
	ilen = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &ilen)) {
		free(buf);
		return -errno;
	}
	*code = buf;
	return 0;
}

int jit_disasm(const uint8_t *code, size_t len, uint64_t addr, FILE *f, int *loop_insns)
{
	csh h;
	cs_insn *insn;
	size_t n, i, j;
	int best = 0;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return -ENOSYS;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(h, code, len, addr, 0, &insn);
	for (i = 0; i < n; i++) {
		cs_detail *d = insn[i].detail;

		if (f)
			fprintf(f, "  %6llx:  %-8s %s\n",
				(unsigned long long)(insn[i].address - addr), insn[i].mnemonic,
				insn[i].op_str);
		if (!d || !cs_insn_group(h, &insn[i], CS_GRP_JUMP) || !d->x86.op_count ||
		    d->x86.operands[0].type != X86_OP_IMM)
			continue;
		/* a backward jump closes a loop: count what lies between its target and it */
		if ((uint64_t)d->x86.operands[0].imm <= insn[i].address) {
			int span = 0;

			for (j = 0; j <= i; j++)
				if (insn[j].address >= (uint64_t)d->x86.operands[0].imm)
					span++;
			if (span > best)
				best = span;
		}
	}
	if (n)
		cs_free(insn, n);
	cs_close(&h);
	if (loop_insns)
		*loop_insns = best;
	return (int)n;
}

/* ---- the experiment ---- */

/*
 * One point of a family (fib, sum): the BPF and the native runs, each with the median of its
 * empty loop to subtract, and the computations per run to divide by.
 */
struct jit_point {
	const struct trb_run *bpf, *nat;
	double bpf_base, nat_base, div;
	int wanted;
};

/* (BPF - native) / native, per sample pair; unavailable when the native figure is tiny. */
static void gap_metric(struct result *r, const struct metric_spec *sp, const struct jit_point *p)
{
	struct trb_run g = { .linear = p->bpf->linear && p->nat->linear };
	struct metric *m = result_add_spec(r, sp);
	double nmed = (trb_median(p->nat) - p->nat_base) / p->div;
	int i, n = p->bpf->n < p->nat->n ? p->bpf->n : p->nat->n;

	if (nmed < 0.5 || n == 0) {
		metric_unavailable(m, "the native code takes under 0.5 ns here: too little to "
				      "compare");
		return;
	}
	for (i = 0; i < n; i++) {
		double b = (p->bpf->v[i] - p->bpf_base) / p->div;
		double c = (p->nat->v[i] - p->nat_base) / p->div;

		g.v[g.n++] = c > 0 ? (b - c) / c * 100 : 0;
	}
	trb_metric(m, &g, 0, 1, true, p->wanted);
	metric_note(m,
		    "(BPF - native) / native per sample pair, each net of its empty loop; medians "
		    "%.2f vs %.2f ns",
		    (trb_median(p->bpf) - p->bpf_base) / p->div, nmed);
}

/* Per computation, net of the empty loop (base). */
static void ns_metric(struct result *r, const struct metric_spec *sp, const struct trb_run *v,
		      double base, const struct jit_point *p)
{
	struct metric *m = result_add_spec(r, sp);

	trb_metric(m, v, base, p->div, true, p->wanted);
	metric_note(m, "per computation, net of the empty loop (%.1f ns)", base / p->div);
}

/* One point's metrics: BPF and native per computation, and the gap (the paper's, if gap_ref). */
static void point_metrics(struct result *r, const char *fam, unsigned int x, const char *what,
			  const struct jit_point *p, double paper_gap, const char *gap_ref)
{
	char id[96], label[128];
	struct metric_spec sp = { .id = id, .label = label, .unit = "ns" };

	snprintf(id, sizeof(id), "jit.%s.bpf.%u", fam, x);
	snprintf(label, sizeof(label), "%s, BPF (JIT)", what);
	sp.method = METHOD_TESTRUN;
	ns_metric(r, &sp, p->bpf, p->bpf_base, p);
	snprintf(id, sizeof(id), "jit.%s.native.%u", fam, x);
	snprintf(label, sizeof(label), "%s, native", what);
	sp.method = METHOD_NATIVE;
	ns_metric(r, &sp, p->nat, p->nat_base, p);
	snprintf(id, sizeof(id), "jit.%s.gap.%u", fam, x);
	snprintf(label, sizeof(label), "%s, BPF slower by", what);
	sp = (struct metric_spec){ .id = id,
				   .label = label,
				   .unit = "%",
				   .method = METHOD_MODEL,
				   .paper = paper_gap,
				   .ref = gap_ref };
	gap_metric(r, &sp, p);
}

int jit_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct jit_bpf *s = x->skel;
	static const __u32 fib_full[] = { 1, 10, 20, 40, 80 }, fib_quick[] = { 1, 20, 80 };
	static const __u32 x_full[] = { 1, 2, 4, 8, 16, 32, 64 }, x_quick[] = { 1, 8, 64 };
	const __u32 *fibs = o->quick ? fib_quick : fib_full, *xs = o->quick ? x_quick : x_full;
	int nf = o->quick ? 3 : 5, nx = o->quick ? 3 : 7, i, err, nins, loop_bpf = 0, loop_nat = 0;
	struct trb_run bempty, nempty, bsempty, nsempty, b, n;
	struct jit_point pt;
	struct trb trb;
	char what[64];
	uint8_t *code = NULL;
	size_t clen = 0;
	double bbase, nbase, bsbase, nsbase;

	trb_init(&trb, o->quick, o->samples);
	err = trb_measure(&trb, bpf_program__fd(s->progs.olab_jit_empty), &bempty);
	if (!err)
		err = trb_measure(&trb, bpf_program__fd(s->progs.olab_jit_sum_empty), &bsempty);
	if (err)
		goto out;
	native_measure(0, 1, trb.pkt, &trb, &nempty);
	native_measure(3, 1, trb.pkt, &trb, &nsempty);
	bbase = trb_median(&bempty);
	nbase = trb_median(&nempty);
	bsbase = trb_median(&bsempty);
	nsbase = trb_median(&nsempty);

	for (i = 0; i < nf && !err; i++) {
		s->data->fib_n = fibs[i];
		err = trb_measure(&trb, bpf_program__fd(s->progs.olab_jit_fib), &b);
		if (err)
			break;
		native_measure(1, fibs[i], trb.pkt, &trb, &n);
		snprintf(what, sizeof(what), "Fibonacci n=%u", fibs[i]);
		pt = (struct jit_point){ &b, &n, bbase, nbase, JIT_REPS, trb.samples };
		point_metrics(r, "fib", fibs[i], what, &pt, 0, NULL);
	}
	for (i = 0; i < nx && !err; i++) {
		s->data->sum_x = xs[i];
		err = trb_measure(&trb, bpf_program__fd(s->progs.olab_jit_sum), &b);
		if (err)
			break;
		native_measure(2, xs[i], trb.pkt, &trb, &n);
		snprintf(what, sizeof(what), "sum of 64 B x%u", xs[i]);
		pt = (struct jit_point){ &b, &n, bsbase, nsbase, JIT_SUM_REPS, trb.samples };
		point_metrics(r, "sum", xs[i], what, &pt, 60, xs[i] == 64 ? "Fig. 14" : NULL);
	}
	if (err)
		goto out;

	/* instructions of one X-loop iteration: the JIT's and the native compiler's */
	err = jit_image(bpf_program__fd(s->progs.olab_jit_sum_once), &code, &clen);
	if (!err) {
		struct metric *m;
		struct trb_run one = { .n = 1, .linear = true };

		nins = jit_disasm(code, clen, 0, NULL, &loop_bpf);
		/* the linker's bounds of the section that holds olab_native_sum alone */
		jit_disasm(__start_olab_jit_native,
			   (size_t)((uintptr_t)__stop_olab_jit_native -
				    (uintptr_t)__start_olab_jit_native),
			   0, NULL, &loop_nat);
		m = result_add(r, "jit.loop_insns.bpf", "x86 instructions per X iteration, JIT",
			       "insns", METHOD_TESTRUN);
		one.v[0] = loop_bpf;
		trb_metric(m, &one, 0, 1, true, 1);
		metric_set_paper(m, 520, "Fig. 14");
		metric_note(m,
			    "the longest backward jump of the JIT image of olab_jit_sum_once (%d "
			    "instructions in all), counted with capstone",
			    nins);
		m = result_add(r, "jit.loop_insns.native",
			       "x86 instructions per X iteration, native", "insns", METHOD_NATIVE);
		one.v[0] = loop_nat;
		trb_metric(m, &one, 0, 1, true, 1);
		metric_set_paper(m, 326, "Fig. 14");
		metric_note(m, "the same loop in olab_native_sum, built by %s",
#ifdef __clang__
			    "clang"
#else
			    "gcc"
#endif
		);
	} else {
		struct metric *m =
			result_add(r, "jit.loop_insns.bpf", "x86 instructions per X iteration, JIT",
				   "insns", METHOD_TESTRUN);

		metric_unavailable(m, "the JIT image could not be read: %s", strerror(-err));
		err = 0;
	}
	result_note(r, "BPF: BPF_PROG_TEST_RUN of XDP programs (the kernel's loop timer); native: "
		       "the same C from jitcode.h in this process, timed with clock_gettime; both "
		       "repeat the computation on an input hidden from the optimiser and subtract "
		       "their own empty loop");
	result_note(r, "the paper compares with the same C inside the kernel driver; here the "
		       "native side is a user-space function (no kernel module can be loaded)");
out:
	free(code);
	return err;
}

/* ---- offloadlab jit dump ---- */

static const char jit_doc[] =
	"Print the x86-64 code the JIT made of one BPF program: load the object (its maps "
	"created, nothing attached), read the image back and disassemble it with capstone."
	"\vExamples:\n"
	"  offloadlab jit dump build/bpf/exp/jit/jit.bpf.o xdp\n"
	"  offloadlab jit dump build/bpf/exp/jit/jit.bpf.o olab_jit_sum_once\n"
	"  offloadlab jit dump jit.bpf.o olab_jit_sum_once   (offloadlab's own object)\n"
	"OBJ is a path; a bare name not found here is one of offloadlab's own objects "
	"(PREFIX/lib/offloadlab/ when installed: 'offloadlab --version' says where).\n"
	"SECTION is a section name (xdp, tc, ...) or a program name; with several programs in "
	"one section, the first is shown unless a program name is given. Needs root.";

struct dump_args {
	const char *obj, *sec;
};

static error_t dump_parse(int key, char *arg, struct argp_state *state)
{
	struct dump_args *a = state->input;

	switch (key) {
	case 'v':
		log_verbose = 1;
		break;
	case ARGP_KEY_ARG:
		if (!a->obj)
			a->obj = arg;
		else if (!a->sec)
			a->sec = arg;
		else
			argp_error(state, "too many arguments ('%s')", arg);
		break;
	case ARGP_KEY_END:
		if (!a->sec)
			argp_error(state, "give a BPF object and a section or program name");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int jit_main(int argc, char **argv)
{
	static const struct argp_option opts[] = {
		{ "verbose", 'v', NULL, 0, "libbpf's debug output (the verifier's log)", 0 },
		{ 0 },
	};
	struct argp argp = { opts, dump_parse, "OBJ SECTION", jit_doc, NULL, NULL, NULL };
	struct dump_args a = { 0 };
	char objpath[512];
	struct bpf_object *obj;
	struct bpf_program *p, *want = NULL;
	uint8_t *code = NULL;
	size_t len;
	int err, n, loop;

	if (argc < 2 || strcmp(argv[1], "dump")) {
		if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			printf("Usage: offloadlab jit dump OBJ SECTION\n%s\n", jit_doc);
			return EXIT_OK;
		}
		fprintf(stderr, "Usage: offloadlab jit dump OBJ SECTION (see --help)\n");
		return EXIT_USAGE;
	}
	argv[1] = "offloadlab jit dump"; /* argp's name for the command */
	if (argp_parse(&argp, argc - 1, argv + 1, 0, NULL, &a))
		return EXIT_USAGE;
	log_setup_libbpf();
	a.obj = olab_obj_arg(a.obj, objpath, sizeof(objpath));
	obj = bpf_object__open_file(a.obj, NULL);
	if (!obj) {
		log_errno(-errno, "open %s as a BPF object", a.obj);
		return EXIT_FAIL;
	}
	bpf_object__for_each_program (p, obj) {
		if (!strcmp(bpf_program__name(p), a.sec)) {
			want = p;
			break;
		}
		if (!want && !strcmp(bpf_program__section_name(p), a.sec))
			want = p;
	}
	if (!want) {
		fprintf(stderr, "offloadlab jit: %s has no program or section '%s'; it has:\n",
			a.obj, a.sec);
		bpf_object__for_each_program (p, obj) {
			fprintf(stderr, "  %-24s (section %s)\n", bpf_program__name(p),
				bpf_program__section_name(p));
		}
		bpf_object__close(obj);
		return EXIT_FAIL;
	}
	bpf_object__for_each_program (p, obj) {
		bpf_program__set_autoload(p, p == want);
	}
	err = bpf_object__load(obj);
	if (err) {
		log_errno(err, "load %s from %s", bpf_program__name(want), a.obj);
		bpf_object__close(obj);
		return EXIT_FAIL;
	}
	err = jit_image(bpf_program__fd(want), &code, &len);
	if (err) {
		log_errno(err, "read the JIT image of %s (is net.core.bpf_jit_enable 0?)",
			  bpf_program__name(want));
		bpf_object__close(obj);
		return EXIT_FAIL;
	}
	printf("%s (section %s): %zu bytes of x86-64\n", bpf_program__name(want),
	       bpf_program__section_name(want), len);
	n = jit_disasm(code, len, 0, stdout, &loop);
	printf("%d instructions; longest loop body %d instructions\n", n, loop);
	free(code);
	bpf_object__close(obj);
	return n > 0 ? EXIT_OK : EXIT_FAIL;
}
