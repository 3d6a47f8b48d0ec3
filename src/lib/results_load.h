/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_RESULTS_LOAD_H
#define OLAB_RESULTS_LOAD_H

#include <jansson.h>

/*
 * Load a results document: a results.json, or a run folder holding one. Only a regular file
 * of at most RESULTS_MAX_BYTES is read (a FIFO, a device or a bigger file is refused with the
 * reason, at once). Checks that it is an offloadlab document of the schema version this
 * build reads; on failure prints why (file, line, or the version found and the one expected)
 * and returns NULL.
 */
json_t *load_results(const char *path, char *resolved, size_t len);

/* The metric with this id in a loaded document, or NULL. */
json_t *load_metric(json_t *doc, const char *id);

/* A number field of a metric; NAN when missing or null. */
double load_num(json_t *metric, const char *field);

#endif
