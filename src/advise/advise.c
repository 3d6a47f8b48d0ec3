// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab advise: will this offload pay off here? The model of advise.h, fed with the
 * request mix and either a measured cost or a BPF program measured now by test-run on a
 * packet the user gives.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "advise/advise.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/trbench.h"
#include "lib/results_load.h"

#include "xdp_pass.skel.h"

struct args {
	double w, app_ns, cost_ns;
	const char *obj, *sec, *packet, *from;
	bool json, have_w, have_app;
};

/* What a kv run measured, for --from: the model's inputs and the slow path's figures. */
struct from_run {
	double app_ns, hit_ns, miss_ns;	 /* t, and the cache's cost per path (bpf-stats) */
	double penalty, cured, cure_cpu; /* %, NAN where the run has none */
	double wake_mc[2], sleeps[2];	 /* without and with the cache */
	char path[4096];
};

static const char doc[] =
	"Predict what an in-kernel offload does to throughput and latency on this machine, "
	"with the paper's model: the program (cost c) runs on every request and answers a share "
	"w; the rest still costs the application t. It pays off when c < w t (the break-even "
	"rule r = c/t < w)."
	"\vGive the cost, or a BPF program to measure here by test-run on a sample packet:\n"
	"  offloadlab advise --hit-share 80% --app-ns 25000 --cost-ns 300\n"
	"  offloadlab advise --hit-share 0.5 --app-ns 25000 --obj build/bpf/kvcache/kvcache.bpf.o "
	"--section olab_kvc_xdp --packet get.bin\n"
	"  offloadlab advise --hit-share 90% --from results/20261128-120000\n"
	"--packet is a raw Ethernet frame (binary file). t can come from 'offloadlab run kv' "
	"(memcached's own per-request time) or your application's profile. --from takes t and "
	"the cache's cost per hit and per miss from a run of kv (a results.json or its folder) "
	"and adds what that run measured of the slow path: its penalty, the cure and its cost. "
	"Method: model.";

static const struct argp_option options[] = {
	{ "hit-share", 'w', "W", 0, "Share the fast path serves: 0..1 or 0..100%", 0 },
	{ "app-ns", 'a', "NS", 0, "The application's work per request it handles (ns)", 0 },
	{ "cost-ns", 'c', "NS", 0, "The program's cost per request (ns), if already measured", 0 },
	{ "obj", 'o', "FILE", 0, "A BPF object whose program to measure", 0 },
	{ "section", 's', "NAME", 0, "Program name or section in --obj", 0 },
	{ "packet", 'p', "FILE", 0, "A raw frame to run it on (test-run)", 0 },
	{ "from", 'f', "RESULTS", 0,
	  "t and the costs from a kv run (results.json or its folder), with its slow path", 0 },
	{ "json", 'j', NULL, 0, "Print the advice as JSON", 0 },
	{ 0 },
};

