// SPDX-License-Identifier: GPL-2.0
/* offloadlab report: one self-contained HTML page per run. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exp/exp.h"
#include "lib/atomicfile.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/results_load.h"
#include "report/plot.h"
#include "report/report.h"
#include "lib/table_fmt.h"
#include "report/table.h"
#include "report/takeaways.h"
#include "lib/util.h"

/*
 * The plots are the experiments' own (struct exp_plot in each folder). An experiment with none
 * gets the default: bars per unit and a CDF of whatever metrics carry one.
 */

#define MAX_PLOT 64

static void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static bool usable(json_t *m)
{
	return !json_is_string(json_object_get(m, "unavailable")) && !isnan(load_num(m, "median"));
}

static int pick(json_t *exp, const char *pattern, const char *exclude, json_t **out)
{
	json_t *m;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(exp, "metrics"), i, m)
	{
		const char *id = jstr(m, "id");

		if (n >= MAX_PLOT || !usable(m) || fnmatch(pattern, id, 0))
			continue;
		if (exclude && !fnmatch(exclude, id, 0))
			continue;
		out[n++] = m;
	}
	return n;
}

static void emit_svg(FILE *f, char *svg, const char *title, int *plots)
{
	if (!svg) {
		fprintf(f, "<p class=\"muted\">No plot for &ldquo;");
		html_esc(f, title);
		fprintf(f, "&rdquo;: nothing measured to draw.</p>\n");
		return;
	}
	fprintf(f, "<figure class=\"plot\" data-title=\"");
	html_esc(f, title);
	fprintf(f, "\">%s</figure>\n", svg);
	free(svg);
	(*plots)++;
}

static void plot_one(FILE *f, json_t *exp, const struct exp_plot *s, int *plots)
{
	json_t *ms[MAX_PLOT];
	double x[MAX_PLOT];
	int n = pick(exp, s->pattern, s->exclude, ms), i;

	if (n == 0)
		return;
	switch (s->kind) {
	case PK_BARS:
		emit_svg(f, plot_bars(s->title, ms, n), s->title, plots);
		break;
	case PK_CDF:
		emit_svg(f, plot_cdf(s->title, ms, n), s->title, plots);
		break;
	case PK_LINES:
		for (i = 0; i < n; i++) {
			const char *dot = strrchr(jstr(ms[i], "id"), '.');

			x[i] = dot ? strtod(dot + 1, NULL) : i;
		}
		emit_svg(f, plot_lines(s->title, s->xlabel, x, ms, n), s->title, plots);
		break;
	}
}

/* No spec: bars of the metrics per unit (up to four units), and a CDF of those with one. */
static void plot_default(FILE *f, json_t *exp, int *plots)
{
	const char *units[4] = { NULL };
	json_t *ms[MAX_PLOT], *m;
	int nu = 0, n, u;
	size_t i;

	json_array_foreach(json_object_get(exp, "metrics"), i, m)
	{
		const char *unit = jstr(m, "unit");
		int k;

		if (!usable(m))
			continue;
		for (k = 0; k < nu && strcmp(units[k], unit); k++)
			;
		if (k == nu && nu < 4)
			units[nu++] = unit;
	}
	for (u = 0; u < nu; u++) {
		char title[160];

		n = 0;
		json_array_foreach(json_object_get(exp, "metrics"), i, m)
		{
			if (usable(m) && n < 24 && !strcmp(jstr(m, "unit"), units[u]))
				ms[n++] = m;
		}
		snprintf(title, sizeof(title), "%s (%s)", jstr(exp, "name"), units[u]);
		emit_svg(f, plot_bars(title, ms, n), title, plots);
	}
	n = 0;
	json_array_foreach(json_object_get(exp, "metrics"), i, m)
	{
		if (usable(m) && n < 12 && json_is_array(json_object_get(m, "cdf")))
			ms[n++] = m;
	}
	if (n) {
		char title[160];

		snprintf(title, sizeof(title), "%s: latency CDF", jstr(exp, "name"));
		emit_svg(f, plot_cdf(title, ms, n), title, plots);
	}
}

