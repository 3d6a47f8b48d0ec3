// SPDX-License-Identifier: GPL-2.0
/*
 * The load generator: one pinned thread in a busy loop, UDP (sendmmsg/recvmmsg) or TCP (one
 * connection, pipelined), closed loop or open loop at a fixed or Poisson rate. In open loop a
 * request's latency runs from the time it was *meant* to leave, so a generator or server that
 * falls behind shows up in the latency instead of silently lowering the load (no coordinated
 * omission).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/util.h"
#include "loadgen/loadgen.h"

#define RING 65536 /* requests in flight at most; seq & (RING - 1); = 2^16 for memcached ids */
#define MAXBATCH 64
#define MAXREQ 9000
#define LATE_NS 10000

struct slot {
	uint64_t t0; /* intended (open loop) or actual (closed loop) send time */
	uint32_t seq;
	bool live;
	bool record;
};

void lg_opts_default(struct lg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->l4 = LG_UDP;
	o->mode = LG_CLOSED;
	o->rate = 10000;
	o->outstanding = 1;
	o->duration_ns = 1000000000ULL;
	o->timeout_ns = 100000000ULL;
	o->batch = 16;
	o->cpu = -1;
	o->seed = 1;
	o->app = &lg_echo_app;
}

int lg_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon, *h = s;
	size_t hl;
	unsigned long port;
	char *end;

	if (!s)
		return -EINVAL;
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port == 0 || port > 65535)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -EINVAL;
}

struct gen {
	uint64_t (*now)(void);
	const struct lg_opts *o;
	struct lg_result *r;
	struct slot *ring;
	int fd;
	uint32_t next_seq, oldest;
	uint64_t inflight;
	uint64_t start, record_from;
	/* TCP */
	unsigned char *obuf, *ibuf;
	size_t olen, ooff, ilen;
	uint64_t rng;
};

static double exp_gap_ns(struct gen *g)
{
	double u;

	u = olab_rng_unit(&g->rng);
	if (u < 1e-12)
		u = 1e-12;
	return -log(u) / g->o->rate * 1e9;
}

static void on_reply(struct gen *g, uint32_t seq, uint64_t now)
{
	struct slot *s;

	if (seq == LG_SEQ_IN_ORDER) {
		/* a stream answers in order: the oldest request still in flight */
		while (g->oldest != g->next_seq && !g->ring[g->oldest & (RING - 1)].live)
			g->oldest++;
		seq = g->oldest;
	} else if (g->o->app->seq_bits == 16) {
		/* only the low 16 bits came back; the ring is exactly that large, so the slot
		 * they name holds the whole number (the live check below does the rest) */
		seq = g->ring[seq & 0xffff].seq;
	}
	s = &g->ring[seq & (RING - 1)];

	if (!s->live || s->seq != seq) {
		g->r->bad++; /* a reply to nothing in flight: late after a timeout, or garbage */
		return;
	}
	s->live = false;
	g->inflight--;
	g->r->received++;
	if (s->record && g->r->lat_cls) {
		uint64_t d = now > s->t0 ? now - s->t0 : 0;
		int c = g->o->app->classify(g->o->app, seq);

		stats_hist_add(g->r->lat, d);
		if (c >= 0 && (unsigned int)c < g->r->nclasses)
			stats_hist_add(&g->r->lat_cls[c], d);
	} else if (s->record) {
		struct stats_hist *h =
			g->o->app->classify && g->r->lat_alt && g->o->app->classify(g->o->app, seq)
				? g->r->lat_alt
				: g->r->lat;

		stats_hist_add(h, now > s->t0 ? now - s->t0 : 0);
	}
}

/* Requests in flight longer than the timeout are lost; they were sent in seq order. */
static void expire(struct gen *g, uint64_t now)
{
	while (g->oldest != g->next_seq) {
		struct slot *s = &g->ring[g->oldest & (RING - 1)];

		if (s->live) {
			if (now - s->t0 < g->o->timeout_ns)
				break;
			s->live = false;
			g->inflight--;
			g->r->lost++;
		}
		g->oldest++;
	}
}

