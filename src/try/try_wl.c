// SPDX-License-Identifier: GPL-2.0
/*
 * The workload's requests file and what both readers share (try_wl.h): the workload's
 * storage, its classes, the file read, the digest and the weighted draw.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "try/try_wl.h"

void wl_init(struct workload *w)
{
	memset(w, 0, sizeof(*w));
}

void wl_free(struct workload *w)
{
	free(w->req);
	free(w->blob);
	wl_init(w);
}

/* The index of class label (added when new), or -E2BIG past WL_CLASSES_MAX. */
int wl_class_index(struct workload *w, const char *label, size_t len)
{
	unsigned int i;

	for (i = 0; i < w->ncls; i++)
		if (strlen(w->cls[i]) == len && !memcmp(w->cls[i], label, len))
			return (int)i;
	if (w->ncls >= WL_CLASSES_MAX)
		return -E2BIG;
	memcpy(w->cls[w->ncls], label, len);
	w->cls[w->ncls][len] = '\0';
	return (int)w->ncls++;
}

/* One request appended (payload copied). 0, -E2BIG past WL_REQS_MAX, or -ENOMEM. */
int wl_add(struct workload *w, const unsigned char *p, size_t len, uint32_t weight, int cls)
{
	if (w->n >= WL_REQS_MAX)
		return -E2BIG;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct wl_req *r = realloc(w->req, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		w->req = r;
		w->cap = cap;
	}
	if (w->blob_len + len > w->blob_cap) {
		size_t cap = w->blob_cap ? w->blob_cap : 4096;
		unsigned char *b;

		while (cap < w->blob_len + len)
			cap *= 2;
		b = realloc(w->blob, cap);
		if (!b)
			return -ENOMEM;
		w->blob = b;
		w->blob_cap = cap;
	}
	memcpy(w->blob + w->blob_len, p, len);
	w->req[w->n] = (struct wl_req){ .off = (uint32_t)w->blob_len,
					.len = (uint32_t)len,
					.weight = weight,
					.cls = (uint16_t)cls };
	w->blob_len += len;
	w->total_weight += weight;
	w->n++;
	return 0;
}

static int line_err(char *why, size_t whylen, const char *name, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int line_err(char *why, size_t whylen, const char *name, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, whylen, "%s:%zu: ", name, line);

	if (n < 0 || (size_t)n >= whylen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool class_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* s[0..len) unescaped into out (WL_PAYLOAD_MAX bytes): its length, or -EINVAL with why. */
static int unescape(const unsigned char *s, size_t len, unsigned char *out, const char *name,
		    size_t line, char *why, size_t whylen)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];
		int h, l;

		if (o >= WL_PAYLOAD_MAX)
			return line_err(why, whylen, name, line,
					"the payload is longer than %d bytes", WL_PAYLOAD_MAX);
		if (c != '\\') {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return line_err(why, whylen, name, line,
						"a raw control byte 0x%02x in column %zu: write it "
						"as \\x%02x",
						c, i + 1, c);
			out[o++] = c;
			continue;
		}
		if (++i >= len)
			return line_err(why, whylen, name, line,
					"a lone '\\' at the end of the line (write \\\\ for a "
					"backslash)");
		switch (s[i]) {
		case 'r':
			out[o++] = '\r';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case '\\':
			out[o++] = '\\';
			break;
		case 'x':
			h = i + 1 < len ? hexval(s[i + 1]) : -1;
			l = i + 2 < len ? hexval(s[i + 2]) : -1;
			if (h < 0 || l < 0)
				return line_err(why, whylen, name, line,
						"\\x needs two hex digits (\\x00 .. \\xff)");
			out[o++] = (unsigned char)(h << 4 | l);
			i += 2;
			break;
		default:
			if (s[i] >= 0x20 && s[i] < 0x7f)
				return line_err(why, whylen, name, line,
						"unknown escape '\\%c' (known: \\r \\n \\t \\\\ "
						"\\xHH)",
						s[i]);
			return line_err(why, whylen, name, line,
					"unknown escape '\\' then byte 0x%02x (known: \\r \\n \\t "
					"\\\\ \\xHH)",
					s[i]);
		}
	}
	return (int)o;
}