static void metric_row(FILE *f, json_t *m)
{
	const char *unit = jstr(m, "unit");
	json_t *paper = json_object_get(m, "paper"), *fl;
	char med[32], lo[32], hi[32], pap[32];
	size_t i;

	fprintf(f, "<tr><td title=\"");
	html_esc(f, jstr(m, "id"));
	fprintf(f, "\">");
	html_esc(f, jstr(m, "label"));
	fprintf(f, "</td>");
	if (json_is_object(paper))
		table_fmt(load_num(paper, "value"), unit, pap, sizeof(pap));
	else
		snprintf(pap, sizeof(pap), "-");
	if (!usable(m)) {
		fprintf(f, "<td class=\"num\">-</td><td>");
		html_esc(f, jstr(m, "method"));
		fprintf(f, "</td><td class=\"num\">");
		html_esc(f, pap);
		fprintf(f, "</td><td class=\"na\">unavailable: ");
		html_esc(f, jstr(m, "unavailable"));
		fprintf(f, "</td></tr>\n");
		return;
	}
	table_fmt(load_num(m, "median"), unit, med, sizeof(med));
	table_fmt(load_num(m, "p25"), unit, lo, sizeof(lo));
	table_fmt(load_num(m, "p75"), unit, hi, sizeof(hi));
	fprintf(f, "<td class=\"num\"><b>");
	html_esc(f, med);
	fprintf(f, "</b> <span class=\"muted\">[");
	html_esc(f, lo);
	fprintf(f, " &ndash; ");
	html_esc(f, hi);
	fprintf(f, "] n=%lld</span>", (long long)json_integer_value(json_object_get(m, "n")));
	json_array_foreach(json_object_get(m, "flags"), i, fl)
	{
		fprintf(f, " <span class=\"flag\">");
		html_esc(f, json_string_value(fl));
		fprintf(f, "</span>");
	}
	fprintf(f, "</td><td>");
	html_esc(f, jstr(m, "method"));
	fprintf(f, "</td><td class=\"num\">");
	html_esc(f, pap);
	fprintf(f, "</td><td class=\"%s\">",
		!strncmp(jstr(m, "verdict"), "agrees", 6)    ? "ok"
		: !strncmp(jstr(m, "verdict"), "differs", 7) ? "diff"
							     : "muted");
	html_esc(f, jstr(m, "verdict"));
	if (json_is_string(json_object_get(m, "note"))) {
		fprintf(f, "<div class=\"note\">");
		html_esc(f, jstr(m, "note"));
		fprintf(f, "</div>");
	}
	fprintf(f, "</td></tr>\n");
}

/* What the machine was doing meanwhile (steal, other processes, frequency), if recorded. */
static void machine_line(FILE *f, json_t *mach)
{
	double steal = load_num(mach, "steal_pct"), others = load_num(mach, "others_cpu_pct");
	double lo = load_num(mach, "cpu_mhz_min"), hi = load_num(mach, "cpu_mhz_max");

	if (!json_is_object(mach))
		return;
	fprintf(f,
		"<p class=\"%s\">Machine meanwhile: steal %.1f %%, other processes %.1f %% "
		"of the CPUs",
		json_is_true(json_object_get(mach, "busy")) ? "error" : "muted", steal, others);
	if (!isnan(lo))
		fprintf(f, ", %.0f&ndash;%.0f MHz", lo, hi);
	if (json_is_true(json_object_get(mach, "busy")))
		fprintf(f, ": <b>busy enough to spoil the figures</b>");
	fprintf(f, "</p>\n");
}

/* Where the live packets went: "veth" on one host, "two hosts, DEV -> DEV" with --remote. */
static void path_words(FILE *f, json_t *topo)
{
	if (strcmp(jstr(topo, "kind"), "two-hosts")) {
		fprintf(f, "veth between two namespaces");
		return;
	}
	fprintf(f, "two hosts, ");
	html_esc(f, jstr(topo, "dev"));
	fprintf(f, " -&gt; ");
	html_esc(f, jstr(topo, "remote_dev"));
	fprintf(f, " on ");
	html_esc(f, jstr(topo, "host"));
}

