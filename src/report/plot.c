// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/gnuplot.h"
#include "lib/results_load.h"
#include "report/plot.h"
#include "lib/util.h"

/* A copy of in safe inside a single-quoted gnuplot string (see below). */
static void plot_safe_str(const char *in, char *out, size_t len);

/*
 * A plot is one script: the head, the data as inline datablocks ($d0 ...), then the settings
 * and the plot command. No file is written: gnuplot reads the script from a memory file and
 * writes the SVG into a pipe (report/gnuplot.c), so no path is shared with it.
 */
#define HEAD                                                                                       \
	"set terminal svg size 760,380 dynamic enhanced font 'Helvetica,11' background "           \
	"'#ffffff'\n"                                                                              \
	"set datafile separator '\\t'\nset datafile missing 'NaN'\nset grid ytics lc "             \
	"rgb '#dddddd'\nset border 3\nset tics nomirror\nset key top left\n"

/*
 * A datablock ends at the first line that starts with its marker. Its lines start with a
 * number (%g) or a label kept by plot_safe_str, which has no '_': none can start with this.
 */
#define EOD "OLAB_EOD"

struct script {
	FILE *f;
	char *buf;
	size_t len;
};

static int script_open(struct script *s)
{
	s->buf = NULL;
	s->len = 0;
	s->f = open_memstream(&s->buf, &s->len);
	if (!s->f)
		return -errno;
	fputs(HEAD, s->f);
	return 0;
}

/* Run the script and free it: the SVG, or NULL. */
static char *script_run(struct script *s)
{
	char *svg = NULL;

	if (!fclose(s->f) && s->buf)
		svg = gnuplot_svg(s->buf, s->len);
	free(s->buf);
	return svg;
}

static void script_drop(struct script *s)
{
	fclose(s->f);
	free(s->buf);
}

int plot_available(void)
{
	struct script s;
	char *svg;
	int ok;

	if (script_open(&s))
		return 0;
	fputs("plot x\n", s.f);
	svg = script_run(&s);
	ok = svg != NULL;
	free(svg);
	return ok;
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
	char label[64], t[200];
	const char *unit;
	double k;
	size_t pre, suf;
	int i, shown = 0, negative = 0;
	struct script s;

	if (n <= 0 || script_open(&s))
		return NULL;
	k = scale_for(ms, n, &unit);
	common_words(ms, n, &pre, &suf);
	fputs("$d0 << " EOD "\n", s.f);
	for (i = 0; i < n; i++) {
		double med = load_num(ms[i], "median");

		if (isnan(med))
			continue;
		if (med < 0 || load_num(ms[i], "p25") < 0 || paper_value(ms[i]) < 0)
			negative = 1;
		short_label(ms[i], pre, suf, label, sizeof(label));
		fprintf(s.f, "%s\t%g\t%g\t%g\t%g\n", label, med * k, load_num(ms[i], "p25") * k,
			load_num(ms[i], "p75") * k, paper_value(ms[i]) * k);
		shown++;
	}
	fputs(EOD "\n", s.f);
	if (!shown) {
		script_drop(&s);
		return NULL;
	}
	esc_title(title, t, sizeof(t));
	fprintf(s.f,
		"set title '%s'\nset ylabel '%s'\nset style data histograms\n"
		"set style histogram errorbars gap 1 lw 1\nset style fill solid 0.75 border -1\n"
		"set xtics rotate by -30 font ',9'\nset yrange [%s:*]\nset bmargin 9\n"
		"set xzeroaxis lt -1\n"
		"plot $d0 using 2:3:4:xtic(1) title 'ours: median, p25-p75' lc rgb "
		"'#2b6cb0', $d0 using 5:5:5 title 'paper' lc rgb '#dd8452'\n",
		t, unit, negative ? "*" : "0");
	return script_run(&s);
}

