// SPDX-License-Identifier: GPL-2.0
/*
 * memcached's UDP connection, datagram by datagram: its states (read, parse, new command,
 * write, reading or swallowing a data block, closing), its responses and how they go out as
 * datagrams. The commands are in akv_cmd.c, akv_meta.c and akv_stats.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afxdp_kv/akv_int.h"

#define UDP_DATA (AKV_UDP_PAYLOAD - AKV_UDP_HDR) /* 1392 payload bytes per datagram */

void akv_settings_default(struct akv_settings *set, uint16_t port, int threads)
{
	memset(set, 0, sizeof(*set));
	set->lru_crawler_sleep = 100;
	set->hot_lru_pct = 20;
	set->warm_lru_pct = 40;
	set->slab_automove = 1;
	set->temporary_ttl = 61;
	set->slab_automove_ratio = 0.8;
	set->hot_max_factor = 0.2;
	set->warm_max_factor = 2.0;
	set->lru_segmented = true;
	set->lru_crawler = true;
	set->ext_item_size = 512;
	set->ext_item_age = UINT32_MAX;
	set->ext_recache_rate = 2000;
	set->ext_max_sleep = 1000000;
	set->ext_max_frag = 0.8;
	set->port = port;
	set->threads = threads;
}

int akv_conn_init(struct akv_conn *c, struct akv_store *s, struct akv_settings *set,
		  const struct akv_sink *sink)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->set = set;
	c->sink = *sink;
	c->state = AKV_CS_READ;
	c->rbuf = malloc(AKV_READ_BUFFER + 1);
	return c->rbuf ? 0 : -ENOMEM;
}

void akv_conn_free(struct akv_conn *c)
{
	akv_release_items(c);
	free(c->rbuf);
	free(c->resp);
	free(c->txt);
	memset(c, 0, sizeof(*c));
}

/* ---- numbers as memcached's util.c reads them ---- */

static bool num_end(const char *s, const char *end)
{
	return isspace((unsigned char)*end) || (*end == '\0' && end != s);
}

bool akv_strtoull(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	*out = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || s == end || !num_end(s, end))
		return false;
	/* a huge value that is negative as a signed one: refused when it had a minus */
	if ((long long)v < 0 && strchr(s, '-'))
		return false;
	*out = v;
	return true;
}

bool akv_strtoul(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	*out = 0;
	v = strtoul(s, &end, 10);
	if (errno == ERANGE || s == end || !num_end(s, end))
		return false;
	if ((long)v < 0 && strchr(s, '-'))
		return false;
	*out = (uint32_t)v; /* memcached keeps the low 32 bits of a 64-bit long */
	return true;
}

bool akv_strtol(const char *s, int32_t *out)
{
	long v;
	char *end;

	errno = 0;
	*out = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || s == end || !num_end(s, end))
		return false;
	*out = (int32_t)(uint32_t)(unsigned long)v; /* truncated to 32 bits, as memcached's */
	return true;
}

bool akv_strtod(const char *s, double *out)
{
	double v;
	char *end;

	errno = 0;
	*out = 0;
	v = strtod(s, &end);
	if (errno == ERANGE || s == end || !num_end(s, end))
		return false;
	*out = v;
	return true;
}

/* ---- tokens ---- */

size_t akv_tokenize(char *cmd, struct akv_tok *t, size_t max)
{
	char *s = cmd, *e = cmd;
	size_t nt = 0, len = strlen(cmd), i; /* a NUL ends the line, as in memcached */

	for (i = 0; i < len; i++, e++) {
		if (*e != ' ')
			continue;
		if (s != e) {
			t[nt].v = s;
			t[nt].n = (size_t)(e - s);
			nt++;
			*e = '\0';
			if (nt == max - 1) {
				e++;
				s = e;
				break;
			}
		}
		s = e + 1;
	}
	if (s != e) {
		t[nt].v = s;
		t[nt].n = (size_t)(e - s);
		nt++;
	}
	t[nt].v = *e == '\0' ? NULL : e;
	t[nt].n = 0;
	return nt + 1;
}