static int send_batch(struct gen *g, uint64_t *t0s, int n, uint64_t now)
{
	static unsigned char bufs[MAXBATCH][MAXREQ];
	struct mmsghdr msgs[MAXBATCH];
	struct iovec iov[MAXBATCH];
	int i, sent;

	memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		size_t len =
			g->o->app->encode(g->o->app, g->next_seq + (uint32_t)i, bufs[i], MAXREQ);

		if (!len)
			return -EMSGSIZE;
		if (g->o->l4 == LG_TCP) {
			if (g->olen + len > MAXREQ * MAXBATCH)
				return -ENOBUFS;
			memcpy(g->obuf + g->olen, bufs[i], len);
			g->olen += len;
		}
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (g->o->l4 == LG_UDP) {
		sent = sendmmsg(g->fd, msgs, (unsigned int)n, MSG_DONTWAIT);
		if (sent < 0) {
			if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED)
				return 0;
			return -errno;
		}
	} else {
		sent = n; /* queued in obuf, flushed below */
	}
	for (i = 0; i < sent; i++) {
		uint32_t seq = g->next_seq++;
		struct slot *s = &g->ring[seq & (RING - 1)];

		s->seq = seq;
		s->t0 = t0s ? t0s[i] : now;
		s->record = s->t0 >= g->record_from;
		g->r->sent++;
		/* a sink's datagrams are never answered: nothing to wait for */
		s->live = g->o->app->kind != LG_KIND_SINK;
		if (s->live)
			g->inflight++;
		if (t0s && now - t0s[i] > LATE_NS)
			g->r->late++;
	}
	return sent;
}