static void experiment_section(FILE *f, json_t *exp, bool can_plot, int *plots)
{
	const char *name = jstr(exp, "name");
	const struct experiment *e = exp_find(name);
	const struct exp_plot *p;
	json_t *m, *note;
	size_t i;

	fprintf(f, "<section id=\"exp-");
	html_esc(f, name);
	fprintf(f, "\"><h2>");
	html_esc(f, name);
	fprintf(f, " <span class=\"muted\">(paper ");
	html_esc(f, jstr(exp, "paper"));
	fprintf(f, ")</span></h2>\n<p class=\"question\">");
	html_esc(f, jstr(exp, "question"));
	fprintf(f, "</p>\n<p class=\"muted\">%s, %.1f s</p>\n",
		strcmp(jstr(exp, "status"), "ok") ? "failed" : "ran", load_num(exp, "duration_s"));
	machine_line(f, json_object_get(exp, "machine"));
	if (json_is_string(json_object_get(exp, "error"))) {
		fprintf(f, "<p class=\"error\">Failed: ");
		html_esc(f, jstr(exp, "error"));
		fprintf(f, "</p>\n");
	}
	if (can_plot && e && e->plots && e->plots[0].title)
		for (p = e->plots; p->title; p++)
			plot_one(f, exp, p, plots);
	else if (can_plot)
		plot_default(f, exp, plots);
	fprintf(f, "<table><thead><tr><th>metric</th><th>ours: median [p25 &ndash; p75] "
		   "n</th><th>method</th><th>paper</th><th>verdict</th></tr></thead><tbody>\n");
	json_array_foreach(json_object_get(exp, "metrics"), i, m)
	{
		metric_row(f, m);
	}
	fprintf(f, "</tbody></table>\n");
	if (json_array_size(json_object_get(exp, "notes"))) {
		fprintf(f, "<h3>Notes</h3><ul class=\"notes\">\n");
		json_array_foreach(json_object_get(exp, "notes"), i, note)
		{
			fprintf(f, "<li>");
			html_esc(f, json_string_value(note));
			fprintf(f, "</li>\n");
		}
		fprintf(f, "</ul>\n");
	}
	fprintf(f, "</section>\n");
}

static void env_section(FILE *f, json_t *env)
{
	const char *k;
	json_t *v;

	fprintf(f, "<section id=\"environment\"><h2>Environment</h2><table class=\"env\">\n");
	json_object_foreach(env, k, v)
	{
		char *s = json_is_string(v)
				  ? NULL
				  : json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

		fprintf(f, "<tr><th>");
		html_esc(f, k);
		fprintf(f, "</th><td><code>");
		html_esc(f, s ? s : json_string_value(v));
		fprintf(f, "</code></td></tr>\n");
		free(s);
	}
	fprintf(f, "</table></section>\n");
}

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
	"max-width:1100px;margin:24px auto;padding:0 16px;color:#1a202c}"
	"h1{font-size:26px;margin-bottom:4px}h2{border-bottom:2px solid #e2e8f0;padding-bottom:4px;"
	"margin-top:40px}table{border-collapse:collapse;width:100%;margin:12px 0;font-size:13px}"
	"th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}"
	"thead th{background:#f7fafc}td.num{white-space:nowrap}.muted{color:#718096}"
	".ok{color:#276749}.diff{color:#9c4221}.na{color:#718096;font-style:italic}"
	".flag{background:#fefcbf;border-radius:3px;padding:0 4px;font-size:11px}"
	".note{color:#4a5568;font-size:12px}.question{font-size:16px;font-weight:600}"
	".error{color:#c53030;font-weight:600}figure.plot{margin:12px 0}"
	"figure.plot svg{max-width:100%;height:auto}"
	".tk td:first-child{width:42%}.st{font-weight:600;white-space:nowrap}"
	".st-reproduced{color:#276749}.st-differs{color:#9c4221}.st-not{color:#718096}"
	".st-inconclusive{color:#975a16}"
	"table.env td code{font-size:12px;word-break:break-all}nav a{margin-right:12px}";

/* One "label: value" line of the try section, value escaped; nothing when it is missing. */
static void try_line(FILE *f, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(f, "<li>%s: <code>", label);
	html_esc(f, value);
	fprintf(f, "</code></li>\n");
}

