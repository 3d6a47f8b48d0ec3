/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_REPORT_H
#define OLAB_REPORT_H

#include <stdio.h>

#include <jansson.h>

/* Write the report of doc to path atomically (temporary file, then rename). */
int report_write(json_t *doc, const char *src, const char *path);

/* offloadlab report RUN_DIR [-o FILE] */
int report_main(int argc, char **argv);

#endif
