// SPDX-License-Identifier: GPL-2.0
/*
 * The load generator's codecs (struct lg_app): what a request looks like and how a reply is
 * matched to it, for the echo servers and for memcached's text protocol (UDP frame header,
 * get/gets/multi-get, large values in several datagrams). The engine is loadgen.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/util.h"
#include "loadgen/loadgen.h"

static size_t echo_encode(const struct lg_app *a, uint32_t seq, unsigned char *buf, size_t cap)
{
	uint32_t hdr[4] = { LG_ECHO_MAGIC, seq, 0, 0 };
	size_t len = a->size < LG_ECHO_MIN ? LG_ECHO_MIN : a->size;

	if (len > cap)
		return 0;
	memset(buf, 0x5a, len);
	memcpy(buf, hdr, sizeof(hdr));
	return len;
}

static ssize_t echo_decode(const struct lg_app *a, const unsigned char *buf, size_t len,
			   uint32_t *seq)
{
	size_t want = a->size < LG_ECHO_MIN ? LG_ECHO_MIN : a->size;
	uint32_t hdr[2];

	if (len < want)
		return 0;
	memcpy(hdr, buf, sizeof(hdr));
	if (hdr[0] != LG_ECHO_MAGIC)
		return -1;
	*seq = hdr[1];
	return (ssize_t)want;
}

/* ---- memcached ---- */

struct mc_frame {
	uint16_t req_id, seq, total, reserved; /* network order */
};

/* Whether request seq belongs to the second class. */
static bool mc_is_alt(const struct lg_mc *mc, uint32_t seq)
{
	if (mc->alt_every)
		return seq % mc->alt_every == mc->alt_every - 1;
	return mc->alt_pct && ((seq * 2654435761u) >> 16) % 100 < mc->alt_pct;
}

size_t lg_mc_key(const struct lg_mc *mc, bool alt, unsigned int n, char *buf, size_t cap)
{
	const char *prefix = alt ? mc->alt_prefix : mc->prefix;
	int k = mc->key_digits ? snprintf(buf, cap, "%s%0*u", prefix, (int)mc->key_digits, n)
			       : snprintf(buf, cap, "%s%u", prefix, n);

	return k < 0 || (size_t)k >= cap ? 0 : (size_t)k;
}

static unsigned int mc_pick(struct lg_mc *mc, bool alt)
{
	uint64_t r = olab_rng(&mc->rng);
	unsigned int nkeys = alt ? mc->alt_keys : mc->keys;

	if (!alt && mc->pick)
		return mc->pick[(r >> 8) & (LG_PICK - 1)];
	return (unsigned int)((r >> 8) % (nkeys ? nkeys : 1));
}

static size_t mc_encode(const struct lg_app *a, uint32_t seq, unsigned char *buf, size_t cap)
{
	struct lg_mc *mc = a->ctx;
	size_t off = 0, kl;
	bool alt = mc_is_alt(mc, seq);
	bool set = (unsigned int)(olab_rng(&mc->rng) % 100) < mc->set_pct;
	unsigned int key = mc_pick(mc, alt), i, multi = set || !mc->multi ? 1 : mc->multi;
	char name[300];
	int n;

	if (mc->udp) {
		struct mc_frame f = { htons((uint16_t)seq), 0, htons(1), 0 };

		if (cap < sizeof(f))
			return 0;
		memcpy(buf, &f, sizeof(f));
		off = sizeof(f);
	}
	kl = lg_mc_key(mc, alt, key, name, sizeof(name));
	if (!kl)
		return 0;
	if (set)
		n = snprintf((char *)buf + off, cap - off, "set %s 0 0 %zu\r\n", name,
			     mc->value_size);
	else
		n = snprintf((char *)buf + off, cap - off, "get %s", name);
	if (n < 0 || (size_t)n >= cap - off)
		return 0;
	off += (size_t)n;
	for (i = 1; i < multi; i++) {
		kl = lg_mc_key(mc, alt, mc_pick(mc, alt), name, sizeof(name));
		if (!kl || off + 1 + kl >= cap)
			return 0;
		buf[off++] = ' ';
		memcpy(buf + off, name, kl);
		off += kl;
	}
	if (!set) {
		if (off + 2 > cap)
			return 0;
		memcpy(buf + off, "\r\n", 2);
		return off + 2;
	}
	if (off + mc->value_size + 2 > cap)
		return 0;
	/* a value that names its key, so a reader can tell whose value it got */
	memset(buf + off, 'v', mc->value_size);
	n = snprintf((char *)buf + off, mc->value_size + 1, "%u:", key);
	if (n > 0 && (size_t)n <= mc->value_size)
		buf[off + (size_t)n] = 'v';
	off += mc->value_size;
	memcpy(buf + off, "\r\n", 2);
	return off + 2;
}

int lg_mc_zipf(struct lg_mc *mc, double s)
{
	unsigned int n = mc->keys ? mc->keys : 1, i = 0, j;
	double total = 0, cum;

	if (!(s > 0) || n > (1U << 24))
		return -EINVAL;
	free(mc->pick);
	mc->pick = malloc(LG_PICK * sizeof(*mc->pick));
	if (!mc->pick)
		return -ENOMEM;
	for (j = 0; j < n; j++)
		total += pow((double)j + 1, -s);
	/* the inverse CDF at the middle of each of LG_PICK equal slices */
	cum = pow(1.0, -s) / total;
	for (j = 0; j < LG_PICK; j++) {
		double u = ((double)j + 0.5) / LG_PICK;

		while (cum < u && i + 1 < n) {
			i++;
			cum += pow((double)i + 1, -s) / total;
		}
		mc->pick[j] = i;
	}
	return 0;
}

