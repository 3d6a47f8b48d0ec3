// SPDX-License-Identifier: GPL-2.0
/* offloadlab run: the experiments, one after another, with what the machine was doing. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "remote/remote.h"
#include "remote/remote_cli.h"
#include "exp/exp.h"
#include "lib/atomicfile.h"
#include "lib/bpfutil.h"
#include "lib/busy.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/results.h"
#include "report/report.h"
#include "report/table.h"
#include "run/run.h"
#include "testbed/testbed.h"
#include "lib/util.h"

/* One run measures at a time on a machine: OLAB_RUN_LOCK names another file (tests). */
#define RUN_LOCK_DEFAULT "/run/offloadlab-run.lock"

struct run_args {
	struct run_opts o;
	const char *json;
	const char *out;
	const char *names[32];
	int nnames;
	bool no_report;
	double budget_s;	   /* 0: the default for --quick or not */
	struct remote_opts remote; /* remote.host or remote.cmd set: two hosts */
	bool two_hosts;
};

static const char run_doc[] =
	"Run experiments (all of them when none is named) and print one table each: our "
	"figure, its spread and sample count, the method, and the paper's figure with a verdict."
	"\vExamples:\n"
	"  offloadlab run --quick            every experiment, few samples (minutes)\n"
	"  offloadlab run hooks              paper Table 1 with default samples\n"
	"  offloadlab run hooks --json r.json --samples 20000\n"
	"  offloadlab run echo --remote srv1 --dev ens1f0 --remote-dev ens1f0 "
	"--remote-addr 10.0.0.2\n"
	"                                    two hosts: the server's side by 'offloadlab agent'\n"
	"                                    on srv1 over ssh (README 'Two machines')\n"
	"Results go to OUT/<timestamp>/results.json (schema: docs/results-schema.md) and the\n"
	"page to OUT/<timestamp>/report.html (offloadlab report). An experiment that would end\n"
	"past the time budget is not started (it is recorded as failed, with why).\n"
	"Needs root: it creates network namespaces and loads BPF programs.";

static const struct argp_option run_options[] = {
	{ "quick", 'q', NULL, 0, "Few samples: the whole suite in a few minutes", 0 },
	{ "json", 'j', "FILE", 0,
	  "Also write the JSON document to FILE (a file, or a stream such as /dev/stdout; a "
	  "link to a file is refused)",
	  0 },
	{ "out", 'o', "DIR", 0,
	  "Run folder parent (default: results); through a symbolic link only if it is yours or "
	  "root's, and then the real folder is said",
	  0 },
	{ "samples", 'n', "N", 0, "Samples per live metric (100..8000)", 0 },
	{ "budget", 'b', "TIME", 0,
	  "Stop starting experiments past this total (e.g. 90s, 10m; default 3m with --quick, "
	  "20m without)",
	  0 },
	{ "no-report", 'R', NULL, 0, "Do not write report.html into the run folder", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf debug output and the testbed's commands", 0 },
	{ 0 },
};

/* Whether it runs with two hosts: a networked one the agent serves, or a runtime one. */
static bool exp_two_hosts(const struct experiment *e)
{
	return e->remote || !e->testbed;
}

/* The experiments that run with two hosts, for messages: "echo, bandwidth, maps ...". */
static const char *remote_capable(void)
{
	static char buf[256];
	size_t i, l = 0;

	buf[0] = '\0';
	for (i = 0; i < exp_count; i++)
		if (exp_two_hosts(exp_table[i]) && l < sizeof(buf))
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "%s%s", l ? ", " : "",
					      exp_table[i]->name);
	return buf;
}

