// SPDX-License-Identifier: GPL-2.0
/*
 * try's load: the workload as a load generator codec (any payload; the socket engine matches
 * replies in order, as the payloads carry no id offloadlab could read; for the XDP engine the
 * same draw as a raw table, its replies matched by port), the preload, and the readiness probe.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/bpfutil.h"
#include "testbed/testbed.h"
#include "try/try_gen.h"

/* seq -> a slot of the draw, spread so that a short run sees every class in proportion */
static uint32_t slot_of(uint32_t seq)
{
	uint32_t x = seq * 0x9e3779b1u;

	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x & (WL_PICK - 1);
}

static size_t encode(const struct lg_app *a, uint32_t seq, unsigned char *buf, size_t cap)
{
	const struct try_codec *c = a->ctx;
	uint32_t i = c->n ? c->idx[slot_of(seq) % c->n] : 0;
	const struct wl_req *r = &c->w->req[i];

	if (r->len > cap)
		return 0;
	memcpy(buf, wl_payload(c->w, i), r->len);
	return r->len;
}

static ssize_t decode(const struct lg_app *a, const unsigned char *buf, size_t len, uint32_t *seq)
{
	(void)a;
	(void)buf;
	/* a datagram is one reply; a TCP read is taken as one (one request in flight) */
	*seq = LG_SEQ_IN_ORDER;
	return (ssize_t)len;
}

/* The class of request seq: the one encode() sends, for the latency in the mix. */
static int classify(const struct lg_app *a, uint32_t seq)
{
	const struct try_codec *c = a->ctx;

	return c->n ? (int)c->w->req[c->idx[slot_of(seq) % c->n]].cls : 0;
}

_Static_assert(WL_CLASSES_MAX <= LG_CLASSES_MAX, "a workload's classes are timed apart");

struct lg_raw_req *try_raw_reqs(const struct workload *w)
{
	struct lg_raw_req *r = calloc(w->n ? w->n : 1, sizeof(*r));
	size_t i;

	for (i = 0; r && i < w->n; i++)
		r[i] = (struct lg_raw_req){ wl_payload(w, i), w->req[i].len, w->req[i].cls };
	return r;
}

int try_codec_init(struct try_codec *c, const struct workload *w, const uint32_t *pick, int cls,
		   const struct lg_raw_req *req)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->idx = malloc(WL_PICK * sizeof(*c->idx));
	if (!c->idx)
		return -ENOMEM;
	for (i = 0; i < WL_PICK; i++)
		if (cls < 0 || w->req[pick[i]].cls == cls)
			c->idx[c->n++] = pick[i];
	c->app = (struct lg_app){
		.name = "try", .kind = LG_KIND_RAW, .encode = encode, .decode = decode, .ctx = c
	};
	if (!c->n)
		return -ENOENT;
	c->mix = c->app;
	c->mix.classify = classify;
	c->mix.nclasses = (unsigned int)w->ncls;
	if (!req)
		return 0;
	/* the XDP engine draws rpick[h(seq)]: the same share of each request as idx holds */
	c->rpick = malloc(LG_PICK * sizeof(*c->rpick));
	if (!c->rpick)
		return -ENOMEM;
	for (i = 0; i < LG_PICK; i++)
		c->rpick[i] = c->idx[i % c->n];
	c->raw = (struct lg_raw){ req, (uint32_t)w->n, c->rpick };
	c->app.raw = c->mix.raw = &c->raw;
	return 0;
}

void try_codec_free(struct try_codec *c)
{
	free(c->idx);
	free(c->rpick);
	c->idx = NULL;
	c->rpick = NULL;
}

/* A socket to the server from the generator's namespace (TCP: connected), or -errno. */
static int gen_socket(const struct tb *tb, uint16_t port, bool tcp)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 300000 };
	int fd, err;

	if (tcp)
		return tb_connect(tb, port, 2000000000ULL);
	err = tb_enter(tb, TB_GEN);
	if (err)
		return err;
	a.sin_addr.s_addr = tb->dut.addr;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		fd = -1;
	}
	err = fd < 0 ? -errno : 0;
	tb_leave(tb);
	if (!err)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return err ? err : fd;
}

/* Send p and wait up to wait_ms for any reply: 1 answered, 0 not, -errno. */
static int ask(int fd, const unsigned char *p, size_t len, int wait_ms)
{
	unsigned char buf[2048];
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (send(fd, p, len, MSG_NOSIGNAL) != (ssize_t)len)
		return errno == ECONNREFUSED ? 0 : -errno;
	if (poll(&pf, 1, wait_ms) <= 0)
		return 0;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	/* a TCP reply may come in pieces: take what follows at once */
	while (n > 0 && poll(&pf, 1, 2) > 0)
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	return n >= 0 ? 1 : errno == ECONNREFUSED ? 0 : -errno;
}

int try_preload(const struct tb *tb, const struct workload *pre, uint16_t port, bool tcp,
		uint64_t *answered, uint64_t *sent)
{
	int fd = gen_socket(tb, port, tcp), r = 0;
	size_t i;
	uint32_t k;

	*answered = *sent = 0;
	if (fd < 0)
		return fd;
	for (i = 0; i < pre->n && r >= 0; i++)
		for (k = 0; k < pre->req[i].weight && r >= 0; k++) {
			r = ask(fd, wl_payload(pre, i), pre->req[i].len, 200);
			(*sent)++;
			*answered += r > 0;
		}
	close(fd);
	return r < 0 ? r : 0;
}

int try_ready(const struct tb *tb, const struct workload *w, uint16_t port, bool tcp,
	      int (*alive)(void *arg, char *why, size_t whylen), void *arg, char *why,
	      size_t whylen)
{
	uint64_t t0 = bpfu_now_ns();
	int fd = -1, r, err;

	while (bpfu_now_ns() - t0 < (uint64_t)TRY_READY_S * 1000000000ULL) {
		err = alive(arg, why, whylen);
		if (err)
			return err;
		if (fd < 0)
			fd = gen_socket(tb, port, tcp);
		if (fd >= 0) {
			r = ask(fd, wl_payload(w, 0), w->req[0].len, 200);
			if (r > 0) {
				close(fd);
				return 0;
			}
			if (tcp && r < 0) {
				close(fd);
				fd = -1;
			}
		}
		usleep(100000);
	}
	if (fd >= 0)
		close(fd);
	snprintf(why, whylen,
		 "--ready: the server did not answer the workload's first request on %s port %u "
		 "within %d s",
		 tcp ? "TCP" : "UDP", port, TRY_READY_S);
	return -ETIMEDOUT;
}
