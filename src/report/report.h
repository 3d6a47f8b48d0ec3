/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_REPORT_H
#define OLAB_REPORT_H

#include <stdio.h>

#include <jansson.h>

/*
 * The HTML report of one run: a single self-contained page (inline CSS and SVG, no scripts,
 * no fetches) with the study's takeaways judged on top, a section per experiment (question,
 * plots, the table of metrics, notes) and the environment at the bottom. src names the run in
 * the page. Returns 0, or -errno.
 */
int report_html(json_t *doc, const char *src, FILE *out);

/* Write the report of doc to path atomically (temporary file, then rename). */
int report_write(json_t *doc, const char *src, const char *path);

/* offloadlab report RUN_DIR [-o FILE] */
int report_main(int argc, char **argv);

#endif