/* offloadlab try's verdict on top: its words, the model's, and what was measured. */
static void try_summary(FILE *f, json_t *t)
{
	json_t *v = json_object_get(t, "verdict"), *w = json_object_get(t, "workload"), *p;
	const char *word = jstr(v, "word");
	size_t i;

	fprintf(f, "<section id=\"summary\"><h2>Your offload, here</h2>\n<p class=\"st %s\">",
		!strcmp(word, "pays here")	     ? "st-reproduced"
		: !strcmp(word, "does not pay here") ? "st-differs"
						     : "st-inconclusive");
	html_esc(f, json_is_string(json_object_get(v, "text")) ? jstr(v, "text")
							       : "no verdict: the run did not end");
	fprintf(f, "</p>\n<p>");
	html_esc(f, jstr(v, "model"));
	fprintf(f, "</p>\n<ul>\n");
	try_line(f, "server", jstr(t, "server"));
	try_line(f, "offload", jstr(t, "offload"));
	try_line(f, "attach", jstr(t, "attach"));
	try_line(f, "detach", jstr(t, "detach"));
	try_line(f, "object", jstr(json_object_get(t, "object"), "file"));
	try_line(f, "program", jstr(json_object_get(t, "object"), "program"));
	try_line(f, "workload", jstr(w, "file"));
	try_line(f, "workload digest", jstr(w, "digest"));
	json_array_foreach(json_object_get(t, "programs"), i, p)
	{
		fprintf(f, "<li>program measured: <code>");
		html_esc(f, jstr(p, "name"));
		fprintf(f, "</code> on ");
		html_esc(f, jstr(p, "hook"));
		fprintf(f, ", tag <code>");
		html_esc(f, jstr(p, "tag"));
		fprintf(f, "</code></li>\n");
	}
	fprintf(f, "</ul>\n");
	fprintf(f, "</section>\n");
}

/*
 * The HTML report of one run: a single self-contained page (inline CSS and SVG, no scripts,
 * no fetches) with the study's takeaways judged on top, a section per experiment (question,
 * plots, the table of metrics, notes) and the environment at the bottom. src names the run in
 * the page. Returns 0, or -errno.
 */
static int report_html(json_t *doc, const char *src, FILE *f)
{
	struct takeaway tk[16];
	size_t ntk, i;
	json_t *exp;
	bool can_plot = plot_available();
	int plots = 0;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		   "<title>offloadlab report ");
	html_esc(f, jstr(doc, "started"));
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
	fprintf(f, "<h1>offloadlab report</h1>\n<p class=\"muted\">Run ");
	html_esc(f, jstr(doc, "started"));
	fprintf(f, "%s, %.0f s, from <code>",
		json_is_true(json_object_get(doc, "quick")) ? " (--quick: few samples)" : "",
		load_num(doc, "duration_s"));
	html_esc(f, src);
	fprintf(f, "</code>. Reproducing &ldquo;Demystifying Performance of eBPF Network "
		   "Applications&rdquo; (CoNEXT 2025) on one machine, unpatched kernel ");
	html_esc(f, jstr(json_object_get(doc, "environment"), "kernel"));
	fprintf(f, ".</p>\n<nav>");
	json_array_foreach(json_object_get(doc, "experiments"), i, exp)
	{
		fprintf(f, "<a href=\"#exp-");
		html_esc(f, jstr(exp, "name"));
		fprintf(f, "\">");
		html_esc(f, jstr(exp, "name"));
		fprintf(f, "</a>");
	}
	fprintf(f, "<a href=\"#environment\">environment</a></nav>\n");

	if (json_is_object(json_object_get(doc, "try"))) {
		/* offloadlab try: the user's offload's verdict, not the study's takeaways */
		try_summary(f, json_object_get(doc, "try"));
		goto sections;
	}
	ntk = takeaways_judge(doc, tk, ARRAY_SIZE(tk));
	fprintf(f, "<section id=\"summary\"><h2>The study's takeaways, here</h2>"
		   "<table class=\"tk\"><thead><tr><th>the study says</th><th>here</th><th>why"
		   "</th></tr></thead><tbody>\n");
	for (i = 0; i < ntk; i++) {
		const char *cls = tk[i].status == TK_REPRODUCED	    ? "st-reproduced"
				  : tk[i].status == TK_DIFFERS	    ? "st-differs"
				  : tk[i].status == TK_INCONCLUSIVE ? "st-inconclusive"
								    : "st-not";

		fprintf(f, "<tr><td>");
		html_esc(f, tk[i].claim);
		fprintf(f, "</td><td class=\"st %s\">%s</td><td>", cls,
			tk_status_name(tk[i].status));
		html_esc(f, tk[i].why);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n<p class=\"muted\">Every number is a median with its "
		   "interquartile range and sample count; the method says how it was measured "
		   "(test-run: BPF_PROG_TEST_RUN, an upper bound; live: real packets over ");
	path_words(f, json_object_get(doc, "topology"));
	fprintf(f, "; bpf-stats: the kernel's run-time counters; model: computed from other "
		   "metrics; native: the same C in user space). A verdict is judged on the 95 %% "
		   "confidence interval of the median: &ldquo;agrees&rdquo; when it meets the "
		   "paper's value +-30 %% (+-5 percentage points for changes in %%), "
		   "&ldquo;differs&rdquo; when it lies outside, &ldquo;inconclusive&rdquo; when "
		   "it is wider than that band.</p>\n");
	machine_line(f, json_object_get(doc, "machine"));
	fprintf(f, "</section>\n");
