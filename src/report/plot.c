// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/sigclean.h"
#include "lib/results_load.h"
#include "report/plot.h"
#include "lib/util.h"

/* A copy of in safe inside a single-quoted gnuplot string (see below). */
static void plot_safe_str(const char *in, char *out, size_t len);

/* nobody/nogroup: who gnuplot runs as when offloadlab runs as root */
#define PLOT_UID 65534
#define PLOT_GID 65534

#define HEAD                                                                                       \
	"set terminal svg size 760,380 dynamic enhanced font 'Helvetica,11' background "           \
	"'#ffffff'\n"                                                                              \
	"set datafile separator '\\t'\nset datafile missing 'NaN'\nset grid ytics lc "             \
	"rgb '#dddddd'\nset border 3\nset tics nomirror\nset key top left\n"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *start;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len)
			buf[len] = '\0';
		else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	/* inline: drop the XML prolog and doctype, keep from <svg on */
	if (buf && (start = strstr(buf, "<svg")) && start != buf)
		memmove(buf, start, strlen(start) + 1);
	return buf;
}

/* Run gnuplot on script (which writes dir/out.svg) and return the SVG. */
static char *run_gnuplot(const char *dir, const char *script)
{
	char spath[512], opath[512];
	FILE *f;
	pid_t pid;
	int status;

	snprintf(spath, sizeof(spath), "%s/plot.gp", dir);
	snprintf(opath, sizeof(opath), "%s/out.svg", dir);
	f = fopen(spath, "w");
	if (!f)
		return NULL;
	fprintf(f, "%sset output '%s'\n%s", HEAD, opath, script);
	fclose(f);
	/* as root, gnuplot runs as nobody in the folder it owns: its system() could do little */
	if (geteuid() == 0 && chown(dir, PLOT_UID, PLOT_GID))
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		if (nul >= 0 && !log_verbose) {
			dup2(nul, STDOUT_FILENO);
			dup2(nul, STDERR_FILENO);
		}
		/* no network, no privileges; refuse to plot at all rather than plot as root */
		if (geteuid() == 0 && (unshare(CLONE_NEWNET) || setgroups(0, NULL) ||
				       setgid(PLOT_GID) || setuid(PLOT_UID)))
			_exit(126);
		setenv("HOME", dir, 1);
		execlp("gnuplot", "gnuplot", spath, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return NULL;
	return slurp(opath);
}

/* Every file a plot's folder may hold: removed with it, also when a signal ends the run. */
static const char *const names[] = { "plot.gp", "out.svg", "d0", "d1", "d2", "d3",  "d4",
				     "d5",	"d6",	   "d7", "d8", "d9", "d10", "d11" };

/* A private temporary folder; removed (with its files) by cleanup(). */
static int tmpdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/olab-plot.XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	sigclean_add_dir(dir, names, (int)ARRAY_SIZE(names));
	return 0;
}

static void cleanup(const char *dir)
{
	char p[600];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	sigclean_del(dir);
}

int plot_available(void)
{
	char dir[64], *svg;

	if (tmpdir(dir, sizeof(dir)))
		return 0;
	svg = run_gnuplot(dir, "plot x\n");
	cleanup(dir);
	free(svg);
	return svg != NULL;
}

/* Scale for display: ns shown as us when values reach 10 us. */
static double scale_for(json_t **ms, int n, const char **unit)
{
	static char safe[32];
	double mx = 0;
	int i;

	/* the unit goes into the script: only a safe copy of it */
	plot_safe_str(json_string_value(json_object_get(ms[0], "unit")), safe, sizeof(safe));
	*unit = safe;
	if (strcmp(*unit, "ns"))
		return 1;
	for (i = 0; i < n; i++) {
		double v = load_num(ms[i], "median");

		if (v > mx)
			mx = v;
	}
	if (mx >= 1e4) {
		*unit = "us";
		return 1e-3;
	}
	return 1;
}

/*
 * What the labels of a plot share at the start and the end, in whole words: dropped from the
 * ticks and legends, where only the difference matters (the table below the plot has all).
 */
static void common_words(json_t **ms, int n, size_t *pre, size_t *suf)
{
	const char *first = json_string_value(json_object_get(ms[0], "label"));
	size_t p, s, flen, i;

	*pre = *suf = 0;
	if (!first || n < 2)
		return;
	flen = strlen(first);
	p = flen;
	s = flen;
	for (i = 1; i < (size_t)n; i++) {
		const char *l = json_string_value(json_object_get(ms[i], "label"));
		size_t k = 0, len;

		if (!l)
			return;
		len = strlen(l);
		while (k < p && k < len && l[k] == first[k])
			k++;
		p = k;
		k = 0;
		while (k < s && k < len && l[len - 1 - k] == first[flen - 1 - k])
			k++;
		s = k;
	}
	while (p > 0 && first[p - 1] != ' ')
		p--;
	while (s > 0 && first[flen - s] != ' ')
		s--;
	if (p + s >= flen)
		p = s = 0;
	*pre = p;
	*suf = s;
}

