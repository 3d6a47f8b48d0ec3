// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/atomicfile.h"
#include "lib/prom.h"

void prom_init(struct prom *p, FILE *f)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
}

static bool name_ok(const char *s, bool colon)
{
	const char *c;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || (colon && *c == ':')))
			return false;
	return true;
}

bool prom_name_ok(const char *name)
{
	return name_ok(name, true);
}

bool prom_label_name_ok(const char *name)
{
	return name_ok(name, false) && strncmp(name, "__", 2);
}

/* HELP text: backslash and newline escaped. Label values: the double quote too. */
static void escape(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (quote && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void prom_family(struct prom *p, const char *name, enum prom_type type, const char *help)
{
	size_t n = name ? strlen(name) : 0;
	int i;

	if (p->err)
		return;
	if (!prom_name_ok(name) || p->nfam == PROM_MAX_FAMILIES ||
	    (type == PROM_COUNTER && (n < 6 || strcmp(name + n - 6, "_total")))) {
		p->err = -EINVAL;
		return;
	}
	for (i = 0; i < p->nfam; i++)
		if (!strcmp(p->fam[i], name)) {
			p->err = -EINVAL; /* a family's samples must stay together */
			return;
		}
	p->fam[p->nfam++] = name;
	fprintf(p->f, "# HELP %s ", name);
	escape(p->f, help ? help : "", false);
	fprintf(p->f, "\n# TYPE %s %s\n", name, type == PROM_COUNTER ? "counter" : "gauge");
}

static bool labels_write(struct prom *p, const char *const *labels)
{
	const char *const *l;

	if (p->err || !p->nfam) {
		p->err = p->err ? p->err : -EINVAL;
		return false;
	}
	for (l = labels; l && l[0]; l += 2)
		if (!prom_label_name_ok(l[0]) || !l[1]) {
			p->err = -EINVAL;
			return false;
		}
	fputs(p->fam[p->nfam - 1], p->f);
	if (!labels || !labels[0])
		return true;
	fputc('{', p->f);
	for (l = labels; l[0]; l += 2) {
		fprintf(p->f, "%s%s=\"", l == labels ? "" : ",", l[0]);
		escape(p->f, l[1], true);
		fputc('"', p->f);
	}
	fputc('}', p->f);
	return true;
}

void prom_sample(struct prom *p, const char *const *labels, uint64_t v)
{
	if (labels_write(p, labels))
		fprintf(p->f, " %llu\n", (unsigned long long)v);
}

void prom_sample_f(struct prom *p, const char *const *labels, double v)
{
	if (!labels_write(p, labels))
		return;
	if (isnan(v))
		fputs(" NaN\n", p->f);
	else if (isinf(v))
		fputs(v > 0 ? " +Inf\n" : " -Inf\n", p->f);
	else
		fprintf(p->f, " %.17g\n", v);
}

int prom_end(struct prom *p)
{
	if (p->err)
		return p->err;
	return ferror(p->f) ? -EIO : 0;
}

int prom_textfile(const char *dir, const char *name, int (*fill)(FILE *f, void *arg), void *arg)
{
	char path[4096];
	struct stat st;
	size_t n = strlen(name);
	int len;

	/* the collector reads *.prom only: the temporary file beside it is never read */
	if (n <= 5 || strcmp(name + n - 5, ".prom") || strchr(name, '/') || name[0] == '.')
		return -EINVAL;
	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	len = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	return atomic_write(path, fill, arg);
}
