// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/log.h"
#include "lib/results.h"
#include "lib/results_load.h"

json_t *load_results(const char *path, char *resolved, size_t len)
{
	json_error_t jerr;
	struct stat st;
	json_t *doc, *v;

	if (stat(path, &st)) {
		log_info("%s: no such file or folder", path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		snprintf(resolved, len, "%s/results.json", path);
	else
		snprintf(resolved, len, "%s", path);
	doc = json_load_file(resolved, 0, &jerr);
	if (!doc) {
		log_info("%s: not a JSON document (line %d: %s)", resolved, jerr.line, jerr.text);
		return NULL;
	}
	v = json_object_get(doc, "schema");
	if (!json_is_string(v) || strcmp(json_string_value(v), "offloadlab-results")) {
		log_info("%s: not an offloadlab results document (no \"schema\": "
			 "\"offloadlab-results\")",
			 resolved);
		json_decref(doc);
		return NULL;
	}
	v = json_object_get(doc, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != RESULTS_SCHEMA_VERSION) {
		log_info("%s: results schema version %lld, but this offloadlab reads version %d: "
			 "use the offloadlab that wrote it, or re-run the experiments",
			 resolved, json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
			 RESULTS_SCHEMA_VERSION);
		json_decref(doc);
		return NULL;
	}
	if (!json_is_array(json_object_get(doc, "experiments"))) {
		log_info("%s: has no \"experiments\" array", resolved);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *load_metric(json_t *doc, const char *id)
{
	json_t *e, *m;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "experiments"), i, e)
	{
		json_array_foreach(json_object_get(e, "metrics"), j, m)
		{
			const char *mid = json_string_value(json_object_get(m, "id"));

			if (mid && !strcmp(mid, id))
				return m;
		}
	}
	return NULL;
}

double load_num(json_t *metric, const char *field)
{
	json_t *v = metric ? json_object_get(metric, field) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}