/* A label fit for a tick: the label less the shared words, no quotes or brackets, <= 40. */
static void short_label(json_t *m, size_t pre, size_t suf, char *buf, size_t len)
{
	const char *l = json_string_value(json_object_get(m, "label"));
	size_t i, o = 0, end;

	if (!l) {
		buf[0] = '\0';
		return;
	}
	end = strlen(l);
	if (pre + suf < end)
		end -= suf;
	else
		pre = 0;
	for (i = pre; i < end && o + 1 < len && o < 40; i++) {
		char c[2] = { l[i], 0 }, safe[2];

		plot_safe_str(c, safe, sizeof(safe));
		if (safe[0] && !strchr("()", l[i]) && !(l[i] == ',' && i + 1 == end))
			buf[o++] = l[i];
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
}

static double paper_value(json_t *m)
{
	json_t *p = json_object_get(m, "paper");

	return json_is_object(p) ? load_num(p, "value") : NAN;
}

/*
 * Every string that reaches a gnuplot script comes from a results.json, which may come from
 * another machine: keep only characters that cannot end a quoted string, start a command or
 * an escape (letters, digits, space and plain punctuation), and nothing past len - 1.
 */
static void plot_safe_str(const char *in, char *out, size_t len)
{
	static const char ok[] = " .,:;-+/%()[]=#*!?|~";
	size_t i, o = 0;

	if (!len)
		return;
	for (i = 0; in && in[i] && o + 1 < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if ((c < 128 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
				 (c >= 'A' && c <= 'Z'))) ||
		    (c && strchr(ok, c)))
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void esc_title(const char *in, char *out, size_t len)
{
	plot_safe_str(in, out, len);
}

char *plot_bars(const char *title, json_t **ms, int n)
{
	char dir[64], path[128], label[64], t[200], script[2048];
	const char *unit;
	double k;
	size_t pre, suf;
	int i, shown = 0, negative = 0;
	char *svg;
	FILE *f;

	if (n <= 0 || tmpdir(dir, sizeof(dir)))
		return NULL;
	k = scale_for(ms, n, &unit);
	common_words(ms, n, &pre, &suf);
	snprintf(path, sizeof(path), "%s/d0", dir);
	f = fopen(path, "w");
	if (!f) {
		cleanup(dir);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		double med = load_num(ms[i], "median");

		if (isnan(med))
			continue;
		if (med < 0 || load_num(ms[i], "p25") < 0 || paper_value(ms[i]) < 0)
			negative = 1;
		short_label(ms[i], pre, suf, label, sizeof(label));
		fprintf(f, "%s\t%g\t%g\t%g\t%g\n", label, med * k, load_num(ms[i], "p25") * k,
			load_num(ms[i], "p75") * k, paper_value(ms[i]) * k);
		shown++;
	}
	fclose(f);
	if (!shown) {
		cleanup(dir);
		return NULL;
	}
	esc_title(title, t, sizeof(t));
	snprintf(script, sizeof(script),
		 "set title '%s'\nset ylabel '%s'\nset style data histograms\n"
		 "set style histogram errorbars gap 1 lw 1\nset style fill solid 0.75 border -1\n"
		 "set xtics rotate by -30 font ',9'\nset yrange [%s:*]\nset bmargin 9\n"
		 "set xzeroaxis lt -1\n"
		 "plot '%s/d0' using 2:3:4:xtic(1) title 'ours: median, p25-p75' lc rgb "
		 "'#2b6cb0', '' using 5:5:5 title 'paper' lc rgb '#dd8452'\n",
		 t, unit, negative ? "*" : "0", dir);
	svg = run_gnuplot(dir, script);
	cleanup(dir);
	return svg;
}

char *plot_cdf(const char *title, json_t **ms, int n)
{
	char dir[64], path[128], label[64], t[200], script[4096], *p = script;
	const char *unit;
	size_t left = sizeof(script);
	double k;
	int i, used = 0, w;
	size_t pre, suf;
	char *svg;

	if (n <= 0 || tmpdir(dir, sizeof(dir)))
		return NULL;
	k = scale_for(ms, n, &unit);
	common_words(ms, n, &pre, &suf);
	esc_title(title, t, sizeof(t));
	w = snprintf(p, left,
		     "set title '%s'\nset xlabel 'latency (%s)'\nset ylabel 'fraction of "
		     "requests'\nset logscale x\nset yrange [0:1]\nset key bottom right font ',9'\n"
		     "plot ",
		     t, unit);
	p += w;
	left -= (size_t)w;
	for (i = 0; i < n && i < 12; i++) {
		json_t *cdf = json_object_get(ms[i], "cdf"), *pt;
		size_t j;
		FILE *f;

		if (!json_is_array(cdf) || !json_array_size(cdf))
			continue;
		snprintf(path, sizeof(path), "%s/d%d", dir, i);
		f = fopen(path, "w");
		if (!f)
			continue;
		json_array_foreach(cdf, j, pt)
		{
			double v = json_number_value(json_array_get(pt, 1));

			if (v > 0)
				fprintf(f, "%g\t%g\n", v * k,
					json_number_value(json_array_get(pt, 0)));
		}
		fclose(f);
		short_label(ms[i], pre, suf, label, sizeof(label));
		w = snprintf(p, left, "%s'%s' using 1:2 with linespoints pt 7 ps 0.4 title '%s'",
			     used ? ", " : "", path, label);
		if (w < 0 || (size_t)w >= left)
			break;
		p += w;
		left -= (size_t)w;
		used++;
	}
	if (!used) {
		cleanup(dir);
		return NULL;
	}
	snprintf(p, left, "\n");
	svg = run_gnuplot(dir, script);
	cleanup(dir);
	return svg;
}

/*
 * One line per series: metrics whose ids differ only in the last component (the x) form a
 * series, named by the component before it (maps.flows.hash.100 -> "hash"). Log x when the
 * points span more than two decades.
 */
char *plot_lines(const char *title, const char *xlabel, const double *x, json_t **ms, int n)
{
	char dir[64], path[128], t[200], script[4096], names[8][48], *p = script;
	const char *unit;
	size_t left = sizeof(script), plen[8];
	double k, xmin = INFINITY, xmax = -INFINITY;
	int i, j, ns = 0, shown = 0, w;
	FILE *f[8] = { NULL };
	char *svg;

	if (n <= 0 || tmpdir(dir, sizeof(dir)))
		return NULL;
	k = scale_for(ms, n, &unit);
	for (i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(ms[i], "id"));
		const char *last = id ? strrchr(id, '.') : NULL, *prev;
		double med = load_num(ms[i], "median");
		size_t len;

		if (!last || isnan(med))
			continue;
		len = (size_t)(last - id);
		for (j = 0; j < ns; j++)
			if (plen[j] == len && !strncmp(names[j], id, len))
				break;
		if (j == ns) {
			if (ns == 8)
				continue;
			snprintf(names[ns], sizeof(names[ns]), "%.*s", (int)len, id);
			plen[ns] = strlen(names[ns]);
			snprintf(path, sizeof(path), "%s/d%d", dir, ns);
			f[ns] = fopen(path, "w");
			if (!f[ns])
				break;
			ns++;
		}
		fprintf(f[j], "%g\t%g\t%g\t%g\n", x[i], med * k, load_num(ms[i], "p25") * k,
			load_num(ms[i], "p75") * k);
		xmin = x[i] < xmin ? x[i] : xmin;
		xmax = x[i] > xmax ? x[i] : xmax;
		shown++;
		(void)prev;
	}
	for (j = 0; j < ns; j++)
		if (f[j])
			fclose(f[j]);
	if (!shown) {
		cleanup(dir);
		return NULL;
	}
	char xl[96];

	esc_title(title, t, sizeof(t));
	plot_safe_str(xlabel, xl, sizeof(xl));
	w = snprintf(p, left,
		     "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\nset yrange [0:*]\n%s"
		     "set key outside right top font ',9'\nplot ",
		     t, xl, unit, xmin > 0 && xmax / xmin > 100 ? "set logscale x\n" : "");
	p += w;
	left -= (size_t)w;
	for (j = 0; j < ns; j++) {
		const char *lab = strrchr(names[j], '.');
		char clean[48];

		esc_title(lab ? lab + 1 : names[j], clean, sizeof(clean));
		w = snprintf(p, left,
			     "%s'%s/d%d' using 1:2:3:4 with yerrorlines lw 2 pt 7 title '%s'",
			     j ? ", " : "", dir, j, ns == 1 ? "ours: median, p25-p75" : clean);
		if (w < 0 || (size_t)w >= left)
			break;
		p += w;
		left -= (size_t)w;
	}
	snprintf(p, left, "\n");
	svg = run_gnuplot(dir, script);
	cleanup(dir);
	return svg;
}
