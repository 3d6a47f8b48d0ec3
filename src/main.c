// SPDX-License-Identifier: GPL-2.0
/* offloadlab: will moving part of my networked application into eBPF make it faster? */
#include <argp.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "advise/advise.h"
#include "exp/echo/echo_exp.h"
#include "exp/jit/jit.h"
#include "kvcache/kvc.h"
#include "exp/exp.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/results.h"
#include "loadgen/loadgen_cli.h"
#include "report/compare.h"
#include "report/report.h"
#include "report/table.h"
#include "testbed/testbed.h"

const char *argp_program_version = "offloadlab " OLAB_VERSION " (" OLAB_GIT ")";

struct cmd {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

/* ---- list ---- */

static int cmd_list(int argc, char **argv)
{
	size_t i;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: offloadlab list\nList the experiments, their question and the "
		       "paper item they reproduce.\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "offloadlab list: takes no arguments (got '%s')\n", argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; i < exp_count; i++)
		printf("%-10s %-9s %s\n", exp_table[i].name, exp_table[i].paper,
		       exp_table[i].question);
	return EXIT_OK;
}

/* ---- env ---- */

static int cmd_env(int argc, char **argv)
{
	json_t *env;
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");

	if (argc > 1 && !as_json) {
		if (strcmp(argv[1], "--help") && strcmp(argv[1], "-h")) {
			fprintf(stderr, "offloadlab env: unknown argument '%s'\n", argv[1]);
			return EXIT_USAGE;
		}
		printf("Usage: offloadlab env [--json]\nPrint the environment block recorded "
		       "with every run.\n");
		return EXIT_OK;
	}
	env = env_capture();
	if (as_json)
		json_dumpf(env, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	else
		env_print(env, stdout);
	if (as_json)
		putchar('\n');
	json_decref(env);
	return EXIT_OK;
}

/* ---- run ---- */

struct run_args {
	struct run_opts o;
	const char *json;
	const char *out;
	const char *names[32];
	int nnames;
	bool no_report;
	double budget_s; /* 0: the default for --quick or not */
};

static const char run_doc[] =
	"Run experiments (all of them when none is named) and print one table each: our "
	"figure, its spread and sample count, the method, and the paper's figure with a verdict."
	"\vExamples:\n"
	"  offloadlab run --quick            every experiment, few samples (minutes)\n"
	"  offloadlab run hooks              paper Table 1 with default samples\n"
	"  offloadlab run hooks --json r.json --samples 20000\n"
	"Results go to OUT/<timestamp>/results.json (schema: docs/results-schema.md) and the\n"
	"page to OUT/<timestamp>/report.html (offloadlab report). An experiment that would end\n"
	"past the time budget is not started (it is recorded as failed, with why).\n"
	"Needs root: it creates network namespaces and loads BPF programs.";

static const struct argp_option run_options[] = {
	{ "quick", 'q', NULL, 0, "Few samples: the whole suite in a few minutes", 0 },
	{ "json", 'j', "FILE", 0, "Also write the JSON document to FILE", 0 },
	{ "out", 'o', "DIR", 0, "Run folder parent (default: results)", 0 },
	{ "samples", 'n', "N", 0, "Samples per live metric (100..8000)", 0 },
	{ "budget", 'b', "TIME", 0,
	  "Stop starting experiments past this total (e.g. 90s, 10m; default 3m with --quick, "
	  "20m without)",
	  0 },
	{ "no-report", 'R', NULL, 0, "Do not write report.html into the run folder", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf debug output and the testbed's commands", 0 },
	{ 0 },
};

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct run_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'q':
		a->o.quick = true;
		break;
	case 'j':
		a->json = arg;
		break;
	case 'o':
		a->out = arg;
		break;
	case 'v':
		log_verbose = 1;
		break;
	case 'R':
		a->no_report = true;
		break;
	case 'b':
		if (cli_parse_duration_ns(arg, &v) || v < 1000000000ULL ||
		    v > 86400ULL * 1000000000ULL)
			argp_error(state,
				   "--budget takes a time from 1s to 24h (e.g. 90s, 10m), not '%s'",
				   arg);
		a->budget_s = (double)v / 1e9;
		break;
	case 'n':
		if (cli_parse_u64(arg, 100, 8000, &v))
			argp_error(state,
				   "--samples takes a whole number from 100 to 8000, not '%s'",
				   arg);
		a->o.samples = (unsigned int)v;
		break;
	case ARGP_KEY_ARG:
		if (!exp_find(arg))
			argp_error(state, "no experiment named '%s' (offloadlab list shows them)",
				   arg);
		if (a->nnames >= (int)(sizeof(a->names) / sizeof(a->names[0])))
			argp_error(state, "too many experiment names");
		a->names[a->nnames++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int mkdir_p(const char *path)
{
	char tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct argp argp = { run_options, run_parse, "[EXPERIMENT...]", run_doc, NULL, NULL, NULL };
	struct run_args a = { .out = "results" };
	const struct experiment *sel[64];
	json_t *doc, *exps, *env;
	char dir[4096], path[4200], stamp[32];
	int i, n = 0, failed = 0, err, stale;
	uint64_t t_start = bpfu_now_ns();
	time_t now = time(NULL);
	cpu_set_t cpus;

	/* argp exits on --help (0) and on usage errors (argp_err_exit_status, 64) */
	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (geteuid() != 0) {
		fprintf(stderr, "offloadlab run: needs root: it creates network namespaces and "
				"loads BPF programs (try: sudo offloadlab run ...)\n");
		return EXIT_FAIL;
	}
	if (a.nnames == 0)
		for (i = 0; i < (int)exp_count; i++)
			sel[n++] = &exp_table[i];
	else
		for (i = 0; i < a.nnames; i++)
			sel[n++] = exp_find(a.names[i]);

	log_setup_libbpf();
	stale = tb_cleanup_stale();
	if (stale > 0)
		log_info("removed %d namespace(s) left by an earlier run", stale);

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	snprintf(dir, sizeof(dir), "%s/%s", a.out, stamp);
	err = mkdir_p(dir);
	if (err) {
		log_errno(err, "create the run folder %s", dir);
		return EXIT_FAIL;
	}

	env = env_capture();
	doc = json_object();
	exps = json_array();
	json_object_set_new(doc, "schema", json_string("offloadlab-results"));
	json_object_set_new(doc, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
	json_object_set_new(doc, "started", json_string(stamp));
	json_object_set_new(doc, "quick", json_boolean(a.o.quick));
	json_object_set_new(doc, "environment", env);

	if (a.budget_s <= 0)
		a.budget_s = a.o.quick ? 180 : 1200;
	/* experiments pin the calling thread; each starts from the process's own CPU set */
	if (pthread_getaffinity_np(pthread_self(), sizeof(cpus), &cpus))
		CPU_ZERO(&cpus);
	for (i = 0; i < n; i++) {
		struct result r;
		uint64_t t0 = bpfu_now_ns();
		double elapsed = (double)(t0 - t_start) / 1e9, est_done = 0, est_left = 0, pace;
		int k;

		/* pace: how this machine compares with the estimates so far (clamped) */
		for (k = 0; k < n; k++)
			*(k < i ? &est_done : &est_left) +=
				a.o.quick ? sel[k]->est_quick_s : sel[k]->est_full_s;
		pace = est_done > 0 ? elapsed / est_done : 1;
		pace = pace < 0.5 ? 0.5 : pace > 3 ? 3 : pace;
		fprintf(stderr, "offloadlab: [%d/%d] %s (paper %s), %.0f s elapsed, ~%.0f s left\n",
			i + 1, n, sel[i]->name, sel[i]->paper, elapsed, est_left * pace);
		result_init(&r, sel[i]->name);
		if (elapsed + pace * (a.o.quick ? sel[i]->est_quick_s : sel[i]->est_full_s) >
		    a.budget_s) {
			snprintf(r.error, sizeof(r.error),
				 "not started: it would end past the time budget of %.0f s (%.0f s "
				 "elapsed; --budget raises it)",
				 a.budget_s, elapsed);
			err = -ETIME;
		} else {
			err = sel[i]->run(&a.o, &r);
		}
		r.duration_s = (double)(bpfu_now_ns() - t0) / 1e9;
		if (CPU_COUNT(&cpus))
			pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
		if (err) {
			failed++;
			if (!r.error[0])
				snprintf(r.error, sizeof(r.error), "%s", strerror(-err));
		}
		table_print(stdout, &r, sel[i]->question, sel[i]->paper);
		fflush(stdout);
		json_array_append_new(exps, result_to_json(&r, sel[i]->question, sel[i]->paper));
		result_free(&r);
	}
	json_object_set_new(doc, "experiments", exps);
	json_object_set_new(doc, "duration_s", json_real((double)(bpfu_now_ns() - t_start) / 1e9));

	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = results_write_json(path, doc);
	if (err)
		log_errno(err, "write %s", path);
	else
		fprintf(stderr, "offloadlab: results in %s\n", path);
	if (!err && !a.no_report) {
		snprintf(path, sizeof(path), "%s/report.html", dir);
		err = report_write(doc, dir, path);
		if (err)
			log_errno(err, "write %s", path);
		else
			fprintf(stderr, "offloadlab: report in %s\n", path);
	}
	if (a.json) {
		int e2 = results_write_json(a.json, doc);

		if (e2) {
			log_errno(e2, "write %s", a.json);
			err = e2;
		}
	}
	json_decref(doc);
	fprintf(stderr, "offloadlab: %d experiment(s), %d failed, %.1f s\n", n, failed,
		(double)(bpfu_now_ns() - t_start) / 1e9);
	return failed || err ? EXIT_FAIL : EXIT_OK;
}

/* ---- echo ---- */

static int cmd_echo(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return echo_serve_main(argc - 1, argv + 1);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: offloadlab echo serve [OPTION...]\n"
		       "Run one echo offload on its own; 'offloadlab echo serve --help' for "
		       "options.\n");
		return EXIT_OK;
	}
	fprintf(stderr, "Usage: offloadlab echo serve [OPTION...] (see --help)\n");
	return EXIT_USAGE;
}

/* ---- the command table ---- */

static const struct cmd cmds[] = {
	{ "list", "list the experiments and what each one answers", cmd_list },
	{ "run", "run experiments and print their tables (needs root)", cmd_run },
	{ "env", "print the environment block recorded with every run", cmd_env },
	{ "loadgen", "load an echo server (UDP/TCP, open or closed loop)", loadgen_main },
	{ "echo", "echo serve: answer echo requests at XDP, TC, SK_SKB or a socket", cmd_echo },
	{ "jit", "jit dump OBJ SECTION: the x86-64 code the JIT made of a program", jit_main },
	{ "kvcache", "attach|detach|stats: the XDP cache for an unmodified memcached",
	  kvcache_main },
	{ "advise", "will an offload pay off here? the break-even model, measured inputs",
	  advise_main },
	{ "report", "write the HTML report of a run (plots, takeaways, tables)", report_main },
	{ "compare", "compare two runs metric by metric, with the noise of each", compare_main },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: offloadlab [-v] COMMAND [ARGS...]\n\n"
		   "Will moving part of my networked application into eBPF make it faster?\n"
		   "offloadlab reproduces the experiments of \"Demystifying Performance of eBPF\n"
		   "Network Applications\" (CoNEXT 2025) on this kernel and machine.\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nExamples:\n"
		   "  offloadlab list\n"
		   "  sudo offloadlab run --quick\n"
		   "  sudo offloadlab run hooks --json hooks.json\n"
		   "  offloadlab report results/20261124-101500\n"
		   "  offloadlab compare results/A results/B --fail-on-regression 10\n"
		   "  offloadlab env\n\n"
		   "'offloadlab COMMAND --help' tells more. Exit status: 0 ok, 1 failure, 64 "
		   "usage error.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	argp_err_exit_status = EXIT_USAGE;
	while (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		log_verbose = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("%s\n", argp_program_version);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "offloadlab: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