/* Two hosts (remote_argp checked their options): only experiments that run that way. */
static void run_check_remote(struct argp_state *state, struct run_args *a)
{
	int i;

	a->two_hosts = remote_two_hosts(&a->remote);
	for (i = 0; a->two_hosts && i < a->nnames; i++)
		if (!exp_two_hosts(exp_find(a->names[i])))
			argp_error(
				state,
				"'%s' does not run with two hosts yet (with --remote: %s); run it "
				"here on the veth testbed without --remote",
				a->names[i], remote_capable());
}

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
		if (!arg[0])
			argp_error(state, "--out takes a folder, not an empty name");
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
		a->o.samples = (unsigned int)cli_arg_u64(state, "--samples", arg, 100, 8000);
		break;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->remote;
		break;
	case ARGP_KEY_END:
		run_check_remote(state, a);
		break;
	case ARGP_KEY_ARG:
		if (!exp_find(arg))
			argp_error(state, "no experiment named '%s' (offloadlab list shows them)",
				   arg);
		if (a->nnames >= (int)ARRAY_SIZE(a->names))
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
	int n = snprintf(tmp, sizeof(tmp), "%s", path);

	if (n <= 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
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

int run_folder_create(const char *parent, const char *stamp, char *dir, size_t len)
{
	int err = mkdir_p(parent), k, n;

	if (err)
		return err;
	for (k = 1; k < 100; k++) {
		n = k == 1 ? snprintf(dir, len, "%s/%s", parent, stamp)
			   : snprintf(dir, len, "%s/%s-%d", parent, stamp, k);
		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		/* mkdir is exclusive: whoever makes it owns it */
		if (!mkdir(dir, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int run_lock(const char *path, int *holder)
{
	char buf[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644), n, tries, err;

	*holder = 0;
	if (fd < 0)
		return -errno;
	/*
	 * A POSIX record lock, not flock: F_GETLK names the process that holds it, from the lock
	 * itself. The pid written in the file below is for people; a contender may find it empty
	 * or still a finished run's, since it is written after the lock is taken.
	 */
	for (tries = 0;; tries++) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		if (!fcntl(fd, F_SETLK, &fl))
			break;
		err = errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
		if (err == -EBUSY) {
			fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
			if (fcntl(fd, F_GETLK, &fl))
				err = -errno;
			else if (fl.l_type == F_UNLCK && tries < 3)
				continue; /* released in between: try again */
			else if (fl.l_type != F_UNLCK)
				*holder =
					fl.l_pid > 0 ? (int)fl.l_pid : 0; /* 0: in another pid ns */
		}
		close(fd);
		return err;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n) {
		err = -errno;
		close(fd);
		return err;
	}
	return 0; /* fd stays open (and locked) until the process ends */
}

/* The document as measured so far: a run cut short keeps what it measured. */
static int save(json_t *doc, const char *path, uint64_t t_start, bool complete)
{
	json_object_set_new(doc, "duration_s", json_real((double)(bpfu_now_ns() - t_start) / 1e9));
	json_object_set_new(doc, "complete", json_boolean(complete));
	return results_write_json(path, doc);
}

static void busy_note(struct result *r, const struct busy_report *br, const char *name)
{
	if (!br->busy)
		return;
	result_note(r, "the machine was busy while this ran (%s): its figures may be spoiled",
		    br->why);
	fprintf(stderr, "offloadlab: warning: the machine was busy during %s: %s\n", name, br->why);
}

/* One `offloadlab run`: what it selected, where it writes, what it has measured so far. */
struct run_state {
	struct run_args a;
	const struct experiment *sel[64];
	int n, failed, busy_exps;
	json_t *doc, *exps;
	struct remote *rm;
	json_t *env_remote; /* until the document exists */
	char dir[4096], path[4200], stamp[32];
	uint64_t t_start;
	struct busy_snap *snap0, *snap1, *snap2;
};

/* Root, and the run lock: EXIT_OK, or the message said and EXIT_FAIL. */
static int run_acquire(void)
{
	const char *lock = getenv("OLAB_RUN_LOCK");
	int err, holder;

	if (geteuid() != 0) {
		fprintf(stderr, "offloadlab run: needs root: it creates network namespaces and "
				"loads BPF programs (try: sudo offloadlab run ...)\n");
		return EXIT_FAIL;
	}
	err = run_lock(lock && *lock ? lock : RUN_LOCK_DEFAULT, &holder);
	if (err == -EBUSY) {
		char who[32] = "pid unknown";

		if (holder > 0)
			snprintf(who, sizeof(who), "pid %d", holder);
		fprintf(stderr,
			"offloadlab run: another run (%s) is measuring on this machine; two "
			"runs at once spoil each other's figures: wait for it to end\n",
			who);
		return EXIT_FAIL;
	}
	if (err) {
		log_errno(err, "take the run lock %s", lock && *lock ? lock : RUN_LOCK_DEFAULT);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * Where the run writes, checked before anything is measured: --json is a file or a stream
 * (atomicfile.h), and -o may go through the user's own symbolic links (said), not others'.
 */
static int run_check_outputs(const struct run_args *a)
{
	char why[512];
	int k;

	if (a->json && out_check(a->json, why, sizeof(why)) < 0) {
		fprintf(stderr, "offloadlab run: --json: %s\n", why);
		return EXIT_FAIL;
	}
	k = out_dir_check(a->out, why, sizeof(why));
	if (k < 0) {
		fprintf(stderr, "offloadlab run: --out: %s\n", why);
		return EXIT_FAIL;
	}
	if (k > 0)
		log_info("%s", why);
	return EXIT_OK;
}

/* The agent on the other host, and its environment. */
static int run_remote_open(struct run_state *st)
{
	const struct remote_opts *r = &st->a.remote;
	char why[300] = "";
	json_t *env = NULL;
	int err = remote_open(r, &st->rm, &env, why, sizeof(why));

	if (err) {
		fprintf(stderr, "offloadlab run: the agent on %s: %s\n", r->host, why);
		return err;
	}
	st->env_remote = env ? env : json_object();
	fprintf(stderr,
		"offloadlab: two hosts: the generator here on %s, the server on %s (%s, %s)\n",
		r->dev, r->host, r->remote_dev, r->remote_addr);
	return 0;
}

/* The selection, the run folder and the document as it starts. 0 or -errno. */
static int run_prepare(struct run_state *st)
{
	time_t now = time(NULL);
	int i, err, stale;

	for (i = 0; st->a.nnames == 0 && i < (int)exp_count; i++)
		if (!st->a.two_hosts || exp_two_hosts(exp_table[i]))
			st->sel[st->n++] = exp_table[i];
	for (i = 0; i < st->a.nnames; i++)
		st->sel[st->n++] = exp_find(st->a.names[i]);
	log_setup_libbpf();
	stale = tb_cleanup_stale();
	if (stale > 0)
		log_info("removed %d namespace(s) left by an earlier run", stale);
	strftime(st->stamp, sizeof(st->stamp), "%Y%m%d-%H%M%S", localtime(&now));
	err = run_folder_create(st->a.out, st->stamp, st->dir, sizeof(st->dir));
	if (err)
		return log_errno(err, "create a run folder under %s", st->a.out);
	/* through a link: every path said from here on is where the files really are */
	if (out_dir_check(st->dir, st->path, sizeof(st->path)) > 0) {
		char *real = realpath(st->dir, NULL);

		if (real && strlen(real) < sizeof(st->dir))
			memcpy(st->dir, real, strlen(real) + 1);
		free(real);
		log_info("run folder: %s", st->dir);
	}
	snprintf(st->path, sizeof(st->path), "%s/results.json", st->dir);
	st->snap0 = malloc(sizeof(*st->snap0));
	st->snap1 = malloc(sizeof(*st->snap1));
	st->snap2 = malloc(sizeof(*st->snap2));
	if (!st->snap0 || !st->snap1 || !st->snap2)
		return -ENOMEM;
	busy_snap(st->snap0);
	st->doc = json_object();
	st->exps = json_array();
	json_object_set_new(st->doc, "schema", json_string("offloadlab-results"));
	json_object_set_new(st->doc, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
	json_object_set_new(st->doc, "started", json_string(st->stamp));
	json_object_set_new(st->doc, "quick", json_boolean(st->a.o.quick));
	json_object_set_new(st->doc, "environment", env_capture());
	if (st->rm) {
		const struct remote_opts *r = &st->a.remote;

		json_object_set_new(st->doc, "environment_remote", st->env_remote);
		st->env_remote = NULL;
		json_object_set_new(st->doc, "topology",
				    json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "two-hosts",
					      "host", r->host, "dev", r->dev, "remote_dev",
					      r->remote_dev, "remote_addr", r->remote_addr));
	}
	json_object_set_new(st->doc, "experiments", json_incref(st->exps));
	err = save(st->doc, st->path, st->t_start, false);
	if (err)
		log_errno(err, "write %s", st->path);
	if (st->a.budget_s <= 0)
		st->a.budget_s = st->a.o.quick ? 180 : 1200;
	return err;
}

/* Experiment i: progress, the time budget, the run, its table, its JSON saved. */
static int run_one(struct run_state *st, int i)
{
	const struct experiment *e = st->sel[i];
	const struct run_args *a = &st->a;
	struct result r;
	struct busy_report br;
	uint64_t t0 = bpfu_now_ns();
	double elapsed = (double)(t0 - st->t_start) / 1e9, est_done = 0, est_left = 0, pace;
	json_t *ej;
	int k, rerr, err;

	/* pace: how this machine compares with the estimates so far (clamped) */
	for (k = 0; k < st->n; k++)
		*(k < i ? &est_done : &est_left) +=
			a->o.quick ? st->sel[k]->est_quick_s : st->sel[k]->est_full_s;
	pace = est_done > 0 ? elapsed / est_done : 1;
	pace = pace < 0.5 ? 0.5 : pace > 3 ? 3 : pace;
	fprintf(stderr, "offloadlab: [%d/%d] %s (paper %s), %.0f s elapsed, ~%.0f s left\n", i + 1,
		st->n, e->name, e->paper, elapsed, est_left * pace);
	result_init(&r, e->name);
	busy_snap(st->snap1);
	if (elapsed + pace * (a->o.quick ? e->est_quick_s : e->est_full_s) > a->budget_s) {
		snprintf(r.error, sizeof(r.error),
			 "not started: it would end past the time budget of %.0f s (%.0f s "
			 "elapsed; --budget raises it)",
			 a->budget_s, elapsed);
		rerr = -ETIME;
	} else {
		rerr = st->rm ? exp_run_remote(e, &a->o, st->rm, &r) : exp_run(e, &a->o, &r);
	}
	busy_snap(st->snap2);
	busy_between(st->snap1, st->snap2, &br);
	busy_note(&r, &br, e->name);
	st->busy_exps += br.busy;
	r.duration_s = (double)(bpfu_now_ns() - t0) / 1e9;
	if (rerr) {
		st->failed++;
		if (!r.error[0])
			snprintf(r.error, sizeof(r.error), "%s", strerror(-rerr));
	}
	table_print(stdout, &r, e->question, e->paper);
	fflush(stdout);
	ej = result_to_json(&r, e->question, e->paper);
	json_object_set_new(ej, "machine", busy_json(&br));
	json_array_append_new(st->exps, ej);
	result_free(&r);
	err = save(st->doc, st->path, st->t_start, false);
	if (err)
		log_errno(err, "write %s", st->path);
	return err;
}

/* The machine over the whole run, the document complete, the report, --json. */
static int run_finish(struct run_state *st, int err)
{
	struct busy_report br;

	busy_snap(st->snap2);
	busy_between(st->snap0, st->snap2, &br);
	json_object_set_new(st->doc, "machine", busy_json(&br));
	if (!err) {
		err = save(st->doc, st->path, st->t_start, true);
		if (err)
			log_errno(err, "write %s", st->path);
		else
			fprintf(stderr, "offloadlab: results in %s\n", st->path);
	}
	if (st->busy_exps)
		fprintf(stderr,
			"offloadlab: warning: the machine was busy during %d of %d experiment(s) "
			"(steal time or other processes): compare their figures with care, or run "
			"again on a quiet machine\n",
			st->busy_exps, st->n);
	if (!err && !st->a.no_report) {
		snprintf(st->path, sizeof(st->path), "%s/report.html", st->dir);
		err = report_write(st->doc, st->dir, st->path);
		if (err)
			log_errno(err, "write %s", st->path);
		else
			fprintf(stderr, "offloadlab: report in %s\n", st->path);
	}
	if (st->a.json) {
		int e2 = results_write_json(st->a.json, st->doc);

		if (e2) {
			log_errno(e2, "write %s", st->a.json);
			err = e2;
		}
	}
	return err;
}

int run_main(int argc, char **argv)
{
	static const struct argp_child children[] = { { &remote_argp, 0, NULL, 1 }, { 0 } };
	struct argp argp = { run_options, run_parse, "[EXPERIMENT...]", run_doc, children,
			     NULL,	  NULL };
	struct run_state *st = calloc(1, sizeof(*st));
	int i, err, rc;

	if (!st)
		return EXIT_FAIL;
	st->a.out = "results";
	st->t_start = bpfu_now_ns();
	/* argp exits on --help (0) and on usage errors (argp_err_exit_status, 64) */
	if (argp_parse(&argp, argc, argv, 0, NULL, &st->a)) {
		free(st);
		return EXIT_USAGE;
	}
	rc = run_check_outputs(&st->a);
	if (rc == EXIT_OK)
		rc = run_acquire();
	if (rc != EXIT_OK) {
		free(st);
		return rc;
	}
	err = st->a.two_hosts ? run_remote_open(st) : 0;
	if (!err)
		err = run_prepare(st);
	for (i = 0; !err && i < st->n; i++)
		err = run_one(st, i);
	if (st->doc) {
		err = run_finish(st, err);
		fprintf(stderr, "offloadlab: %d experiment(s), %d failed, %.1f s\n", st->n,
			st->failed, (double)(bpfu_now_ns() - st->t_start) / 1e9);
	}
	rc = st->failed || err ? EXIT_FAIL : EXIT_OK;
	json_decref(st->exps);
	json_decref(st->doc);
	remote_close(st->rm);
	json_decref(st->env_remote);
	free(st->snap0);
	free(st->snap1);
	free(st->snap2);
	free(st);
	return rc;
}
