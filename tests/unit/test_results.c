// SPDX-License-Identifier: GPL-2.0
/* The result model, the verdict and the JSON writer. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/results.h"
#include "run/run.h"

static void fill(struct result *r)
{
	struct stats_samples s;
	struct metric *m;
	int i;

	result_init(r, "demo");
	m = result_add(r, "demo.a", "metric a", "ns", METHOD_TESTRUN);
	assert_non_null(m);
	stats_samples_init(&s);
	for (i = 1; i <= 9; i++)
		stats_samples_add(&s, i * 10.0);
	metric_set_samples(m, &s, 9);
	metric_set_paper(m, 40, "Table 1");
	stats_samples_free(&s);

	m = result_add(r, "demo.b", "metric b", "ns", METHOD_LIVE);
	metric_unavailable(m, "no PMU on this machine");
	metric_set_paper(m, 12, "Fig. 11");

	m = result_add(r, "demo.c", "metric c", "Mpps", METHOD_BPFSTATS);
	stats_samples_init(&s);
	stats_samples_add(&s, 5.0);
	metric_set_samples(m, &s, 10); /* fewer than wanted */
	stats_samples_free(&s);
	result_note(r, "note %d", 1);
}

static void test_verdicts(void **state)
{
	struct metric m;
	char buf[96];

	(void)state;
	memset(&m, 0, sizeof(m));
	snprintf(m.unit, sizeof(m.unit), "ns");
	m.s.p50 = 46;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "no paper value");
	metric_set_paper(&m, 40, "x");
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "agrees (+15 %)");
	m.s.p50 = 120;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "differs: 3x higher");
	m.s.p50 = 10;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "differs: 4x lower");
	m.s.p50 = NAN;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "no data");
	/* changes in percent compare in percentage points */
	snprintf(m.unit, sizeof(m.unit), "%%");
	m.paper = -14.1;
	m.s.p50 = -2.5;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "differs: +11.6 pp");
	m.s.p50 = -12.0;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "agrees (+2.1 pp)");
	metric_unavailable(&m, "why");
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "unavailable");
}

/* A one-value metric: n = 1, every statistic that value. */
static void test_set_value(void **state)
{
	struct metric m;

	(void)state;
	memset(&m, 0, sizeof(m));
	metric_set_value(&m, 2.5);
	assert_int_equal(m.s.n, 1);
	assert_true(m.s.p50 == 2.5 && m.s.p25 == 2.5 && m.s.max == 2.5);
	assert_false(m.flags & METRIC_FEW);
	assert_string_equal(m.unavailable, "");
}

/* Verdicts are judged on the CI of the median, not on the median alone. */
static void test_verdicts_from_ci(void **state)
{
	struct metric m;
	char buf[128];

	(void)state;
	memset(&m, 0, sizeof(m));
	snprintf(m.unit, sizeof(m.unit), "ns");
	metric_set_paper(&m, 100, "x");
	/* median outside the band, but the CI reaches into it: it meets the band */
	m.s.p50 = 135;
	m.s.ci_lo = 125;
	m.s.ci_hi = 150;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "agrees (+35 %)");
	/* the whole CI outside the band */
	m.s.ci_lo = 131;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "differs: 1.4x higher");
	/* a CI wider than the +-30 % band that meets it says nothing */
	m.s.p50 = 100;
	m.s.ci_lo = 40;
	m.s.ci_hi = 200;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "inconclusive: CI 0.4..2x the paper's, wider than +-30 %");
	/* a wide CI far from the band still differs */
	m.s.p50 = 1000;
	m.s.ci_lo = 400;
	m.s.ci_hi = 2000;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "differs: 10x higher");
	/* changes in percentage points: band +-5 pp */
	snprintf(m.unit, sizeof(m.unit), "%%");
	m.paper = 50;
	m.s.p50 = 60;
	m.s.ci_lo = 30;
	m.s.ci_hi = 70;
	metric_verdict(&m, buf, sizeof(buf));
	assert_string_equal(buf, "inconclusive: CI 30..70 % is wider than the band");
	assert_int_equal(verdict_interval(1, 2, 3, 4), VERDICT_DIFFERS);
	assert_int_equal(verdict_interval(3.5, 3.6, 3, 4), VERDICT_AGREES);
	assert_int_equal(verdict_interval(2, 5, 3, 4), VERDICT_INCONCLUSIVE);
}

