// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afxdp_kv/akv_proto.h"

#define MAX_TOKENS 24 /* memcached's */
#define VERSION "VERSION 1.6.18-offloadlab-afxdp\r\n"

struct tok {
	const char *p;
	size_t n;
};

struct reply {
	char *b;
	size_t len, cap;
	bool full;
};

static void put(struct reply *r, const void *p, size_t n)
{
	if (r->full || r->len + n > r->cap) {
		r->full = true;
		return;
	}
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void puts_(struct reply *r, const char *s)
{
	put(r, s, strlen(s));
}

/* Decimal digits only, no sign, within u64 (memcached's safe_strtoull). */
static bool tok_u64(struct tok t, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!t.n || t.n > 20)
		return false;
	for (i = 0; i < t.n; i++) {
		unsigned int d = (unsigned int)(t.p[i] - '0');

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool tok_u32(struct tok t, uint32_t *v)
{
	uint64_t x;

	if (!tok_u64(t, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static bool tok_i64(struct tok t, int64_t *v)
{
	uint64_t x;

	if (t.n && t.p[0] == '-') {
		struct tok u = { t.p + 1, t.n - 1 };

		if (!tok_u64(u, &x) || x > (uint64_t)INT64_MAX)
			return false;
		*v = -(int64_t)x;
		return true;
	}
	if (!tok_u64(t, &x) || x > (uint64_t)INT64_MAX)
		return false;
	*v = (int64_t)x;
	return true;
}

static bool is(struct tok t, const char *w)
{
	return t.n == strlen(w) && !memcmp(t.p, w, t.n);
}

static int tokenize(const char *line, size_t n, struct tok *t)
{
	size_t i = 0;
	int nt = 0;

	while (i < n && nt < MAX_TOKENS) {
		while (i < n && line[i] == ' ')
			i++;
		if (i == n)
			break;
		t[nt].p = line + i;
		while (i < n && line[i] != ' ')
			i++;
		t[nt].n = (size_t)(line + i - t[nt].p);
		nt++;
	}
	return nt;
}

static void value_line(struct reply *r, const struct akv_item *it, bool with_cas)
{
	char h[320];
	int n = snprintf(h, sizeof(h), "VALUE %.*s %" PRIu32 " %" PRIu32, it->nkey, it->data,
			 it->flags, it->nbytes);

	if (with_cas)
		n += snprintf(h + n, sizeof(h) - (size_t)n, " %" PRIu64, it->cas);
	put(r, h, (size_t)n);
	put(r, "\r\n", 2);
	put(r, it->data + it->nkey, it->nbytes);
	put(r, "\r\n", 2);
}

/* get, gets, gat, gats: first is the first key's token */
static void cmd_get(struct akv_store *s, struct reply *r, struct tok *t, int nt, int first,
		    bool cas, bool touch, int64_t exptime)
{
	size_t mark = r->len;
	int i;

	if (nt <= first) {
		puts_(r, "ERROR\r\n");
		return;
	}
	for (i = first; i < nt; i++) {
		struct akv_item *it;

		if (t[i].n > AKV_KEY_MAX) {
			r->len = mark; /* memcached drops what it had */
			puts_(r, "CLIENT_ERROR bad command line format\r\n");
			return;
		}
		it = akv_get(s, t[i].p, t[i].n);
		if (!it)
			continue;
		if (touch)
			it->exptime = akv_abs_time(s, exptime);
		value_line(r, it, cas);
	}
	puts_(r, "END\r\n");
}

enum store_op { ST_SET, ST_ADD, ST_REPLACE, ST_APPEND, ST_PREPEND, ST_CAS };

/* A storage command; returns how many bytes of data (and its \r\n) it consumed. */
static size_t cmd_store(struct akv_store *s, struct reply *r, struct tok *t, int nt,
			enum store_op op, const char *data, size_t avail, bool *noreply)
{
	int want = op == ST_CAS ? 6 : 5;
	uint32_t flags, bytes;
	uint64_t cas = 0, flags64;
	int64_t exptime;
	struct akv_item *old;
	const char *out = NULL;

	*noreply = nt == want + 1 && is(t[want], "noreply");
	if (nt != want && nt != want + 1) {
		*noreply = false;
		puts_(r, "ERROR\r\n");
		return 0;
	}
	/* flags: memcached reads 64 bits and keeps the low 32 */
	if (t[1].n > AKV_KEY_MAX || !tok_u64(t[2], &flags64) || !tok_i64(t[3], &exptime) ||
	    !tok_u32(t[4], &bytes) || (op == ST_CAS && !tok_u64(t[5], &cas))) {
		*noreply = false;
		puts_(r, "CLIENT_ERROR bad command line format\r\n");
		return 0; /* the data, if any, is read as the next command (as memcached) */
	}
	flags = (uint32_t)flags64;
	/* memcached waits for the rest of a data block; a datagram has no rest: no reply */
	if ((size_t)bytes + 2 > avail) {
		*noreply = true;
		return avail;
	}
	if (data[bytes] != '\r' || data[bytes + 1] != '\n') {
		puts_(r, "CLIENT_ERROR bad data chunk\r\n");
		return (size_t)bytes + 2;
	}
	if (bytes > AKV_ITEM_MAX) {
		akv_delete(s, t[1].p, t[1].n); /* as memcached: a failed set removes the old */
		puts_(r, "SERVER_ERROR object too large for cache\r\n");
		return (size_t)bytes + 2;
	}
	old = akv_get(s, t[1].p, t[1].n);
	switch (op) {
	case ST_ADD:
		if (old) {
			out = "NOT_STORED\r\n";
			break;
		}
		/* fall through */
	case ST_SET:
		out = akv_put(s, t[1].p, t[1].n, flags, akv_abs_time(s, exptime), data, bytes)
			      ? "STORED\r\n"
			      : "SERVER_ERROR out of memory storing object\r\n";
		break;
	case ST_REPLACE:
		out = !old ? "NOT_STORED\r\n"
		      : akv_put(s, t[1].p, t[1].n, flags, akv_abs_time(s, exptime), data, bytes)
			      ? "STORED\r\n"
			      : "SERVER_ERROR out of memory storing object\r\n";
		break;
	case ST_CAS:
		if (!old)
			out = "NOT_FOUND\r\n";
		else if (old->cas != cas)
			out = "EXISTS\r\n";
		else
			out = akv_put(s, t[1].p, t[1].n, flags, akv_abs_time(s, exptime), data,
				      bytes)
				      ? "STORED\r\n"
				      : "SERVER_ERROR out of memory storing object\r\n";
		break;
	case ST_APPEND:
	case ST_PREPEND: {
		/* the old item's flags and exptime stay; only its data grows */
		size_t n;
		char *v;

		if (!old) {
			out = "NOT_STORED\r\n";
			break;
		}
		n = (size_t)old->nbytes + bytes;
		if (n > AKV_ITEM_MAX) {
			out = "SERVER_ERROR object too large for cache\r\n";
			break;
		}
		v = malloc(n ? n : 1);
		if (!v) {
			out = "SERVER_ERROR out of memory storing object\r\n";
			break;
		}
		if (op == ST_APPEND) {
			memcpy(v, old->data + old->nkey, old->nbytes);
			memcpy(v + old->nbytes, data, bytes);
		} else {
			memcpy(v, data, bytes);
			memcpy(v + bytes, old->data + old->nkey, old->nbytes);
		}
		out = akv_put(s, t[1].p, t[1].n, old->flags, old->exptime, v, n)
			      ? "STORED\r\n"
			      : "SERVER_ERROR out of memory storing object\r\n";
		free(v);
		break;
	}
	}
	if (!*noreply)
		puts_(r, out);
	return (size_t)bytes + 2;
}

static void cmd_delta(struct akv_store *s, struct reply *r, struct tok *t, int nt, bool incr)
{
	bool noreply = nt == 4 && is(t[3], "noreply");
	struct akv_item *it;
	uint64_t delta, v;
	char num[24], *buf;
	size_t n, len;

	if ((nt != 3 && !noreply) || t[1].n > AKV_KEY_MAX) {
		puts_(r, "CLIENT_ERROR bad command line format\r\n");
		return;
	}
	if (!tok_u64(t[2], &delta)) {
		puts_(r, "CLIENT_ERROR invalid numeric delta argument\r\n");
		return;
	}
	it = akv_get(s, t[1].p, t[1].n);
	if (!it) {
		if (!noreply)
			puts_(r, "NOT_FOUND\r\n");
		return;
	}
	/* the value as a number: digits, then (after an earlier decr) spaces */
	len = it->nbytes;
	while (len && it->data[it->nkey + len - 1] == ' ')
		len--;
	{
		struct tok vt = { it->data + it->nkey, len };

		if (!tok_u64(vt, &v)) {
			puts_(r,
			      "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
			return;
		}
	}
	v = incr ? v + delta : (delta > v ? 0 : v - delta); /* incr wraps, decr stops at 0 */
	n = (size_t)snprintf(num, sizeof(num), "%" PRIu64, v);
	/* shorter than the value was: memcached rewrites it in place, padded with spaces */
	len = n < it->nbytes ? it->nbytes : n;
	buf = malloc(len);
	if (!buf) {
		puts_(r, "SERVER_ERROR out of memory\r\n");
		return;
	}
	memset(buf, ' ', len);
	memcpy(buf, num, n);
	if (!akv_put(s, t[1].p, t[1].n, it->flags, it->exptime, buf, len)) {
		free(buf);
		puts_(r, "SERVER_ERROR out of memory\r\n");
		return;
	}
	free(buf);
	if (!noreply) {
		put(r, num, n);
		put(r, "\r\n", 2);
	}
}

static void cmd_delete(struct akv_store *s, struct reply *r, struct tok *t, int nt)
{
	bool noreply = nt > 2 && is(t[nt - 1], "noreply");
	int args = nt - (noreply ? 1 : 0);

	/* "delete KEY 0" is accepted, any other time is not */
	if (args > 3 || (args == 3 && !is(t[2], "0")) || args < 2 || t[1].n > AKV_KEY_MAX) {
		puts_(r,
		      "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
		return;
	}
	if (akv_delete(s, t[1].p, t[1].n)) {
		if (!noreply)
			puts_(r, "DELETED\r\n");
	} else if (!noreply) {
		puts_(r, "NOT_FOUND\r\n");
	}
}

static void cmd_touch(struct akv_store *s, struct reply *r, struct tok *t, int nt)
{
	bool noreply = nt == 4 && is(t[3], "noreply");
	struct akv_item *it;
	int64_t exptime;

	if ((nt != 3 && !noreply) || t[1].n > AKV_KEY_MAX) {
		puts_(r, "ERROR\r\n");
		return;
	}
	if (!tok_i64(t[2], &exptime)) {
		puts_(r, "CLIENT_ERROR invalid exptime argument\r\n");
		return;
	}
	it = akv_get(s, t[1].p, t[1].n);
	if (it)
		it->exptime = akv_abs_time(s, exptime);
	if (!noreply)
		puts_(r, it ? "TOUCHED\r\n" : "NOT_FOUND\r\n");
}

static void cmd_flush(struct akv_store *s, struct reply *r, struct tok *t, int nt)
{
	bool noreply = nt > 1 && is(t[nt - 1], "noreply");
	int args = nt - (noreply ? 1 : 0);
	int64_t delay = 0;

	if (args > 2 || (args == 2 && !tok_i64(t[1], &delay))) {
		puts_(r, "CLIENT_ERROR bad command line format\r\n");
		return;
	}
	akv_flush(s, delay);
	if (!noreply)
		puts_(r, "OK\r\n");
}

size_t akv_process(struct akv_store *s, const char *req, size_t len, char *out, size_t cap)
{
	struct reply r = { .b = out, .cap = cap };
	size_t off = 0;

	while (off < len) {
		const char *line = req + off, *nl = memchr(line, '\n', len - off);
		struct tok t[MAX_TOKENS];
		size_t ll, used;
		int nt;
		bool noreply = false;

		if (!nl) {
			/* a line without its end: memcached would wait for more; a datagram has no more */
			puts_(&r, "ERROR\r\n");
			break;
		}
		used = (size_t)(nl - line) + 1;
		ll = (size_t)(nl - line);
		if (ll && line[ll - 1] == '\r')
			ll--;
		off += used;
		nt = tokenize(line, ll, t);
		if (nt == 0) {
			puts_(&r, "ERROR\r\n");
			continue;
		}
		if (is(t[0], "get") || is(t[0], "gets")) {
			cmd_get(s, &r, t, nt, 1, t[0].n == 4, false, 0);
		} else if (is(t[0], "gat") || is(t[0], "gats")) {
			int64_t e;

			if (nt < 2)
				puts_(&r, "ERROR\r\n");
			else if (!tok_i64(t[1], &e))
				puts_(&r, "CLIENT_ERROR invalid exptime argument\r\n");
			else
				cmd_get(s, &r, t, nt, 2, t[0].n == 4, true, e);
		} else if (is(t[0], "set") || is(t[0], "add") || is(t[0], "replace") ||
			   is(t[0], "append") || is(t[0], "prepend") || is(t[0], "cas")) {
			enum store_op op = is(t[0], "set")	 ? ST_SET
					   : is(t[0], "add")	 ? ST_ADD
					   : is(t[0], "replace") ? ST_REPLACE
					   : is(t[0], "append")	 ? ST_APPEND
					   : is(t[0], "prepend") ? ST_PREPEND
								 : ST_CAS;

			off += cmd_store(s, &r, t, nt, op, req + off, len - off, &noreply);
		} else if (is(t[0], "incr") || is(t[0], "decr")) {
			cmd_delta(s, &r, t, nt, t[0].p[0] == 'i');
		} else if (is(t[0], "delete")) {
			cmd_delete(s, &r, t, nt);
		} else if (is(t[0], "touch")) {
			cmd_touch(s, &r, t, nt);
		} else if (is(t[0], "flush_all")) {
			cmd_flush(s, &r, t, nt);
		} else if (is(t[0], "version") && nt == 1) {
			puts_(&r, VERSION);
		} else if (is(t[0], "verbosity")) {
			if (!(nt > 1 && is(t[nt - 1], "noreply")))
				puts_(&r, "OK\r\n");
		} else {
			puts_(&r, "ERROR\r\n");
		}
	}
	if (r.full) {
		static const char oom[] = "SERVER_ERROR out of memory writing get response\r\n";

		r.len = 0;
		r.full = false;
		put(&r, oom, sizeof(oom) - 1);
	}
	return r.len;
}