bool akv_noreply_maybe(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	if (t[nt - 2].v && !strcmp(t[nt - 2].v, "noreply"))
		c->noreply = true;
	return c->noreply;
}

/* ---- responses ---- */

bool akv_resp_start(struct akv_conn *c)
{
	struct akv_resp *r;

	if (c->nresp == c->capresp) {
		size_t cap = c->capresp ? c->capresp * 2 : 64;

		r = realloc(c->resp, cap * sizeof(*r));
		if (!r)
			return false;
		c->resp = r;
		c->capresp = cap;
	}
	r = &c->resp[c->nresp];
	memset(r, 0, sizeof(*r));
	r->to = c->peer;
	c->cur = c->nresp++;
	return true;
}

void akv_resp_reset(struct akv_conn *c, struct akv_resp *r)
{
	(void)c;
	akv_item_put(r->it);
	r->it = NULL;
	r->nhead = r->ntail = 0;
	r->vlen = 0;
	r->skip = false;
}

/* Room for n more text bytes; false (and the text is dropped) when memory runs out. */
static bool txt_room(struct akv_conn *c, size_t n)
{
	char *t;
	size_t cap = c->captxt ? c->captxt : 4096;

	if (c->ntxt + n <= c->captxt)
		return true;
	while (cap < c->ntxt + n)
		cap *= 2;
	t = realloc(c->txt, cap);
	if (!t)
		return false;
	c->txt = t;
	c->captxt = cap;
	return true;
}

void akv_resp_add(struct akv_conn *c, struct akv_resp *r, const void *p, size_t n)
{
	size_t *off = r->it ? &r->tail : &r->head, *len = r->it ? &r->ntail : &r->nhead;

	if (!n || !txt_room(c, *len + n))
		return;
	/* the response's text stays one run: moved to the end when something came after it */
	if (*len && *off + *len != c->ntxt) {
		memmove(c->txt + c->ntxt, c->txt + *off, *len);
		*off = c->ntxt;
		c->ntxt += *len;
	} else if (!*len) {
		*off = c->ntxt;
	}
	memcpy(c->txt + c->ntxt, p, n);
	c->ntxt += n;
	*len += n;
}

