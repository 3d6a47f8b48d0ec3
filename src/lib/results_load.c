// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/results.h"
#include "lib/results_load.h"

static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)		  ? "a FIFO"
	       : S_ISSOCK(m)		  ? "a socket"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
					  : "not a regular file";
}

/*
 * The whole of a results file, or NULL with the reason said: only a regular file of at most
 * RESULTS_MAX_BYTES. Looked at before it is opened (opening a device can do things), opened
 * without blocking (a FIFO would wait for a writer forever), and checked again once open.
 */
static char *read_results(const char *path, size_t *len)
{
	struct stat st, o;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd = -1;

	if (stat(path, &st)) {
		log_info("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		log_info("%s is %s: refused; give a results.json or its run folder", path,
			 file_kind(st.st_mode));
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &o) || !S_ISREG(o.st_mode)) {
		log_info("%s: %s", path, fd < 0 ? strerror(errno) : "changed while it was opened");
		goto fail;
	}
	if (o.st_size > (off_t)RESULTS_MAX_BYTES) {
		log_info("%s holds %lld bytes, more than the %u MiB a results document may have: "
			 "refused (docs/results-schema.md)",
			 path, (long long)o.st_size, RESULTS_MAX_BYTES >> 20);
		goto fail;
	}
	/* one byte more than fstat said: a file that grows while it is read is caught */
	buf = malloc((size_t)o.st_size + 1);
	while (buf && n <= (size_t)o.st_size &&
	       (r = read(fd, buf + n, (size_t)o.st_size + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_info("%s: %s", path, strerror(errno));
			goto fail;
		}
		n += (size_t)r;
	}
	if (!buf || n > (size_t)o.st_size) {
		log_info("%s: %s", path, buf ? "grew while it was read: refused" : "out of memory");
		goto fail;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

json_t *load_results(const char *path, char *resolved, size_t len)
{
	json_error_t jerr;
	struct stat st;
	json_t *doc, *v;
	size_t n;
	char *buf;

	if (stat(path, &st)) {
		log_info("%s: no such file or folder", path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		snprintf(resolved, len, "%s/results.json", path);
	else
		snprintf(resolved, len, "%s", path);
	buf = read_results(resolved, &n);
	if (!buf)
		return NULL;
	doc = json_loadb(buf, n, 0, &jerr);
	free(buf);
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