static void test_json_round_trip(void **state)
{
	char path[] = "/tmp/olab-test-results-XXXXXX";
	json_t *doc, *back, *ms, *a, *b, *c;
	json_error_t jerr;
	struct result r;
	int fd;

	(void)state;
	fill(&r);
	assert_non_null(result_find(&r, "demo.b"));
	assert_null(result_find(&r, "demo.zzz"));
	doc = json_object();
	json_object_set_new(doc, "schema_version", json_integer(RESULTS_SCHEMA_VERSION));
	json_object_set_new(doc, "experiments",
			    json_pack("[o]", result_to_json(&r, "What?", "Table 1")));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(results_write_json(path, doc), 0);
	json_decref(doc);

	back = json_load_file(path, 0, &jerr);
	assert_non_null(back);
	ms = json_object_get(json_array_get(json_object_get(back, "experiments"), 0), "metrics");
	assert_int_equal(json_array_size(ms), 3);
	a = json_array_get(ms, 0);
	assert_string_equal(json_string_value(json_object_get(a, "method")), "test-run");
	assert_int_equal(json_integer_value(json_object_get(a, "n")), 9);
	assert_true(json_real_value(json_object_get(a, "median")) == 50.0);
	assert_true(json_real_value(json_object_get(a, "p25")) == 30.0);
	assert_true(json_real_value(json_object_get(json_object_get(a, "paper"), "value")) == 40.0);
	/* 9 samples from 10 to 90: the CI of the median is far wider than the paper's band */
	assert_string_equal(json_string_value(json_object_get(a, "verdict")),
			    "inconclusive: CI 0.25..2.2x the paper's, wider than +-30 %");
	assert_int_equal(json_array_size(json_object_get(a, "ci95")), 2);

	/* unavailable: the reason is kept and the statistics are null, never 0 */
	b = json_array_get(ms, 1);
	assert_string_equal(json_string_value(json_object_get(b, "unavailable")),
			    "no PMU on this machine");
	assert_true(json_is_null(json_object_get(b, "median")));
	assert_true(json_is_null(json_object_get(b, "p25")));
	assert_true(json_is_null(json_object_get(b, "max")));
	assert_true(json_is_null(json_object_get(b, "ci95")));

	c = json_array_get(ms, 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "flags"), 0)),
			    "few-samples");
	/* how many were asked for travels with it: "1 of 10", not just "few" */
	assert_int_equal(json_integer_value(json_object_get(c, "wanted")), 10);
	assert_true(json_is_null(json_object_get(c, "paper")));
	json_decref(back);
	unlink(path);
	result_free(&r);
}

