// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>

#include "lib/table_fmt.h"
#include "report/table.h"

/* The experiment's paper-shaped view, if it has one ("*": few samples or a wide spread). */
static void table_print_view(FILE *f, const struct result *r);

static void flags_str(const struct metric *m, char *buf, size_t len)
{
	buf[0] = '\0';
	if (m->flags & METRIC_WIDE)
		strncat(buf, " wide!", len - strlen(buf) - 1);
	if (m->flags & METRIC_NONLINEAR)
		strncat(buf, " nonlinear!", len - strlen(buf) - 1);
	if (m->flags & METRIC_FEW)
		strncat(buf, " few!", len - strlen(buf) - 1);
	if (m->flags & METRIC_GENBOUND)
		strncat(buf, " genbound!", len - strlen(buf) - 1);
}

void table_print(FILE *f, const struct result *r, const char *question, const char *paper)
{
	char med[24], lo[24], hi[24], pap[24], ours[128], verdict[96], fl[48];
	size_t i;

	fprintf(f, "\n== %s (paper %s): %s\n", r->exp, paper, question);
	if (r->error[0])
		fprintf(f, "   FAILED: %s\n", r->error);
	table_print_view(f, r);
	if (r->view)
		fputc('\n', f);
	fprintf(f, "   %-60s %-34s %-9s %-9s %s\n", "metric", "ours: median [p25-p75] n", "method",
		"paper", "verdict");
	for (i = 0; i < r->n; i++) {
		const struct metric *m = r->m[i];

		if (m->has_paper)
			table_fmt(m->paper, m->unit, pap, sizeof(pap));
		else
			snprintf(pap, sizeof(pap), "-");
		if (m->unavailable[0]) {
			fprintf(f, "   %-60s %-34s %-9s %-9s unavailable: %s\n", m->label, "-",
				method_name(m->method), pap, m->unavailable);
			continue;
		}
		table_fmt(m->s.p50, m->unit, med, sizeof(med));
		table_fmt(m->s.p25, m->unit, lo, sizeof(lo));
		table_fmt(m->s.p75, m->unit, hi, sizeof(hi));
		if (m->flags & METRIC_FEW)
			snprintf(ours, sizeof(ours), "%s [%s-%s] n=%llu of %llu", med, lo, hi,
				 (unsigned long long)m->s.n, (unsigned long long)m->wanted);
		else
			snprintf(ours, sizeof(ours), "%s [%s-%s] n=%llu", med, lo, hi,
				 (unsigned long long)m->s.n);
		metric_verdict(m, verdict, sizeof(verdict));
		flags_str(m, fl, sizeof(fl));
		fprintf(f, "   %-60s %-34s %-9s %-9s %s%s\n", m->label, ours,
			method_name(m->method), pap, verdict, fl);
	}
	for (i = 0; i < r->nnotes; i++)
		fprintf(f, "   note: %s\n", r->notes[i]);
	for (i = 0; i < r->n; i++)
		if (r->m[i]->note[0] && !r->m[i]->unavailable[0])
			fprintf(f, "   * %s: %s\n", r->m[i]->label, r->m[i]->note);
	fprintf(f, "   (flags: wide! = IQR above half the median; nonlinear! = 2N iterations did "
		   "not take 2x N; few! = fewer samples than asked; genbound! = within 1.5x of "
		   "the load generator's ceiling, so it may measure the generator)\n");
}

static void view_cell(const struct result *r, const struct view_cell *c, char *buf, size_t len)
{
	const struct metric *m = NULL;
	size_t i;

	if (!c->id) {
		snprintf(buf, len, "%s", c->text ? c->text : "-");
		return;
	}
	for (i = 0; i < r->n; i++)
		if (!strcmp(r->m[i]->id, c->id))
			m = r->m[i];
	if (!m) {
		snprintf(buf, len, "?");
		return;
	}
	if (c->paper) {
		if (m->has_paper)
			table_fmt(m->paper, m->unit, buf, len);
		else
			snprintf(buf, len, "-");
		return;
	}
	if (m->unavailable[0] || isnan(m->s.p50)) {
		snprintf(buf, len, "n/a");
		return;
	}
	table_fmt(m->s.p50, m->unit, buf, len);
	if (m->flags & (METRIC_FEW | METRIC_WIDE)) {
		size_t l = strlen(buf);

		snprintf(buf + l, len - l, "%s", "*");
	}
}

static void table_print_view(FILE *f, const struct result *r)
{
	const struct view *v = r->view;
	char cell[48];
	int i, j;

	if (!v)
		return;
	fprintf(f, "\n   %s\n   ", v->title);
	for (j = 0; j < v->ncols; j++)
		fprintf(f, j ? "%-16s" : "%-12s", v->cols[j]);
	fputc('\n', f);
	for (i = 0; i < v->nrows; i++) {
		fprintf(f, "   %-12s", v->rows[i].label);
		for (j = 1; j < v->ncols; j++) {
			view_cell(r, &v->rows[i].c[j - 1], cell, sizeof(cell));
			fprintf(f, "%-16s", cell);
		}
		fputc('\n', f);
	}
	if (v->footer)
		fprintf(f, "   %s\n", v->footer);
}
