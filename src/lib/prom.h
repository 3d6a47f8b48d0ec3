/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PROM_H
#define OLAB_PROM_H

/*
 * Metrics in Prometheus' text exposition format (version 0.0.4), as memcached_exporter and
 * node_exporter's textfile collector expect: each family's HELP and TYPE once, before its
 * samples, which stay together; label values and help text escaped; names checked.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum prom_type { PROM_COUNTER, PROM_GAUGE };

#define PROM_MAX_FAMILIES 64

struct prom {
	FILE *f;
	int err; /* the first error (-EINVAL: a bad name, a family split or redeclared) */
	int nfam;
	const char *fam[PROM_MAX_FAMILIES]; /* families declared, the last one open */
};

void prom_init(struct prom *p, FILE *f);

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; without ':' and not "__..." for label names. */
bool prom_name_ok(const char *name);
bool prom_label_name_ok(const char *name);

/*
 * Open a family: its "# HELP" and "# TYPE" lines. A counter's name ends in "_total". name and
 * help must outlive p (string literals). Declaring a family twice is an error.
 */
void prom_family(struct prom *p, const char *name, enum prom_type type, const char *help);

/*
 * One sample of the open family: name{label="value",...} v. labels is NULL or pairs of name
 * and value ending with NULL; values are any bytes and are escaped.
 */
void prom_sample(struct prom *p, const char *const *labels, uint64_t v);
void prom_sample_f(struct prom *p, const char *const *labels, double v);

/* The first error met (0 when none), also any error of the stream. */
int prom_end(struct prom *p);

/*
 * For node_exporter's textfile collector: write DIR/NAME (NAME ends in ".prom" and is a plain
 * file name) whole or not at all, through a temporary file created exclusively beside it, so
 * the collector never reads half a file. fill writes the metrics. 0 or -errno.
 */
int prom_textfile(const char *dir, const char *name, int (*fill)(FILE *f, void *arg), void *arg);

#endif
