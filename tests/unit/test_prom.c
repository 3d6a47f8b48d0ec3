// SPDX-License-Identifier: GPL-2.0
/* The Prometheus writer (lib/prom.c) and the kvcache's metrics (kvcache/kvc_prom.c). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvcache/kvc_prom.h"
#include "lib/prom.h"

/* What fn wrote to a memory stream, NUL-terminated; the caller frees it. */
static char *capture(void (*fn)(struct prom *p, void *arg), void *arg, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct prom p;

	assert_non_null(f);
	prom_init(&p, f);
	fn(&p, arg);
	*err = prom_end(&p);
	fclose(f);
	return buf;
}

static void escaped(struct prom *p, void *arg)
{
	const char *labels[] = { "dev", arg, NULL };

	prom_family(p, "olab_x_total", PROM_COUNTER, "a \\ help\nline");
	prom_sample(p, labels, 18446744073709551615ULL);
}

static void test_escape(void **state)
{
	int err;
	char *out = capture(escaped, "e\"th\\0\nx", &err);

	(void)state;
	assert_int_equal(err, 0);
	assert_string_equal(out, "# HELP olab_x_total a \\\\ help\\nline\n"
				 "# TYPE olab_x_total counter\n"
				 "olab_x_total{dev=\"e\\\"th\\\\0\\nx\"} 18446744073709551615\n");
	free(out);
}

static void bad_counter(struct prom *p, void *arg)
{
	(void)arg;
	prom_family(p, "olab_hits", PROM_COUNTER, "no _total");
}

static void bad_name(struct prom *p, void *arg)
{
	(void)arg;
	prom_family(p, "0lab-hits", PROM_GAUGE, "");
}

static void twice(struct prom *p, void *arg)
{
	(void)arg;
	prom_family(p, "olab_a", PROM_GAUGE, "");
	prom_sample(p, NULL, 1);
	prom_family(p, "olab_b", PROM_GAUGE, "");
	prom_sample(p, NULL, 1);
	prom_family(p, "olab_a", PROM_GAUGE, ""); /* split: refused */
	prom_sample(p, NULL, 2);
}

static void orphan(struct prom *p, void *arg)
{
	(void)arg;
	prom_sample(p, NULL, 1);
}

static void bad_label(struct prom *p, void *arg)
{
	const char *labels[] = { "__name__", "x", NULL };

	(void)arg;
	prom_family(p, "olab_a", PROM_GAUGE, "");
	prom_sample(p, labels, 1);
}

static void special(struct prom *p, void *arg)
{
	(void)arg;
	prom_family(p, "olab_f", PROM_GAUGE, "");
	prom_sample_f(p, NULL, 0.5);
	prom_sample_f(p, NULL, NAN);
	prom_sample_f(p, NULL, -INFINITY);
}

static void test_refused(void **state)
{
	void (*cases[])(struct prom *, void *) = { bad_counter, twice, orphan, bad_label,
						   bad_name };
	size_t i;
	int err;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = capture(cases[i], NULL, &err);
		assert_int_equal(err, -EINVAL);
		/* nothing of the refused part is written */
		assert_null(strstr(out, " 2\n"));
		free(out);
	}
	out = capture(special, NULL, &err);
	assert_int_equal(err, 0);
	assert_non_null(strstr(out, "olab_f 0.5\nolab_f NaN\nolab_f -Inf\n"));
	free(out);
	assert_true(prom_name_ok("a:b_c9"));
	assert_false(prom_label_name_ok("a:b"));
}

static void test_kvc_all_counters_named(void **state)
{
	const char *v;
	int c;

	(void)state;
	/* a counter added to enum kvc_counter must get a metric name here */
	for (c = 0; c < KVC_NCOUNTERS; c++)
		assert_non_null(kvc_prom_family(c, &v));
	assert_string_equal(kvc_prom_family(KVC_HIT, &v), "offloadlab_kvcache_hits_total");
	assert_null(v);
	assert_string_equal(kvc_prom_family(KVC_TOO_BIG, &v), "offloadlab_kvcache_passed_total");
	assert_string_equal(v, "too_big");
}

static void test_kvc_write(void **state)
{
	uint64_t c[KVC_NCOUNTERS] = { 0 };
	struct kvc_gauges g = { .items = 7, .capacity = 100, .memory = 4096 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	c[KVC_HIT] = 42;
	c[KVC_MISS] = 5;
	c[KVC_RATE_LIMITED] = 3;
	assert_int_equal(kvc_prom_write(f, "eth0", true, c, &g), 0);
	fclose(f);
	assert_non_null(strstr(buf, "# TYPE offloadlab_kvcache_hits_total counter\n"
				    "offloadlab_kvcache_hits_total{dev=\"eth0\"} 42\n"));
	assert_non_null(strstr(buf, "offloadlab_kvcache_misses_total{dev=\"eth0\"} 5\n"));
	assert_non_null(strstr(
		buf,
		"offloadlab_kvcache_passed_total{dev=\"eth0\",reason=\"source_over_rate\"} 3\n"));
	assert_non_null(strstr(buf, "offloadlab_kvcache_current_items{dev=\"eth0\"} 7\n"));
	assert_non_null(strstr(buf, "offloadlab_kvcache_limit_items{dev=\"eth0\"} 100\n"));
	assert_non_null(strstr(buf, "offloadlab_kvcache_up{dev=\"eth0\"} 1\n"));
	/* one family per name: passed_total declared once, its samples together */
	assert_null(strstr(strstr(buf, "# TYPE offloadlab_kvcache_passed_total") + 1,
			   "# TYPE offloadlab_kvcache_passed_total"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(kvc_prom_write(f, "eth0", false, c, &g), 0);
	fclose(f);
	assert_null(strstr(buf, "hits_total"));
	assert_non_null(strstr(buf, "offloadlab_kvcache_up{dev=\"eth0\"} 0\n"));
	free(buf);
}

static int fill_ok(FILE *f, void *arg)
{
	fprintf(f, "%s", (const char *)arg);
	return 0;
}

static int fill_fail(FILE *f, void *arg)
{
	(void)arg;
	fprintf(f, "half");
	return -EIO;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_textfile(void **state)
{
	char dir[] = "/tmp/olab-prom.XXXXXX", path[64], buf[64] = "";
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(prom_textfile(dir, "a.prom", fill_ok, "x 1\n"), 0);
	/* a failed write leaves the last whole file, and nothing else */
	assert_int_equal(prom_textfile(dir, "a.prom", fill_fail, NULL), -EIO);
	assert_int_equal(entries(dir), 1);
	snprintf(path, sizeof(path), "%s/a.prom", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "x 1\n");
	/* only plain *.prom names, in a folder that exists */
	assert_int_equal(prom_textfile(dir, "a.txt", fill_ok, ""), -EINVAL);
	assert_int_equal(prom_textfile(dir, "../a.prom", fill_ok, ""), -EINVAL);
	assert_int_equal(prom_textfile(dir, ".prom", fill_ok, ""), -EINVAL);
	assert_int_equal(prom_textfile(path, "b.prom", fill_ok, ""), -ENOTDIR);
	assert_int_equal(entries(dir), 1);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_kvc_all_counters_named),
		cmocka_unit_test(test_kvc_write),
		cmocka_unit_test(test_textfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