/* A result measured elsewhere (the agent's JSON) reads back as it was; hostile input is cut. */
static void test_from_json(void **state)
{
	struct stats_samples v;
	struct result a, b, c;
	struct metric *m;
	json_t *ej, *bad;
	char longid[400];
	int i;

	(void)state;
	result_init(&a, "x");
	stats_samples_init(&v);
	for (i = 1; i <= 50; i++)
		stats_samples_add(&v, i);
	m = result_add(&a, "x.one", "one", "ns", METHOD_BPFSTATS);
	metric_set_samples(m, &v, 100); /* few samples: flagged */
	metric_set_paper(m, 20, "Table 9");
	snprintf(m->note, sizeof(m->note), "a note");
	metric_engine(m, "xdp");
	m = result_add(&a, "x.two", "two", "Mpps", METHOD_MODEL);
	metric_unavailable(m, "not here");
	result_note(&a, "the notes come along");
	ej = result_to_json(&a, "q", "p");
	result_init(&b, "x");
	assert_int_equal(result_from_json(ej, &b), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.m[0]->id, "x.one");
	assert_int_equal(b.m[0]->method, METHOD_BPFSTATS);
	assert_true(fabs(b.m[0]->s.p50 - a.m[0]->s.p50) < 1e-9);
	assert_int_equal(b.m[0]->s.n, 50);
	assert_true(b.m[0]->flags & METRIC_FEW);
	assert_true(b.m[0]->has_paper && b.m[0]->paper == 20);
	assert_string_equal(b.m[0]->note, "a note");
	assert_string_equal(b.m[1]->unavailable, "not here");
	/* the engine behind a live figure, when one is named; nothing otherwise */
	assert_string_equal(b.m[0]->engine, "xdp");
	assert_string_equal(b.m[1]->engine, "");
	assert_null(json_object_get(json_array_get(json_object_get(ej, "metrics"), 1), "engine"));
	assert_int_equal(b.nnotes, 1);
	json_decref(ej);

	/* not an experiment; wrong types and an over-long id are refused or cut, never trusted */
	result_init(&c, "x");
	bad = json_string("x");
	assert_int_equal(result_from_json(bad, &c), -EINVAL);
	json_decref(bad);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	bad = json_pack("{s:[{s:s, s:s, s:s, s:s, s:[s, i], s:s}, {s:i}]}", "metrics", "id", longid,
			"median", "fast", "n", "five", "method", "telepathy", "flags", "wide", 3,
			"engine", "warp", "id", 7);
	assert_int_equal(result_from_json(bad, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(strlen(c.m[0]->id), sizeof(c.m[0]->id) - 1);
	assert_true(isnan(c.m[0]->s.p50));
	assert_int_equal(c.m[0]->s.n, 0);
	assert_true(c.m[0]->flags & METRIC_WIDE);
	assert_string_equal(c.m[0]->engine, ""); /* no such engine */
	json_decref(bad);
	stats_samples_free(&v);
	result_free(&a);
	result_free(&b);
	result_free(&c);
}

/* A number outside its range refuses the whole result, naming it: nothing of it is computed. */
static void test_from_json_ranges(void **state)
{
	static const char *const docs[] = {
		"{\"metrics\": [{\"id\": \"x.a\", \"n\": -5}]}",
		"{\"metrics\": [{\"id\": \"x.a\", \"n\": 9223372036854775807}]}",
		"{\"metrics\": [{\"id\": \"x.a\", \"median\": 1e300}]}",
		"{\"metrics\": [{\"id\": \"x.a\", \"p99\": -9223372036854775808}]}",
		"{\"metrics\": [{\"id\": \"x.a\", \"ci95\": [0, 1e200]}]}",
		"{\"metrics\": [{\"id\": \"x.a\", \"paper\": {\"value\": -1e19}}]}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *d = json_loads(docs[i], 0, NULL);
		struct result r;

		assert_non_null(d);
		result_init(&r, "x");
		assert_int_equal(result_from_json(d, &r), -ERANGE);
		assert_non_null(strstr(r.error, "outside"));
		assert_non_null(strstr(r.error, "x.a"));
		json_decref(d);
		result_free(&r);
	}
}

static void test_write_fails_cleanly(void **state)
{
	json_t *doc = json_object();

	(void)state;
	assert_true(results_write_json("/nonexistent-dir/x/results.json", doc) < 0);
	assert_int_equal(access("/nonexistent-dir/x/results.json.tmp", F_OK), -1);
	json_decref(doc);
}

/* A link planted where a temporary file might go is never followed. */
static void test_write_ignores_planted_links(void **state)
{
	char dir[] = "/tmp/olab-test-plant-XXXXXX", path[256], link[300], victim[300];
	json_t *doc = json_pack("{s:s}", "a", "b"), *back;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(link, sizeof(link), "%s/results.json.tmp", dir);
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(results_write_json(path, doc), 0);
	assert_int_equal(access(victim, F_OK), -1); /* nothing written through the link */
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	back = json_load_file(path, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "a")), "b");
	json_decref(back);
	unlink(link);
	unlink(path);
	rmdir(dir);
	json_decref(doc);
}