void lg_mc_free(struct lg_mc *mc)
{
	free(mc->pick);
	mc->pick = NULL;
}

/* Length of the line at p (through "\r\n"), or 0 when it is not complete within len. */
static size_t line_len(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n')
			return i + 2;
	return 0;
}

static bool starts(const unsigned char *p, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && !memcmp(p, word, wl);
}

/*
 * One whole response at the start of p: VALUE blocks then END, or a one-line reply. Returns
 * its length, 0 when incomplete, -1 when it is not a memcached response.
 */
static ssize_t mc_response(struct lg_mc *mc, const unsigned char *p, size_t len)
{
	size_t off = 0, l;

	for (;;) {
		l = line_len(p + off, len - off);
		if (!l)
			return 0;
		if (starts(p + off, l, "VALUE ")) {
			char line[320];
			unsigned long bytes;

			if (l >= sizeof(line))
				return -1;
			memcpy(line, p + off, l - 2);
			line[l - 2] = '\0';
			if (sscanf(line, "VALUE %*s %*u %lu", &bytes) != 1)
				return -1;
			if (len - off < l + bytes + 2)
				return 0;
			if (p[off + l + bytes] != '\r' || p[off + l + bytes + 1] != '\n')
				return -1;
			if (bytes != mc->value_size)
				mc->bad_values++;
			mc->hits++;
			off += l + bytes + 2;
			continue;
		}
		if (starts(p + off, l, "END\r\n")) {
			if (off == 0)
				mc->misses++;
			return (ssize_t)(off + l);
		}
		if (off)
			return -1; /* only END may follow a VALUE block */
		if (starts(p, l, "STORED\r\n"))
			mc->stored++;
		else if (starts(p, l, "NOT_STORED") || starts(p, l, "EXISTS") ||
			 starts(p, l, "NOT_FOUND") || starts(p, l, "DELETED") ||
			 starts(p, l, "TOUCHED"))
			;
		else if (starts(p, l, "ERROR") || starts(p, l, "CLIENT_ERROR") ||
			 starts(p, l, "SERVER_ERROR"))
			mc->errors++;
		else
			return -1;
		return (ssize_t)l;
	}
}

static ssize_t mc_decode(const struct lg_app *a, const unsigned char *buf, size_t len,
			 uint32_t *seq)
{
	struct lg_mc *mc = a->ctx;
	struct mc_frame f;
	ssize_t n;

	if (!mc->udp) {
		n = mc_response(mc, buf, len);
		*seq = LG_SEQ_IN_ORDER;
		return n;
	}
	if (len < sizeof(f))
		return -1;
	memcpy(&f, buf, sizeof(f));
	*seq = ntohs(f.req_id);
	/*
	 * A reply over several datagrams counts when its last one arrives: "k of n" for a value
	 * split over n; memcached 1.6 also sends each value of a multi-key GET as a datagram of
	 * its own ("1 of 1"), and the END after the last.
	 */
	if (ntohs(f.total) > 1 && ntohs(f.seq) + 1 != ntohs(f.total))
		return LG_PARTIAL;
	if (ntohs(f.total) > 1) {
		mc->hits++; /* its body was split: trust the frame header */
		return len >= sizeof(f) + 5 && !memcmp(buf + len - 5, "END\r\n", 5) ? (ssize_t)len
										    : LG_PARTIAL;
	}
	n = mc_response(mc, buf + sizeof(f), len - sizeof(f));
	return n > 0 ? (ssize_t)len : n == 0 ? LG_PARTIAL : -1;
}

static int mc_classify(const struct lg_app *a, uint32_t seq)
{
	return mc_is_alt(a->ctx, seq);
}

void lg_mc_app(struct lg_app *app, struct lg_mc *mc)
{
	memset(app, 0, sizeof(*app));
	app->name = "memcached";
	app->kind = LG_KIND_MC;
	app->encode = mc_encode;
	app->decode = mc_decode;
	app->seq_bits = mc->udp ? 16 : 0;
	app->ctx = mc;
	if (mc->alt_every || mc->alt_pct)
		app->classify = mc_classify;
	if (!mc->rng)
		mc->rng = 0x9e3779b97f4a7c15ULL;
	if (!mc->prefix[0])
		snprintf(mc->prefix, sizeof(mc->prefix), "olab:");
}

const struct lg_app lg_echo_app = { .name = "echo",
				    .kind = LG_KIND_ECHO,
				    .encode = echo_encode,
				    .decode = echo_decode,
				    .size = 64 };

static ssize_t sink_decode(const struct lg_app *a, const unsigned char *buf, size_t len,
			   uint32_t *seq)
{
	(void)a;
	(void)buf;
	(void)len;
	(void)seq;
	return -1; /* a sink answers nothing: whatever comes back is not a reply */
}

const struct lg_app lg_sink_app = { .name = "sink",
				    .kind = LG_KIND_SINK,
				    .encode = echo_encode,
				    .decode = sink_decode,
				    .size = 64 };
