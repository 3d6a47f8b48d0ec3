// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab try: kv's method (src/exp/kv) for the user's own server and offload. The
 * options and the workload are checked before anything starts; the measurement runs as an
 * experiment of its own (the runner's testbed, the server side through side_call(), the
 * teardown whatever happens), and the run folder holds results.json with a "try" section and
 * report.html, as offloadlab run writes them.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exp/exp.h"
#include "lib/atomicfile.h"
#include "lib/bpfutil.h"
#include "lib/busy.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/results.h"
#include "remote/remote_cli.h"
#include "report/report.h"
#include "report/table.h"
#include "run/run.h"
#include "testbed/testbed.h"
#include "try/try.h"
#include "try/try_cli.h"
#include "try/try_int.h"

#define RUN_LOCK_DEFAULT "/run/offloadlab-run.lock"

/*
 * The run's options and workloads for try_exp's run(): the runner hands an experiment only
 * its run_opts, and try is the one experiment whose every run differs. Set for one exp_run().
 */
struct try_ctx *try_current;

static const char *const try_metrics[] = { "try.*", NULL };

const struct experiment try_exp = {
	.name = "try",
	.question = "Does this offload make this server faster here?",
	.paper = "method of Fig. 4",
	.est_quick_s = 30,
	.est_full_s = 120,
	.metrics = try_metrics,
	.testbed = true,
	.side = &try_side,
	.run = try_measure,
};

/* The workload (and the preload) read; 0, or EXIT_FAIL with the message said. */
static int read_workloads(const struct try_opts *o, struct workload *wl, struct workload *pre)
{
	const char *path = o->requests ? o->requests : o->pcap;
	unsigned char *buf = NULL;
	char why[600];
	size_t len;
	int err;

	err = wl_read_file(path, o->requests ? WL_REQFILE_MAX : WL_PCAP_MAX, &buf, &len, why,
			   sizeof(why));
	if (!err)
		err = o->requests ? wl_parse_requests(wl, path, buf, len, why, sizeof(why))
				  : wl_parse_pcap(wl, path, buf, len, o->port, o->tcp, &o->class_by,
						  why, sizeof(why));
	free(buf);
	buf = NULL;
	if (!err && o->preload) {
		err = wl_read_file(o->preload, WL_REQFILE_MAX, &buf, &len, why, sizeof(why));
		if (!err)
			err = wl_parse_requests(pre, o->preload, buf, len, why, sizeof(why));
		free(buf);
	}
	if (err) {
		fprintf(stderr, "offloadlab try: the workload: %s\n", why);
		return EXIT_FAIL;
	}
	if (wl->n >= WL_REQS_MAX && o->pcap)
		fprintf(stderr, "offloadlab try: %s: the first %d payloads are the workload\n",
			path, WL_REQS_MAX);
	return EXIT_OK;
}

/* The estimate of the run's length against the budget. */
static int check_budget(const struct try_opts *o, const struct workload *wl)
{
	double dur = o->duration_ns ? (double)o->duration_ns / 1e9 : o->ro.quick ? 1 : 2;
	/* a latency run a phase: the mix (XDP engine, TCP), or each class alone */
	double runs = o->tcp || o->engine != TE_SOCKET ? 1 : (double)wl->ncls;
	double lat = dur, reps = o->ro.quick ? 3 : o->samples ? o->samples : 7;
	/* the first load's latency in repetitions; UDP: the ceiling, and the socket engine's
	 * cross-check beside the XDP engine */
	double est =
		5 + 2 * reps * (dur + 1) + (o->tcp ? 0 : 2 * (dur + 1)) +
		2.0 * (o->nloads + reps - 1) * (runs * lat + 1) +
		(o->tcp || o->engine == TE_SOCKET ? 0
						  : reps * (dur + 1) + 2.0 * wl->ncls * lat + 2);
	double budget = o->budget_s > 0 ? o->budget_s : o->ro.quick ? 180 : 1200;

	if (est > budget) {
		fprintf(stderr,
			"offloadlab try: the measurement would take about %.0f s, past the budget "
			"of %.0f s: raise --budget, or use --quick, fewer --samples or --loads\n",
			est, budget);
		return EXIT_FAIL;
	}
	fprintf(stderr, "offloadlab try: about %.0f s to measure\n", est);
	return EXIT_OK;
}