static int parse_num(const char *s, double *out)
{
	char *end;

	/* plain decimal numbers only: no inf, nan or hex floats (strtod takes them all) */
	if (!*s || strspn(s, "0123456789.eE+-%") != strlen(s))
		return -1;
	*out = strtod(s, &end);
	return end == s || (*end && strcmp(end, "%")) || !isfinite(*out) ? -1 : 0;
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct args *a = state->input;
	double v;

	switch (key) {
	case 'w':
		if (parse_num(arg, &v) || v < 0 || (strchr(arg, '%') ? v > 100 : v > 1))
			argp_error(state, "--hit-share takes 0..1 or 0..100%%, not '%s'", arg);
		a->w = strchr(arg, '%') ? v / 100 : v;
		a->have_w = true;
		break;
	case 'a':
		if (parse_num(arg, &v) || !(v > 0) || strchr(arg, '%'))
			argp_error(state, "--app-ns takes a time in ns above 0, not '%s'", arg);
		a->app_ns = v;
		a->have_app = true;
		break;
	case 'c':
		if (parse_num(arg, &v) || !(v >= 0) || strchr(arg, '%'))
			argp_error(state, "--cost-ns takes a time in ns, not '%s'", arg);
		a->cost_ns = v;
		break;
	case 'o':
		a->obj = arg;
		break;
	case 's':
		a->sec = arg;
		break;
	case 'p':
		a->packet = arg;
		break;
	case 'j':
		a->json = true;
		break;
	case 'f':
		if (!*arg)
			argp_error(state, "--from takes a results.json or a run folder");
		a->from = arg;
		break;
	case ARGP_KEY_END:
		if (!a->have_w || (!a->have_app && !a->from))
			argp_error(state, "give --hit-share and --app-ns (or --from a kv run)");
		if (a->obj && (!a->sec || !a->packet))
			argp_error(state, "--obj needs --section and --packet");
		if (a->obj && a->from)
			argp_error(state, "--obj and --from both give the cost: choose one");
		if (!a->obj && !a->from && a->cost_ns < 0)
			argp_error(state,
				   "give --cost-ns, or --obj/--section/--packet to measure it");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Per-run cost of a program by test-run on a frame: the median over a few batches. */
static int measure(const char *obj_path, const char *sec, const char *pkt_path, double *ns)
{
	struct bpf_object *obj = bpf_object__open_file(obj_path, NULL);
	struct bpf_program *p, *want = NULL;
	struct trb trb;
	struct trb_run run;
	struct stat st;
	ssize_t got;
	int err, fd;

	if (!obj)
		return log_errno(-errno, "open %s as a BPF object", obj_path);
	bpf_object__for_each_program (p, obj) {
		if (!strcmp(bpf_program__name(p), sec) ||
		    (!want && !strcmp(bpf_program__section_name(p), sec)))
			want = p;
	}
	if (!want) {
		bpf_object__close(obj);
		return log_errno(-ENOENT, "find program or section '%s' in %s", sec, obj_path);
	}
	bpf_object__for_each_program (p, obj) {
		bpf_program__set_autoload(p, p == want);
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return log_errno(err, "load %s", sec);
	}
	trb_init(&trb, false, 0);
	/* a FIFO or a device would block or never end: a regular file only, opened non-blocking */
	fd = open(pkt_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = fd < 0 ? -errno : -EINVAL;
		if (fd >= 0)
			close(fd);
		bpf_object__close(obj);
		if (err == -EINVAL) {
			fprintf(stderr,
				"offloadlab advise: %s is not a regular file: --packet takes "
				"a file holding one Ethernet frame\n",
				pkt_path);
			return err;
		}
		return log_errno(err, "read the packet %s", pkt_path);
	}
	got = read(fd, trb.pkt, sizeof(trb.pkt));
	close(fd);
	trb.len = got > 0 ? (size_t)got : 0;
	if (trb.len < 14) {
		bpf_object__close(obj);
		fprintf(stderr, "offloadlab advise: %s holds %zu bytes, not an Ethernet frame\n",
			pkt_path, trb.len);
		return -EINVAL;
	}
	err = trb_measure(&trb, bpf_program__fd(want), &run);
	bpf_object__close(obj);
	if (err)
		return log_errno(err, "test-run %s on %s", sec, pkt_path);
	*ns = trb_median(&run);
	return 0;
}

/* This machine's cost of entering an empty XDP program (test-run), for context. */
static double empty_xdp_ns(void)
{
	struct xdp_pass_bpf *s = xdp_pass_bpf__open_and_load();
	struct trb trb;
	struct trb_run run;
	double v = -1;

	if (!s)
		return -1;
	trb_init(&trb, true, 0);
	if (!trb_measure(&trb, bpf_program__fd(s->progs.olab_xdp_pass), &run))
		v = trb_median(&run);
	xdp_pass_bpf__destroy(s);
	return v;
}

/* A metric's median when it is a plain finite number (the document is untrusted). */
static double from_num(json_t *doc, const char *id)
{
	json_t *m = load_metric(doc, id);
	double v;

	if (!m || json_string_value(json_object_get(m, "unavailable")))
		return NAN;
	v = load_num(m, "median");
	return isfinite(v) ? v : NAN;
}

static int from_load(const char *path, struct from_run *f)
{
	json_t *doc = load_results(path, f->path, sizeof(f->path));
	double kps;

	if (!doc)
		return -EINVAL;
	kps = from_num(doc, "kv.tput.nocache");
	f->hit_ns = from_num(doc, "kv.cost.hit.live");
	f->miss_ns = from_num(doc, "kv.cost.miss.live");
	f->penalty = from_num(doc, "kv.slowpath_penalty");
	f->cured = from_num(doc, "kv.slowpath_penalty.cured");
	f->cure_cpu = from_num(doc, "kv.cure.cpu");
	f->wake_mc[0] = from_num(doc, "kv.wake.memcached.nocache");
	f->wake_mc[1] = from_num(doc, "kv.wake.memcached.cache");
	f->sleeps[0] = from_num(doc, "kv.switches.nocache");
	f->sleeps[1] = from_num(doc, "kv.switches.cache");
	json_decref(doc);
	if (!(kps > 0) || !(f->hit_ns >= 0) || !(f->miss_ns >= 0)) {
		fprintf(stderr,
			"offloadlab advise: %s has no kv figures to use (memcached's throughput "
			"and the cache's cost per hit and per miss): run 'offloadlab run kv'\n",
			f->path);
		return -ENOENT;
	}
	f->app_ns = 1e6 / kps; /* kreq/s -> ns per request */
	return 0;
}

static void from_print(const struct from_run *f)
{
	printf("from %s: t = %.0f ns (1 / memcached's throughput alone), the cache costs %.0f ns "
	       "per hit and %.0f ns per miss (bpf-stats)\n",
	       f->path, f->app_ns, f->hit_ns, f->miss_ns);
	if (isfinite(f->penalty))
		printf("slow path, measured: the requests the cache cannot serve took %+.1f %% "
		       "median latency with it (paper +51 %%)\n",
		       f->penalty);
	if (isfinite(f->sleeps[0]) && isfinite(f->sleeps[1]))
		printf("  why: memcached slept %.2f times per request it answered without the "
		       "cache "
		       "and %.2f with it",
		       f->sleeps[0], f->sleeps[1]);
	if (isfinite(f->wake_mc[0]) && isfinite(f->wake_mc[1]))
		printf("; its median wake-up took %.1f us, then %.1f us", f->wake_mc[0] / 1e3,
		       f->wake_mc[1] / 1e3);
	if (isfinite(f->sleeps[0]) && isfinite(f->sleeps[1]))
		printf("\n");
	if (isfinite(f->cured))
		printf("cure, measured: an idle-class spinner on the server's CPU (memcached "
		       "unchanged) made it %+.1f %%, for %.0f %% of that CPU's time (time it would "
		       "otherwise idle)\n",
		       f->cured, isfinite(f->cure_cpu) ? f->cure_cpu : NAN);
}

int advise_main(int argc, char **argv)
{
	struct from_run fr = { .penalty = NAN };
	struct argp argp = { options, parse, NULL, doc, NULL, NULL, NULL };
	struct args a = { .cost_ns = -1 };
	struct advice adv;
	double empty = -1;
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (a.obj || geteuid() == 0)
		log_setup_libbpf();
	if (a.obj) {
		if (geteuid() != 0) {
			fprintf(stderr, "offloadlab advise: measuring a program needs root\n");
			return EXIT_FAIL;
		}
		if (measure(a.obj, a.sec, a.packet, &a.cost_ns))
			return EXIT_FAIL;
	}
	if (a.from) {
		if (from_load(a.from, &fr))
			return EXIT_FAIL;
		if (!a.have_app)
			a.app_ns = fr.app_ns;
		/* every request pays its path's cost: the share w hits, the rest misses */
		if (a.cost_ns < 0)
			a.cost_ns = a.w * fr.hit_ns + (1 - a.w) * fr.miss_ns;
	}
	if (geteuid() == 0)
		empty = empty_xdp_ns();
	err = advise_model(a.w, a.app_ns, a.cost_ns, &adv);
	if (err == -EINVAL) {
		fprintf(stderr, "offloadlab advise: inputs outside the model\n");
		return EXIT_USAGE;
	}
	if (a.from) /* a miss pays the miss path, not the mix */
		adv.slow_penalty_pct = fr.miss_ns / a.app_ns * 100;
	if (err || !isfinite(adv.slow_penalty_pct) || !isfinite(a.cost_ns) || !isfinite(a.app_ns)) {
		fprintf(stderr,
			"offloadlab advise: the model has no finite answer for a hit share of %g, "
			"t = %g ns and c = %g ns: %s\n",
			a.w, a.app_ns, a.cost_ns,
			a.cost_ns == 0 && a.w == 1
				? "a program that costs nothing and serves every request gains "
				  "without bound; give a cost above 0 or a hit share below 100 %"
			: a.from ? "a figure overflows: the run's figures are out of any real range"
				 : "a figure overflows: check the inputs");
		return EXIT_FAIL;
	}
	if (a.json) {
		json_t *o =
			json_pack("{s:f, s:f, s:f, s:s, s:f, s:f, s:f, s:f, s:b, s:s}", "hit_share",
				  a.w, "app_ns", a.app_ns, "cost_ns", a.cost_ns, "cost_method",
				  a.obj	   ? "test-run"
				  : a.from ? "bpf-stats"
					   : "given",
				  "gain", adv.gain, "breakeven_w", adv.breakeven_w,
				  "slow_penalty_pct", adv.slow_penalty_pct, "empty_xdp_ns", empty,
				  "pays_off", adv.pays_off, "method", "model");

		if (a.from) {
			json_t *m = json_object();

			/* measured in the run, not modelled; null where it has none */
			json_object_set_new(m, "slowpath_penalty_pct",
					    isfinite(fr.penalty) ? json_real(fr.penalty)
								 : json_null());
			json_object_set_new(m, "cured_penalty_pct",
					    isfinite(fr.cured) ? json_real(fr.cured) : json_null());
			json_object_set_new(m, "cure_cpu_pct",
					    isfinite(fr.cure_cpu) ? json_real(fr.cure_cpu)
								  : json_null());
			json_object_set_new(
				m, "cure",
				json_string("an idle-class spinner on the server's CPU"));
			json_object_set_new(o, "measured", m);
			json_object_set_new(o, "from", json_string(fr.path));
		}

		/* every field or none: an answer is never printed with one missing */
		if (!o || json_dumpf(o, stdout, JSON_INDENT(2)) || putchar('\n') == EOF ||
		    fflush(stdout)) {
			fprintf(stderr, "offloadlab advise: could not %s the JSON answer\n",
				o ? "write" : "build");
			json_decref(o);
			return EXIT_FAIL;
		}
		json_decref(o);
		return EXIT_OK;
	}
	if (a.from)
		from_print(&fr);
	printf("inputs: the fast path serves %.1f %% of requests; the application spends %.0f ns "
	       "on each it handles; the program costs %.1f ns per request (%s)\n",
	       a.w * 100, a.app_ns, a.cost_ns,
	       a.obj	? "measured here by test-run, an upper bound"
	       : a.from ? "the run's cost per hit and per miss, mixed by the hit share"
			: "given");
	if (empty >= 0)
		printf("this machine: entering an empty XDP program costs %.1f ns (test-run)\n",
		       empty);
	printf("model: throughput x%.2f; break-even at a hit share of %.2f %% (r = c/t); "
	       "requests it cannot serve pay +%.1f %% of the application's time in the "
	       "program\n",
	       adv.gain, adv.breakeven_w * 100, adv.slow_penalty_pct);
	printf("verdict: %s\n",
	       adv.pays_off ? "it pays off: the program is cheaper than the work it saves"
			    : "it does not pay off: the program costs more than the work it saves");
	printf("(method: model. Not in the model: wake-ups of an application that the offload "
	       "leaves idle%s)\n",
	       a.from ? ": the slow path's lines above are the run's own measurements"
		      : ", which 'offloadlab run kv' measures; --from shows them");
	return EXIT_OK;
}