static int tcp_flush(struct gen *g)
{
	while (g->ooff < g->olen) {
		ssize_t n = send(g->fd, g->obuf + g->ooff, g->olen - g->ooff, MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		g->ooff += (size_t)n;
	}
	g->ooff = g->olen = 0;
	return 0;
}

static int receive(struct gen *g)
{
	uint64_t now;
	uint32_t seq;
	ssize_t used;

	if (g->o->l4 == LG_UDP) {
		static unsigned char bufs[MAXBATCH][MAXREQ];
		struct mmsghdr msgs[MAXBATCH];
		struct iovec iov[MAXBATCH];
		int i, n;

		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < MAXBATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = MAXREQ;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(g->fd, msgs, MAXBATCH, MSG_DONTWAIT, NULL);
		if (n < 0)
			return errno == EAGAIN || errno == ECONNREFUSED ? 0 : -errno;
		now = g->now();
		for (i = 0; i < n; i++) {
			used = g->o->app->decode(g->o->app, bufs[i], msgs[i].msg_len, &seq);
			if (used == LG_PARTIAL)
				continue;
			if (used <= 0)
				g->r->bad++;
			else
				on_reply(g, seq, now);
		}
		return n;
	}
	for (;;) {
		ssize_t n =
			recv(g->fd, g->ibuf + g->ilen, MAXREQ * MAXBATCH - g->ilen, MSG_DONTWAIT);
		size_t off = 0;

		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return -ECONNRESET;
		now = g->now();
		g->ilen += (size_t)n;
		while ((used = g->o->app->decode(g->o->app, g->ibuf + off, g->ilen - off, &seq)) >
		       0) {
			on_reply(g, seq, now);
			off += (size_t)used;
		}
		if (used < 0)
			return -EPROTO;
		memmove(g->ibuf, g->ibuf + off, g->ilen - off);
		g->ilen -= off;
	}
}

static int open_socket(const struct lg_opts *o)
{
	int fd, one = 1, sz = 4 << 20;

	fd = socket(o->dst.ss_family, (o->l4 == LG_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return log_errno(-errno, "create the generator's socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (o->l4 == LG_TCP)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o->srclen) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)&o->src, o->srclen)) {
			int err = log_errno(-errno, "bind the generator's socket");

			close(fd);
			return err;
		}
	}
	if (connect(fd, (const struct sockaddr *)&o->dst, o->dstlen)) {
		int err = log_errno(-errno, "connect the generator to the server");

		close(fd);
		return err;
	}
	return fd;
}

/* Buffers, histograms, the pinned CPU, the socket (connected, if TCP). 0 or -errno. */
static int gen_open(struct gen *g)
{
	const struct lg_opts *o = g->o;
	struct lg_result *r = g->r;
	int err;

	r->lat = malloc(sizeof(*r->lat));
	g->ring = calloc(RING, sizeof(*g->ring));
	g->obuf = malloc(MAXREQ * MAXBATCH);
	g->ibuf = malloc(MAXREQ * MAXBATCH);
	if (!r->lat || !g->ring || !g->obuf || !g->ibuf)
		return -ENOMEM;
	stats_hist_init(r->lat);
	err = lg_result_classes(r, o->app);
	if (err)
		return err;
	if (o->app->classify && !o->app->nclasses) {
		r->lat_alt = malloc(sizeof(*r->lat_alt));
		if (!r->lat_alt)
			return -ENOMEM;
		stats_hist_init(r->lat_alt);
	}
	if (o->cpu >= 0)
		cpu_pin_self(o->cpu);
	g->fd = open_socket(o);
	if (g->fd < 0)
		return g->fd;
	return o->after_connect ? o->after_connect(o->after_connect_arg, g->fd) : 0;
}

/*
 * What is due now: closed loop, enough to keep o->outstanding in flight; open loop, every
 * request whose intended time has come (next_t advances by the fixed or Poisson gap). At most
 * batch at once. Requests the socket refused are not retried later. <0 on error.
 */
static int send_due(struct gen *g, uint64_t now, unsigned int batch, uint64_t gap, uint64_t *next_t)
{
	const struct lg_opts *o = g->o;
	uint64_t t0s[MAXBATCH], sent = g->r->sent;
	int n = 0;

	if (o->mode == LG_CLOSED || o->mode == LG_FLOOD) {
		uint64_t window = o->mode == LG_CLOSED ? o->outstanding : RING;

		while (g->inflight + (uint64_t)n < window && n < (int)batch &&
		       (!o->count || sent + (uint64_t)n < o->count))
			n++;
		return n ? send_batch(g, NULL, n, now) : 0;
	}
	while (*next_t <= now && n < (int)batch && g->inflight + (uint64_t)n < RING &&
	       (!o->count || sent + (uint64_t)n < o->count)) {
		t0s[n++] = *next_t;
		*next_t += o->mode == LG_FIXED ? gap : (uint64_t)exp_gap_ns(g);
	}
	return n ? send_batch(g, t0s, n, now) : 0;
}

int lg_run(const struct lg_opts *o, struct lg_result *r)
{
	struct gen g = { .now = o->clock ? o->clock : bpfu_now_ns,
			 .o = o,
			 .r = r,
			 .fd = -1,
			 .rng = o->seed ? o->seed : 1 };
	uint64_t now, next_t, end_send = 0, end_all, gap = 0;
	unsigned int batch = o->batch ? o->batch : 1;
	int err = 0;

	if (o->engine == LG_ENGINE_XDP)
		return lg_xdp_run(o->xdp, o, r);
	memset(r, 0, sizeof(*r));
	g.start = g.now();
	if (batch > MAXBATCH)
		batch = MAXBATCH;
	r->batch = batch;
	if ((o->mode == LG_FIXED || o->mode == LG_POISSON) && !(o->rate > 0))
		return -EINVAL;
	err = gen_open(&g);
	if (err)
		goto out;
	g.start = g.now();
	g.record_from = g.start + o->warmup_ns;
	end_send = g.start + o->duration_ns;
	next_t = g.start;
	if (o->mode == LG_FIXED)
		gap = (uint64_t)(1e9 / o->rate);
	for (;;) {
		now = g.now();
		if (o->stop && *o->stop)
			break;
		if (now >= end_send || (o->count && r->sent >= o->count))
			break;
		err = send_due(&g, now, batch, gap, &next_t);
		if (err < 0)
			goto out;
		if (o->l4 == LG_TCP) {
			err = tcp_flush(&g);
			if (err)
				goto out;
		}
		err = receive(&g);
		if (err < 0)
			goto out;
		expire(&g, now);
	}
	/* drain: wait for replies still in flight, up to the timeout */
	end_all = g.now() + o->timeout_ns;
	while (g.inflight && (now = g.now()) < end_all && !(o->stop && *o->stop)) {
		if (o->l4 == LG_TCP && tcp_flush(&g))
			break;
		err = receive(&g);
		if (err < 0)
			goto out;
		expire(&g, now);
	}
	r->lost += g.inflight;
	err = 0;
out:
	now = g.now();
	r->elapsed_s = (double)(now - g.start) / 1e9;
	if (o->duration_ns) {
		double active = (double)(now < end_send ? now - g.start : o->duration_ns) / 1e9;

		r->achieved_rps = active > 0 ? (double)r->received / active : 0;
		r->offered_rps = active > 0 ? (double)r->sent / active : 0;
	}
	if (g.fd >= 0)
		close(g.fd);
	free(g.ring);
	free(g.obuf);
	free(g.ibuf);
	if (err)
		lg_result_free(r);
	return err;
}

const char *lg_engine_name(enum lg_engine e)
{
	return e == LG_ENGINE_XDP ? "xdp" : "socket";
}

int lg_result_classes(struct lg_result *r, const struct lg_app *app)
{
	unsigned int c;

	if (!app->nclasses)
		return 0;
	if (app->nclasses > LG_CLASSES_MAX || !app->classify)
		return -EINVAL;
	r->lat_cls = calloc(app->nclasses, sizeof(*r->lat_cls));
	if (!r->lat_cls)
		return -ENOMEM;
	for (c = 0; c < app->nclasses; c++)
		stats_hist_init(&r->lat_cls[c]);
	r->nclasses = app->nclasses;
	return 0;
}

void lg_result_free(struct lg_result *r)
{
	free(r->lat);
	free(r->lat_alt);
	free(r->lat_cls);
	r->lat = NULL;
	r->lat_alt = NULL;
	r->lat_cls = NULL;
	r->nclasses = 0;
}