void akv_resp_printf(struct akv_conn *c, struct akv_resp *r, const char *fmt, ...)
{
	char buf[AKV_WRITE_BUFFER];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		akv_resp_add(c, r, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void akv_resp_value(struct akv_conn *c, struct akv_resp *r, struct akv_item *it, bool crlf)
{
	akv_item_ref(it);
	r->it = it;
	r->vlen = it->nbytes;
	if (crlf)
		akv_resp_add(c, r, "\r\n", 2);
}

void akv_out_string(struct akv_conn *c, const char *str)
{
	struct akv_resp *r = akv_cur(c);
	size_t n = strlen(str);

	akv_resp_reset(c, r);
	c->state = AKV_CS_NEW_CMD;
	if (c->noreply) {
		r->skip = true;
		return;
	}
	if (n + 2 > AKV_WRITE_BUFFER) {
		str = "SERVER_ERROR output line too long";
		n = strlen(str);
	}
	akv_resp_add(c, r, str, n);
	akv_resp_add(c, r, "\r\n", 2);
}

void akv_out_errstring(struct akv_conn *c, const char *str)
{
	c->noreply = false;
	akv_out_string(c, str);
}

static void resps_drop(struct akv_conn *c)
{
	size_t i;

	for (i = 0; i < c->nresp; i++)
		akv_item_put(c->resp[i].it);
	c->nresp = 0;
	c->ntxt = 0;
}

void akv_release_items(struct akv_conn *c)
{
	akv_item_put(c->item);
	c->item = NULL;
	resps_drop(c);
}

bool akv_resp_stacked(const struct akv_conn *c)
{
	return c->nresp > 1;
}

/* Bytes [off, off + n) of response r as iovecs after iov[0] (the frame header). */
static int resp_slice(struct akv_conn *c, const struct akv_resp *r, size_t off, size_t n,
		      struct iovec *iov)
{
	struct iovec seg[3] = { { c->txt + r->head, r->nhead },
				{ r->it ? akv_value(r->it) : NULL, r->vlen },
				{ c->txt + r->tail, r->ntail } };
	int i, k = 1;

	for (i = 0; i < 3 && n; i++) {
		size_t take;

		if (off >= seg[i].iov_len) {
			off -= seg[i].iov_len;
			continue;
		}
		take = seg[i].iov_len - off < n ? seg[i].iov_len - off : n;
		iov[k].iov_base = (char *)seg[i].iov_base + off;
		iov[k++].iov_len = take;
		n -= take;
		off = 0;
	}
	return k;
}

/*
 * memcached's transmit_udp until nothing is pending: each response on its own, in datagrams
 * of at most 1392 payload bytes behind the frame header (request id, sequence number, total);
 * responses the client asked not to have (noreply) are not sent; an empty one is sent (a bare
 * header, total 0) only when it is the first to go, as memcached retires empty responses
 * behind one it has sent.
 */
static void flush(struct akv_conn *c)
{
	bool first = true;
	size_t i;

	for (i = 0; i < c->nresp; i++) {
		const struct akv_resp *r = &c->resp[i];
		size_t len = r->nhead + r->vlen + r->ntail, off = 0, total;
		uint8_t hdr[AKV_UDP_HDR];
		struct iovec iov[4] = { { hdr, sizeof(hdr) } };
		unsigned int seq = 0;

		if (r->skip || (!len && !first))
			continue;
		first = false;
		total = len / UDP_DATA + (len % UDP_DATA ? 1 : 0);
		if (total > 65535)
			total = 65535;
		do {
			size_t n = len - off < UDP_DATA ? len - off : UDP_DATA;
			int k = resp_slice(c, r, off, n, iov);

			hdr[0] = (uint8_t)(r->to.rid >> 8);
			hdr[1] = (uint8_t)r->to.rid;
			hdr[2] = (uint8_t)(seq >> 8);
			hdr[3] = (uint8_t)seq;
			hdr[4] = (uint8_t)(total >> 8);
			hdr[5] = (uint8_t)total;
			hdr[6] = hdr[7] = 0;
			c->sink.send(c->sink.ctx, &r->to, iov, k, sizeof(hdr) + n);
			c->s->c.bytes_written += sizeof(hdr) + n;
			off += n;
			seq++;
		} while (off < len);
	}
	resps_drop(c);
}

/* ---- reading ---- */

/* memcached's try_read_command_ascii: false when there is no whole line to run */
static bool try_command(struct akv_conn *c)
{
	char *p = c->rbuf + c->rcurr, *el, *cont;

	if (!c->rbytes)
		return false;
	el = memchr(p, '\n', c->rbytes);
	if (!el) {
		/* a long line without its end: only a large multi-get may wait for the rest */
		if (c->rbytes > 2048) {
			char *q = p;

			while (q - p <= 100 && *q == ' ')
				q++;
			if (q - p > 100 || (strncmp(q, "get ", 4) && strncmp(q, "gets ", 5))) {
				c->state = AKV_CS_CLOSING;
				return true;
			}
		}
		return false;
	}
	cont = el + 1;
	if (el - p > 1 && el[-1] == '\r')
		el--;
	*el = '\0';
	akv_process_command(c, p);
	c->rbytes -= (size_t)(cont - p);
	c->rcurr += (size_t)(cont - p);
	return true;
}

/* A datagram read as memcached's try_read_udp: false when it is not taken. */
static bool read_datagram(struct akv_conn *c, const struct akv_peer *from, const uint8_t *d,
			  size_t len)
{
	if (len <= AKV_UDP_HDR)
		return false;
	c->s->c.bytes_read += len;
	if (d[4] != 0 || d[5] != 1) {
		c->dropped++; /* a request of several datagrams: memcached takes none */
		return false;
	}
	if (len - AKV_UDP_HDR > AKV_READ_BUFFER)
		len = AKV_READ_BUFFER + AKV_UDP_HDR;
	memcpy(c->rbuf, d + AKV_UDP_HDR, len - AKV_UDP_HDR);
	c->rbuf[len - AKV_UDP_HDR] = '\0';
	c->rcurr = 0;
	c->rbytes = len - AKV_UDP_HDR;
	c->peer = *from;
	c->peer.rid = (uint16_t)(d[0] << 8 | d[1]);
	if ((uint8_t)c->rbuf[0] == 0x80) {
		c->binary++; /* memcached's binary protocol: not served */
		c->rbytes = 0;
		return false;
	}
	return true;
}

/* The next command after one is done (memcached's conn_new_cmd and reset_cmd_handler). */
static bool new_cmd(struct akv_conn *c)
{
	if (--c->nreqs >= 0) {
		akv_item_put(c->item);
		c->item = NULL;
		c->state = c->rbytes ? AKV_CS_PARSE : c->nresp ? AKV_CS_MWRITE : AKV_CS_READ;
		return true;
	}
	if (c->nresp) {
		c->state = AKV_CS_MWRITE;
		return true;
	}
	/* memcached yields to other connections, and comes back at once for what is left */
	c->s->c.conn_yields++;
	if (!c->rbytes)
		return false;
	c->nreqs = AKV_REQS_PER_EVENT;
	return true;
}

void akv_datagram(struct akv_conn *c, const struct akv_peer *from, const uint8_t *d, size_t len)
{
	bool avail = true; /* the datagram not read yet */
	size_t n;

	c->nreqs = AKV_REQS_PER_EVENT;
	for (;;) {
		switch (c->state) {
		case AKV_CS_READ:
			if (!avail)
				return;
			avail = false;
			if (!read_datagram(c, from, d, len))
				return;
			c->nreqs = AKV_REQS_PER_EVENT;
			c->state = AKV_CS_PARSE;
			break;
		case AKV_CS_PARSE:
			c->noreply = false;
			if (!try_command(c))
				c->state = c->nresp ? AKV_CS_MWRITE : AKV_CS_READ;
			break;
		case AKV_CS_NEW_CMD:
			if (!new_cmd(c))
				return;
			break;
		case AKV_CS_MWRITE:
			flush(c);
			c->state = c->close_after_write ? AKV_CS_CLOSING : AKV_CS_NEW_CMD;
			break;
		case AKV_CS_CLOSING:
			akv_release_items(c);
			c->rbytes = 0;
			c->state = AKV_CS_READ;
			break;
		case AKV_CS_NREAD:
			if (c->rl == 0) {
				akv_complete_nread(c);
				break;
			}
			if (c->rbytes) {
				n = c->rbytes < c->rl ? c->rbytes : c->rl;
				memcpy(akv_value(c->item) + c->ritem, c->rbuf + c->rcurr, n);
				c->rcurr += n;
				c->rbytes -= n;
			} else {
				/* memcached reads the next datagram raw, its frame header too */
				if (!avail)
					return;
				avail = false;
				if (!len) {
					c->state = AKV_CS_CLOSING;
					break;
				}
				n = len < c->rl ? len : c->rl;
				memcpy(akv_value(c->item) + c->ritem, d, n);
				c->s->c.bytes_read += n;
			}
			c->ritem += n;
			c->rl -= n;
			break;
		case AKV_CS_SWALLOW:
			if (!c->sbytes) {
				c->state = AKV_CS_NEW_CMD;
				break;
			}
			if (c->rbytes) {
				n = c->rbytes < c->sbytes ? c->rbytes : c->sbytes;
				c->rcurr += n;
				c->rbytes -= n;
			} else {
				if (!avail)
					return;
				avail = false;
				if (!len) {
					c->state = AKV_CS_CLOSING;
					break;
				}
				n = len < c->sbytes ? len : c->sbytes;
				if (n > AKV_READ_BUFFER)
					n = AKV_READ_BUFFER;
				c->s->c.bytes_read += n;
			}
			c->sbytes -= n;
			break;
		default:
			return;
		}
	}
}
