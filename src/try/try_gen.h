/* SPDX-License-Identifier: GPL-2.0 */
/* try's load (try_gen.c); inside src/try only. */
#ifndef OLAB_TRY_GEN_H
#define OLAB_TRY_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/loadgen.h"
#include "try/try_int.h"

struct tb;

/*
 * The workload as a codec: requests drawn by weight (cls >= 0: only that class's). With req
 * (try_raw_reqs), also the XDP engine's raw table: every request, this codec's draw. mix: the
 * same with each reply's latency timed in its request's class (lg_app.nclasses), for an
 * engine that matches a reply to its own request (the XDP engine, or TCP).
 */
struct try_codec {
	const struct workload *w;
	uint32_t *idx; /* the draw's slots (of the class) */
	size_t n;
	struct lg_app app, mix;
	struct lg_raw raw;
	uint32_t *rpick; /* raw.pick: LG_PICK entries */
};
/* 0; -ENOENT when the class has no slot of the draw (its weight is below one in WL_PICK). */
int try_codec_init(struct try_codec *c, const struct workload *w, const uint32_t *pick, int cls,
		   const struct lg_raw_req *req);
/* The workload's requests as the XDP engine's table entries (w->n; the caller frees it). */
struct lg_raw_req *try_raw_reqs(const struct workload *w);
void try_codec_free(struct try_codec *c);

/* Every preload request, in order, weight times each, a reply awaited up to 200 ms. */
int try_preload(const struct tb *tb, const struct workload *pre, uint16_t port, bool tcp,
		uint64_t *answered, uint64_t *sent);

/*
 * --ready: the workload's first request sent until a reply comes (TRY_READY_S at most), the
 * server's life checked by alive() in between. 0, or -errno with why.
 */
int try_ready(const struct tb *tb, const struct workload *w, uint16_t port, bool tcp,
	      int (*alive)(void *arg, char *why, size_t whylen), void *arg, char *why,
	      size_t whylen);

#endif