sections:
	if (!can_plot)
		fprintf(f, "<p class=\"error\">No plots: gnuplot could not be run (install "
			   "gnuplot-nox, or run scripts/install-deps.sh).</p>\n");
	json_array_foreach(json_object_get(doc, "experiments"), i, exp)
	{
		experiment_section(f, exp, can_plot, &plots);
	}
	env_section(f, json_object_get(doc, "environment"));
	fprintf(f,
		"<p class=\"muted\">offloadlab results schema version %lld; %d plot(s).</p>\n"
		"</body></html>\n",
		(long long)json_integer_value(json_object_get(doc, "schema_version")), plots);
	return ferror(f) ? -EIO : 0;
}

struct page {
	json_t *doc;
	const char *src;
};

static int fill_page(FILE *f, void *arg)
{
	struct page *p = arg;

	return report_html(p->doc, p->src, f);
}

int report_write(json_t *doc, const char *src, const char *path)
{
	struct page p = { doc, src };

	return atomic_write(path, fill_page, &p);
}

/* ---- offloadlab report ---- */

struct report_args {
	const char *in;
	const char *out;
};

static const char report_doc[] =
	"Write the HTML report of a run: the study's takeaways judged on this machine, each "
	"experiment's question, plots (gnuplot), table and notes, and the environment. One "
	"self-contained file: no scripts, nothing fetched."
	"\vRUN is a run folder (results/<timestamp>) or a results.json.\n"
	"Examples:\n"
	"  offloadlab report results/20261124-101500\n"
	"  offloadlab report run.json -o /tmp/run.html\n"
	"Default output: report.html beside the results.json. FILE may be this command's stdout\n"
	"(-o /dev/stdout), a FIFO or a terminal: the page is written through it. A symbolic link\n"
	"to a file, a folder, a socket or another device is refused, never replaced.";

static const struct argp_option report_options[] = {
	{ "output", 'o', "FILE", 0, "Where to write the page (default: RUN/report.html)", 0 },
	{ 0 },
};

static error_t report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_args *a = state->input;

	switch (key) {
	case 'o':
		a->out = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->in)
			argp_error(state, "one run at a time (got '%s' and '%s')", a->in, arg);
		a->in = arg;
		break;
	case ARGP_KEY_END:
		if (!a->in)
			argp_error(state, "which run? give a run folder or a results.json");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int report_main(int argc, char **argv)
{
	struct argp argp = { report_options, report_parse, "RUN", report_doc, NULL, NULL, NULL };
	struct report_args a = { 0 };
	char resolved[4096], out[4200], why[512];
	json_t *doc;
	int err, kind;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	doc = load_results(a.in, resolved, sizeof(resolved));
	if (!doc)
		return EXIT_FAIL;
	if (a.out) {
		snprintf(out, sizeof(out), "%s", a.out);
	} else {
		char *slash;

		snprintf(out, sizeof(out), "%s", resolved);
		slash = strrchr(out, '/');
		snprintf(slash ? slash + 1 : out,
			 sizeof(out) - (size_t)(slash ? slash + 1 - out : 0), "report.html");
	}
	kind = out_check(out, why, sizeof(why));
	if (kind < 0) {
		fprintf(stderr, "offloadlab report: %s\n", why);
		json_decref(doc);
		return EXIT_FAIL;
	}
	err = report_write(doc, resolved, out);
	json_decref(doc);
	if (err) {
		log_errno(err, "write %s", out);
		return EXIT_FAIL;
	}
	if (kind == OUT_FILE) /* its path; a stream (e.g. -o /dev/stdout) got the page itself */
		printf("%s\n", out);
	return EXIT_OK;
}