char *plot_cdf(const char *title, json_t **ms, int n)
{
	char label[64], t[200], cmd[4096], *p = cmd;
	const char *unit;
	size_t left = sizeof(cmd);
	double k;
	int i, used = 0, w;
	size_t pre, suf;
	struct script s;

	if (n <= 0 || script_open(&s))
		return NULL;
	k = scale_for(ms, n, &unit);
	common_words(ms, n, &pre, &suf);
	esc_title(title, t, sizeof(t));
	cmd[0] = '\0';
	for (i = 0; i < n && i < 12; i++) {
		json_t *cdf = json_object_get(ms[i], "cdf"), *pt;
		size_t j;

		if (!json_is_array(cdf) || !json_array_size(cdf))
			continue;
		short_label(ms[i], pre, suf, label, sizeof(label));
		w = snprintf(p, left, "%s$d%d using 1:2 with linespoints pt 7 ps 0.4 title '%s'",
			     used ? ", " : "", i, label);
		if (w < 0 || (size_t)w >= left)
			break;
		p += w;
		left -= (size_t)w;
		used++;
		fprintf(s.f, "$d%d << " EOD "\n", i);
		json_array_foreach(cdf, j, pt)
		{
			double v = json_number_value(json_array_get(pt, 1));

			if (v > 0)
				fprintf(s.f, "%g\t%g\n", v * k,
					json_number_value(json_array_get(pt, 0)));
		}
		fputs(EOD "\n", s.f);
	}
	if (!used) {
		script_drop(&s);
		return NULL;
	}
	fprintf(s.f,
		"set title '%s'\nset xlabel 'latency (%s)'\nset ylabel 'fraction of "
		"requests'\nset logscale x\nset yrange [0:1]\nset key bottom right font ',9'\n"
		"plot %s\n",
		t, unit, cmd);
	return script_run(&s);
}

/*
 * One line per series: metrics whose ids differ only in the last component (the x) form a
 * series, named by the component before it (maps.flows.hash.100 -> "hash"). Log x when the
 * points span more than two decades.
 */
char *plot_lines(const char *title, const char *xlabel, const double *x, json_t **ms, int n)
{
	char t[200], xl[96], names[8][48];
	const char *unit;
	size_t plen[8];
	double k, xmin = INFINITY, xmax = -INFINITY;
	int i, j, ns = 0, shown = 0, *ser;
	struct script s;

	if (n <= 0 || script_open(&s))
		return NULL;
	ser = calloc((size_t)n, sizeof(*ser));
	if (!ser) {
		script_drop(&s);
		return NULL;
	}
	k = scale_for(ms, n, &unit);
	for (i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(ms[i], "id"));
		const char *last = id ? strrchr(id, '.') : NULL;
		size_t len;

		ser[i] = -1;
		if (!last || isnan(load_num(ms[i], "median")))
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
			ns++;
		}
		ser[i] = j;
		xmin = x[i] < xmin ? x[i] : xmin;
		xmax = x[i] > xmax ? x[i] : xmax;
		shown++;
	}
	for (j = 0; j < ns; j++) {
		fprintf(s.f, "$d%d << " EOD "\n", j);
		for (i = 0; i < n; i++)
			if (ser[i] == j)
				fprintf(s.f, "%g\t%g\t%g\t%g\n", x[i],
					load_num(ms[i], "median") * k, load_num(ms[i], "p25") * k,
					load_num(ms[i], "p75") * k);
		fputs(EOD "\n", s.f);
	}
	free(ser);
	if (!shown) {
		script_drop(&s);
		return NULL;
	}
	esc_title(title, t, sizeof(t));
	plot_safe_str(xlabel, xl, sizeof(xl));
	fprintf(s.f,
		"set title '%s'\nset xlabel '%s'\nset ylabel '%s'\nset yrange [0:*]\n%s"
		"set key outside right top font ',9'\nplot ",
		t, xl, unit, xmin > 0 && xmax / xmin > 100 ? "set logscale x\n" : "");
	for (j = 0; j < ns; j++) {
		const char *lab = strrchr(names[j], '.');
		char clean[48];

		esc_title(lab ? lab + 1 : names[j], clean, sizeof(clean));
		fprintf(s.f, "%s$d%d using 1:2:3:4 with yerrorlines lw 2 pt 7 title '%s'",
			j ? ", " : "", j, ns == 1 ? "ours: median, p25-p75" : clean);
	}
	fputs("\n", s.f);
	return script_run(&s);
}