/* A write that fails says why (here: the file size limit, EFBIG) and leaves nothing. */
static void test_write_error_is_the_real_one(void **state)
{
	char dir[] = "/tmp/olab-test-fbig-XXXXXX", path[256];
	json_t *doc = json_object();
	struct rlimit old, small = { .rlim_cur = 16 };
	char big[4096];
	DIR *d;
	struct dirent *de;
	int left = 0;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_set_new(doc, "big", json_string(big));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(results_write_json(path, doc), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		left += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(left, 0);
	rmdir(dir);
	json_decref(doc);
}

/* Two runs in the same second get two folders. */
static void test_run_folder(void **state)
{
	char parent[] = "/tmp/olab-test-runs-XXXXXX", a[4096], b[4096];

	(void)state;
	assert_non_null(mkdtemp(parent));
	assert_int_equal(run_folder_create(parent, "20260101-000000", a, sizeof(a)), 0);
	assert_int_equal(run_folder_create(parent, "20260101-000000", b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_true(strstr(b, "20260101-000000-2") != NULL);
	rmdir(a);
	rmdir(b);
	rmdir(parent);
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* What one contender saw: run_lock's answer and the holder it named. */
struct lock_seen {
	int err, holder, pid;
};

/*
 * A contender: waits for the start (go closes), takes the lock, says what it saw; the winner
 * then keeps the lock until told to end (end closes), as a run would while it measures.
 */
static void contender(const char *lock, const int go[2], const int seen[2], const int end[2])
{
	struct lock_seen s = { .pid = getpid() };
	char c;

	/* only the parent holds the ends that start and end: EOF reaches every contender */
	close(go[1]);
	close(end[1]);
	close(seen[0]);
	if (read(go[0], &c, 1) < 0)
		_exit(2);
	s.err = run_lock(lock, &s.holder);
	if (write(seen[1], &s, sizeof(s)) != sizeof(s))
		_exit(2);
	if (!s.err && read(end[0], &c, 1) < 0)
		_exit(2);
	_exit(0);
}

/*
 * The holder named is the lock's, never what the file says: the file is written after the
 * lock is taken, so a contender may find it empty ("pid 0") or holding a finished run's pid.
 * Here the winner's file is made to say exactly that, deterministically.
 */
static void test_run_lock_names_holder(void **state)
{
	char dir[] = "/tmp/olab-test-lock-XXXXXX", lock[300];
	int go[2], seen[2], end[2], holder = -1;
	struct lock_seen s;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(seen), 0);
	assert_int_equal(pipe(end), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		contender(lock, go, seen, end);
	close(go[0]);
	close(go[1]); /* start */
	assert_int_equal(read(seen[0], &s, sizeof(s)), sizeof(s));
	assert_int_equal(s.err, 0);
	put_file(lock, "999999\n"); /* a finished run's pid, not yet overwritten */
	assert_int_equal(run_lock(lock, &holder), -EBUSY);
	assert_int_equal(holder, pid);
	put_file(lock, ""); /* truncated, not yet written */
	assert_int_equal(run_lock(lock, &holder), -EBUSY);
	assert_int_equal(holder, pid);
	close(end[1]); /* the holder ends: the lock goes with it */
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(run_lock(lock, &holder), 0);
	close(seen[0]);
	close(seen[1]);
	close(end[0]);
	unlink(lock);
	rmdir(dir);
}

/*
 * Many starts at once, over a file a finished run left: exactly one wins, and every other
 * names the winner (the report: 12 of 30 named "pid 0" or a finished run's pid).
 */
static void test_run_lock_many_at_once(void **state)
{
	enum { N = 30, ROUNDS = 5 };
	char dir[] = "/tmp/olab-test-lock-XXXXXX", lock[300];
	struct lock_seen s[N];
	int round, i, winners, winner;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	for (round = 0; round < ROUNDS; round++) {
		int go[2], seen[2], end[2];
		pid_t pids[N];

		put_file(lock, "999999\n");
		assert_int_equal(pipe(go), 0);
		assert_int_equal(pipe(seen), 0);
		assert_int_equal(pipe(end), 0);
		for (i = 0; i < N; i++) {
			pids[i] = fork();
			assert_true(pids[i] >= 0);
			if (pids[i] == 0)
				contender(lock, go, seen, end);
		}
		close(go[0]);
		close(go[1]); /* all start together */
		for (i = 0; i < N; i++)
			assert_int_equal(read(seen[0], &s[i], sizeof(s[i])), sizeof(s[i]));
		close(end[1]);
		for (i = 0; i < N; i++)
			assert_int_equal(waitpid(pids[i], NULL, 0), pids[i]);
		close(seen[0]);
		close(seen[1]);
		close(end[0]);
		winners = 0;
		winner = -1;
		for (i = 0; i < N; i++)
			if (!s[i].err) {
				winners++;
				winner = s[i].pid;
			}
		assert_int_equal(winners, 1);
		for (i = 0; i < N; i++) {
			if (!s[i].err)
				continue;
			assert_int_equal(s[i].err, -EBUSY);
			if (s[i].holder != winner)
				fail_msg("round %d: a contender named pid %d, the holder was %d",
					 round, s[i].holder, winner);
		}
	}
	unlink(lock);
	rmdir(dir);
}

/* A metric from its spec: the paper's value only with its reference; the note, NULL-safe. */
static void test_spec_and_note(void **state)
{
	static const struct metric_spec with = { .id = "x.a",
						 .label = "a",
						 .unit = "ns",
						 .method = METHOD_LIVE,
						 .paper = 0,
						 .ref = "Table 1" };
	static const struct metric_spec without = {
		.id = "x.b", .label = "b", .unit = "%", .method = METHOD_MODEL
	};
	struct result r;
	struct metric *m;
	char longer[400];

	(void)state;
	result_init(&r, "x");
	m = result_add_spec(&r, &with);
	assert_non_null(m);
	assert_string_equal(m->id, "x.a");
	assert_string_equal(m->unit, "ns");
	assert_int_equal(m->method, METHOD_LIVE);
	/* a paper value of 0 is one: its reference says so */
	assert_true(m->has_paper);
	assert_true(m->paper == 0);
	assert_string_equal(m->paper_ref, "Table 1");
	m = result_add_spec(&r, &without);
	assert_false(m->has_paper);
	metric_note(m, "%d runs of %.1f s", 3, 0.4);
	assert_string_equal(m->note, "3 runs of 0.4 s");
	memset(longer, 'n', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	metric_note(m, "%s", longer);
	assert_int_equal(strlen(m->note), sizeof(m->note) - 1);
	metric_note(NULL, "nothing: %d", 1);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_verdicts_from_ci),
		cmocka_unit_test(test_set_value),
		cmocka_unit_test(test_spec_and_note),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_from_json),
		cmocka_unit_test(test_from_json_ranges),
		cmocka_unit_test(test_write_fails_cleanly),
		cmocka_unit_test(test_write_ignores_planted_links),
		cmocka_unit_test(test_write_error_is_the_real_one),
		cmocka_unit_test(test_run_folder),
		cmocka_unit_test(test_run_lock_names_holder),
		cmocka_unit_test(test_run_lock_many_at_once),
	};

	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