static int acquire(const struct try_opts *o)
{
	const char *lock = getenv("OLAB_RUN_LOCK");
	char why[512];
	int err, holder, k;

	if (o->json && out_check(o->json, why, sizeof(why)) < 0) {
		fprintf(stderr, "offloadlab try: --json: %s\n", why);
		return EXIT_FAIL;
	}
	k = out_dir_check(o->out, why, sizeof(why));
	if (k < 0) {
		fprintf(stderr, "offloadlab try: --out: %s\n", why);
		return EXIT_FAIL;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "offloadlab try: needs root: it creates network namespaces and "
				"loads BPF programs (try: sudo offloadlab try ...)\n");
		return EXIT_FAIL;
	}
	err = run_lock(lock && *lock ? lock : RUN_LOCK_DEFAULT, &holder);
	if (err == -EBUSY) {
		fprintf(stderr,
			"offloadlab try: another run (pid %d) is measuring on this machine; two "
			"runs at once spoil each other's figures: wait for it to end\n",
			holder);
		return EXIT_FAIL;
	}
	if (err) {
		log_errno(err, "take the run lock");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The document: environment, the "try" section, the experiment; written, reported. */
static int write_out(const struct try_opts *o, json_t *doc, const char *stamp)
{
	char dir[4096], path[4200];
	int err = run_folder_create(o->out, stamp, dir, sizeof(dir));

	if (err)
		return log_errno(err, "create a run folder under %s", o->out);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	err = results_write_json(path, doc);
	if (err)
		return log_errno(err, "write %s", path);
	fprintf(stderr, "offloadlab try: results in %s\n", path);
	if (!o->no_report) {
		snprintf(path, sizeof(path), "%s/report.html", dir);
		err = report_write(doc, dir, path);
		if (err)
			return log_errno(err, "write %s", path);
		fprintf(stderr, "offloadlab try: report in %s\n", path);
	}
	if (o->json) {
		err = results_write_json(o->json, doc);
		if (err)
			return log_errno(err, "write %s", o->json);
	}
	return 0;
}

static json_t *workload_json(const struct try_opts *o, const struct try_ctx *t)
{
	json_t *cls = json_array(), *j;
	unsigned int i;

	for (i = 0; i < t->wl->ncls; i++)
		json_array_append_new(cls, json_string(t->wl->cls[i]));
	j = json_pack("{s:s, s:s, s:s, s:I, s:o}", "source", o->requests ? "requests" : "pcap",
		      "file", o->requests ? o->requests : o->pcap, "digest", t->wl_digest,
		      "requests", (json_int_t)t->wl->n, "classes", cls);
	if (o->preload)
		json_object_set_new(j, "preload",
				    json_pack("{s:s, s:I}", "file", o->preload, "requests",
					      (json_int_t)t->pre->n));
	return j;
}

/*
 * Two hosts: the agent on the server's host (its environment block into *env), said as run
 * says it. 0, or EXIT_FAIL with the message said.
 */
static int remote_up(const struct try_opts *o, struct remote **rm, json_t **env)
{
	const struct remote_opts *r = &o->remote;
	char why[300] = "";

	if (remote_open(r, rm, env, why, sizeof(why))) {
		fprintf(stderr, "offloadlab try: the agent on %s: %s\n", r->host, why);
		return EXIT_FAIL;
	}
	if (!*env)
		*env = json_object();
	fprintf(stderr,
		"offloadlab try: two hosts: the generator here on %s, the server on %s (%s, %s)\n",
		r->dev, r->host, r->remote_dev, r->remote_addr);
	return EXIT_OK;
}

static int measure(struct try_opts *o, struct try_ctx *t, struct remote *rm, json_t *env_remote)
{
	time_t now = time(NULL);
	uint64_t t0 = bpfu_now_ns();
	struct busy_snap *snap[2];
	struct busy_report br;
	bool have_br = false;
	struct result r;
	char stamp[32];
	json_t *doc, *exps, *ej;
	int err, werr;

	log_setup_libbpf();
	if (tb_cleanup_stale() > 0)
		log_info("removed namespace(s) left by an earlier run");
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	t->section = json_object();
	json_object_set_new(t->section, "port", json_integer(o->port));
	json_object_set_new(t->section, "proto", json_string(o->tcp ? "tcp" : "udp"));
	json_object_set_new(t->section, "placement",
			    json_string(o->placement == TP_PAPER ? "paper" : "shared"));
	json_object_set_new(t->section, "offload", json_string(try_kind_name[o->kind]));
	if (o->obj)
		json_object_set_new(t->section, "object",
				    json_pack("{s:s, s:s}", "file", o->obj, "program", o->prog));
	json_object_set_new(t->section, "workload", workload_json(o, t));
	result_init(&r, "try");
	snap[0] = malloc(sizeof(*snap[0]));
	snap[1] = malloc(sizeof(*snap[1]));
	if (snap[0])
		busy_snap(snap[0]);
	try_current = t;
	err = rm ? exp_run_remote(&try_exp, &o->ro, rm, &r) : exp_run(&try_exp, &o->ro, &r);
	try_current = NULL;
	if (snap[0] && snap[1]) {
		busy_snap(snap[1]);
		busy_between(snap[0], snap[1], &br);
		have_br = true;
		if (br.busy) {
			result_note(&r,
				    "the machine was busy while this ran (%s): its figures may be "
				    "spoiled",
				    br.why);
			fprintf(stderr, "offloadlab try: warning: the machine was busy: %s\n",
				br.why);
		}
	}
	free(snap[0]);
	free(snap[1]);
	r.duration_s = (double)(bpfu_now_ns() - t0) / 1e9;
	table_print(stdout, &r, try_exp.question, try_exp.paper);
	fflush(stdout);
	doc = json_object();
	exps = json_array();
	ej = result_to_json(&r, try_exp.question, try_exp.paper);
	if (have_br) {
		json_object_set_new(ej, "machine", busy_json(&br));
		json_object_set_new(doc, "machine", busy_json(&br));
	}
	json_array_append_new(exps, ej);
	json_object_set_new(doc, "schema", json_string("offloadlab-results"));
	json_object_set_new(doc, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
	json_object_set_new(doc, "started", json_string(stamp));
	json_object_set_new(doc, "quick", json_boolean(o->ro.quick));
	json_object_set_new(doc, "environment", env_capture());
	if (rm) {
		const struct remote_opts *ro = &o->remote;

		json_object_set_new(doc, "environment_remote", json_incref(env_remote));
		json_object_set_new(doc, "topology",
				    json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "two-hosts",
					      "host", ro->host, "dev", ro->dev, "remote_dev",
					      ro->remote_dev, "remote_addr", ro->remote_addr));
	}
	json_object_set_new(doc, "try", t->section);
	t->section = NULL;
	json_object_set_new(doc, "experiments", exps);
	json_object_set_new(doc, "duration_s", json_real(r.duration_s));
	json_object_set_new(doc, "complete", json_boolean(!err));
	if (err && !t->said)
		fprintf(stderr, "offloadlab try: %s\n", r.error[0] ? r.error : strerror(-err));
	werr = write_out(o, doc, stamp);
	json_decref(doc);
	result_free(&r);
	return err || werr ? EXIT_FAIL : EXIT_OK;
}

int try_main(int argc, char **argv)
{
	static const struct argp_child children[] = { { &remote_argp, 0, NULL, 5 }, { 0 } };
	struct argp argp = { try_options, try_parse, NULL, try_doc, children, NULL, NULL };
	struct try_opts o = { .placement = TP_PAPER, .out = "results" };
	struct workload wl, pre;
	struct try_ctx t = { .o = &o, .wl = &wl, .pre = &pre };
	struct remote *rm = NULL;
	json_t *env_remote = NULL;
	int rc;

	wl_init(&wl);
	wl_init(&pre);
	/* argp exits on --help (0) and on usage errors (argp_err_exit_status, 64) */
	if (argp_parse(&argp, argc, argv, 0, NULL, &o)) {
		wl_class_by_free(&o.class_by);
		return EXIT_USAGE;
	}
	rc = read_workloads(&o, &wl, &pre);
	if (rc == EXIT_OK) {
		wl_digest(&wl, t.wl_digest);
		rc = check_budget(&o, &wl);
	}
	if (rc == EXIT_OK)
		rc = acquire(&o);
	if (rc == EXIT_OK && remote_two_hosts(&o.remote))
		rc = remote_up(&o, &rm, &env_remote);
	if (rc == EXIT_OK)
		rc = measure(&o, &t, rm, env_remote);
	remote_close(rm);
	json_decref(env_remote);
	wl_free(&wl);
	wl_free(&pre);
	wl_class_by_free(&o.class_by);
	return rc;
}