/* One line (without its newline) of a requests file. */
static int parse_line(struct workload *w, const unsigned char *s, size_t len, const char *name,
		      size_t line, unsigned char *payload, char *why, size_t whylen)
{
	size_t i = 0, c0, c1;
	uint64_t weight = 0;
	int cls, plen, err;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	if (s[i] < '0' || s[i] > '9')
		return line_err(why, whylen, name, line,
				"a line is 'weight class payload': the weight (1..%d) first",
				WL_WEIGHT_MAX);
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		weight = weight * 10 + (uint64_t)(s[i] - '0');
		if (weight > WL_WEIGHT_MAX)
			return line_err(why, whylen, name, line, "the weight is over %d",
					WL_WEIGHT_MAX);
	}
	if (weight == 0)
		return line_err(why, whylen, name, line,
				"a weight of 0 (leave the line out, or comment it with '#')");
	if (i == len || (s[i] != ' ' && s[i] != '\t'))
		return line_err(why, whylen, name, line,
				"the weight is a whole number followed by a blank and the class");
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	c0 = i;
	while (i < len && class_char(s[i]))
		i++;
	c1 = i;
	if (c1 == c0)
		return line_err(why, whylen, name, line,
				"no class after the weight (a label of letters, digits, '_', "
				"'.', '-')");
	if (c1 - c0 > WL_CLASS_LEN)
		return line_err(why, whylen, name, line, "the class is longer than %d characters",
				WL_CLASS_LEN);
	if (i == len)
		return line_err(why, whylen, name, line, "no payload after the class");
	if (s[i] != ' ' && s[i] != '\t')
		return line_err(why, whylen, name, line,
				"the class holds 0x%02x: labels are letters, digits, '_', '.', '-'",
				s[i]);
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len)
		return line_err(why, whylen, name, line, "no payload after the class");
	plen = unescape(s + i, len - i, payload, name, line, why, whylen);
	if (plen < 0)
		return plen;
	cls = wl_class_index(w, (const char *)s + c0, c1 - c0);
	if (cls < 0)
		return line_err(why, whylen, name, line, "more than %d classes", WL_CLASSES_MAX);
	err = wl_add(w, payload, (size_t)plen, (uint32_t)weight, cls);
	if (err == -E2BIG)
		return line_err(why, whylen, name, line, "more than %d requests", WL_REQS_MAX);
	if (err) {
		snprintf(why, whylen, "%s:%zu: out of memory", name, line);
		return err;
	}
	return 0;
}

int wl_parse_requests(struct workload *w, const char *name, const unsigned char *buf, size_t len,
		      char *why, size_t whylen)
{
	unsigned char *payload;
	size_t pos = 0, line = 0, n0 = w->n;
	int err = 0;

	if (len > WL_REQFILE_MAX) {
		snprintf(why, whylen, "%s: %zu bytes, more than a requests file may hold (%u)",
			 name, len, WL_REQFILE_MAX);
		return -E2BIG;
	}
	payload = malloc(WL_PAYLOAD_MAX);
	if (!payload) {
		snprintf(why, whylen, "%s: out of memory", name);
		return -ENOMEM;
	}
	while (!err && pos < len) {
		const unsigned char *nl = memchr(buf + pos, '\n', len - pos);
		size_t raw = nl ? (size_t)(nl - (buf + pos)) : len - pos, l = raw;

		line++;
		if (l > WL_LINE_MAX) {
			err = line_err(why, whylen, name, line, "longer than %d bytes",
				       WL_LINE_MAX);
			break;
		}
		if (memchr(buf + pos, '\0', l)) {
			err = line_err(why, whylen, name, line,
				       "a NUL byte (write it as \\x00): is this a text file?");
			break;
		}
		if (l && buf[pos + l - 1] == '\r')
			l--; /* a CRLF line end */
		err = parse_line(w, buf + pos, l, name, line, payload, why, whylen);
		pos += raw + (nl ? 1 : 0);
	}
	free(payload);
	if (!err && w->n == n0) {
		snprintf(why, whylen, "%s: no request in it (only comments or blank lines)", name);
		err = -EINVAL;
	}
	return err;
}

int wl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len, char *why,
		 size_t whylen)
{
	struct stat st;
	unsigned char *b = NULL;
	size_t have = 0;
	int fd, err = 0;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO is refused below, not waited on */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-err));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		err = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(why, whylen, "%s: %lld bytes, more than the %zu it may hold", path,
			 (long long)st.st_size, max);
		err = -E2BIG;
		goto out;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		err = -ENOMEM;
		snprintf(why, whylen, "%s: out of memory", path);
		goto out;
	}
	/* the file may change under us: never read more than its size said */
	while (have < (size_t)st.st_size) {
		ssize_t r = read(fd, b + have, (size_t)st.st_size - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			snprintf(why, whylen, "%s: %s", path, strerror(-err));
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	*buf = b;
	*len = have;
	b = NULL;
out:
	free(b);
	close(fd);
	return err;
}

void wl_digest(const struct workload *w, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i, j;

	for (i = 0; i < w->n; i++) {
		const unsigned char *p = wl_payload(w, i);
		const char *c = w->cls[w->req[i].cls];
		uint32_t hdr[2] = { w->req[i].weight, w->req[i].len };

		for (j = 0; j < sizeof(hdr); j++)
			h = (h ^ ((const unsigned char *)hdr)[j]) * 0x100000001b3ULL;
		for (j = 0; j <= strlen(c); j++)
			h = (h ^ (unsigned char)c[j]) * 0x100000001b3ULL;
		for (j = 0; j < w->req[i].len; j++)
			h = (h ^ p[j]) * 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int wl_pick_table(const struct workload *w, uint32_t **idx)
{
	uint32_t *t;
	uint64_t acc = 0;
	size_t i, k = 0;

	*idx = NULL;
	if (!w->n || !w->total_weight)
		return -EINVAL;
	t = malloc(WL_PICK * sizeof(*t));
	if (!t)
		return -ENOMEM;
	/* slot k goes to the request whose share of the cumulative weight covers it */
	for (i = 0; i < w->n; i++) {
		acc += w->req[i].weight;
		while (k < WL_PICK && (uint64_t)k * w->total_weight < acc * WL_PICK)
			t[k++] = (uint32_t)i;
	}
	while (k < WL_PICK)
		t[k++] = (uint32_t)(w->n - 1);
	*idx = t;
	return 0;
}
