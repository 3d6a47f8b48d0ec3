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
#include "try/try.h"
#include "agent/agent.h"
#include "exp/echo/echo_exp.h"
#include "exp/jit/jit_exp.h"
#include "afxdp_kv/afxdp_kv_serve.h"
#include "kvcache/kvc.h"
#include "exp/exp.h"
#include "lib/bpfutil.h"
#include "lib/busy.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/results.h"
#include "lib/verinfo.h"
#include "loadgen/loadgen_cli.h"
#include "report/compare.h"
#include "report/report.h"
#include "run/run.h"
#include "testbed/testbed.h"
#include "version.h"
#include "lib/util.h"

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
		printf("%-10s %-9s %s\n", exp_table[i]->name, exp_table[i]->paper,
		       exp_table[i]->question);
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
		       "with every run, and what the machine is doing now (steal time, other "
		       "processes' CPU use, frequency, over one second).\n");
		return EXIT_OK;
	}
	env = env_capture();
	{
		struct busy_snap *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
		struct busy_report br;

		if (a && b) {
			busy_snap(a);
			sleep(1);
			busy_snap(b);
			busy_between(a, b, &br);
			json_object_set_new(env, "machine_now", busy_json(&br));
		}
		free(a);
		free(b);
	}
	if (as_json)
		json_dumpf(env, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	else
		env_print(env, stdout);
	if (as_json)
		putchar('\n');
	json_decref(env);
	return EXIT_OK;
}

/* ---- echo ---- */

static int cmd_echo(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "serve")) {
		argv[1] = "offloadlab echo serve"; /* argp names the command by it */
		return echo_serve_main(argc - 1, argv + 1);
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: offloadlab echo serve [OPTION...]\n"
		       "Run one echo offload on its own; 'offloadlab echo serve --help' for "
		       "options.\n");
		return EXIT_OK;
	}
	fprintf(stderr, "Usage: offloadlab echo serve [OPTION...] (see --help)\n");
	return EXIT_USAGE;
}

/* ---- agent ---- */

/* The agent serves the registry's sides and the commands' own (try --remote). */
static int cmd_agent(int argc, char **argv)
{
	agent_side_add(&try_side);
	return agent_main(argc, argv);
}

/* ---- the command table ---- */

static const struct cmd cmds[] = {
	{ "list", "list the experiments and what each one answers", cmd_list },
	{ "run", "run experiments and print their tables (needs root)", run_main },
	{ "env", "print the environment block recorded with every run", cmd_env },
	{ "loadgen", "load an echo server (UDP/TCP, open or closed loop)", loadgen_main },
	{ "echo", "echo serve: answer echo requests at XDP, TC, SK_SKB or a socket", cmd_echo },
	{ "jit", "jit dump OBJ SECTION: the x86-64 code the JIT made of a program", jit_main },
	{ "kvcache", "attach|detach|stats: the XDP cache for an unmodified memcached",
	  kvcache_main },
	{ "afxdp-kv", "serve|stats|cleanup: a memcached-protocol key-value server on AF_XDP",
	  afxdp_kv_main },
	{ "advise", "will an offload pay off here? the break-even model, measured inputs",
	  advise_main },
	{ "try", "will YOUR offload pay off here? your server and program, measured (needs root)",
	  try_main },
	{ "report", "write the HTML report of a run (plots, takeaways, tables)", report_main },
	{ "compare", "compare two runs metric by metric, with the noise of each", compare_main },
	{ "agent", "agent --stdio: the server's side of run --remote and try --remote, over ssh",
	  cmd_agent },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: offloadlab [-v] COMMAND [ARGS...]\n\n"
		   "Will moving part of my networked application into eBPF make it faster?\n"
		   "offloadlab reproduces the experiments of \"Demystifying Performance of eBPF\n"
		   "Network Applications\" (CoNEXT 2025) on this kernel and machine.\n\n"
		   "Commands:\n");
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
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
		version_print(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		char name[32];

		if (strcmp(argv[1], cmds[i].name))
			continue;
		/* argp names the command by its argv[0]: "Usage: offloadlab run ..." */
		snprintf(name, sizeof(name), "offloadlab %s", cmds[i].name);
		argv[1] = name;
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "offloadlab: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
