// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP engine's requests: the template frame of a run (Ethernet, IPv4, UDP without a
 * checksum, then the request), the key table both classes draw from, and the Poisson gaps.
 * The same bytes as the socket engine's codecs (lg_codec.c) would send.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"
#include "loadgen/lg_xdp_int.h"

#define HDRS 42	    /* Ethernet, IPv4 without options, UDP */
#define MC_FRAME 8  /* memcached's UDP frame header */
#define ECHO_HDR 16 /* the echo codec's header: magic, seq, two words of zeros */
#define GET_TEXT "get "

/* The width every key of both classes has; 0 with why written when they differ. */
static size_t key_width(const struct lg_mc *mc, bool alt_too, char *why, size_t whylen)
{
	char a[300] = "", b[300] = "";
	size_t w = lg_mc_key(mc, false, 0, a, sizeof(a));
	unsigned int last = mc->keys ? mc->keys - 1 : 0;

	if (!w || w > LGX_KEY_MAX || lg_mc_key(mc, false, last, b, sizeof(b)) != w ||
	    (alt_too &&
	     (lg_mc_key(mc, true, 0, b, sizeof(b)) != w ||
	      lg_mc_key(mc, true, mc->alt_keys ? mc->alt_keys - 1 : 0, b, sizeof(b)) != w))) {
		snprintf(why, whylen,
			 "the XDP engine sends keys of one width (1..%d bytes) so that every "
			 "frame has the same length: '%s' .. '%s' differ; give the key numbers a "
			 "fixed number of digits",
			 LGX_KEY_MAX, a, b);
		return 0;
	}
	return w;
}

void lgx_pkt_addrs(const struct lgx_addrs *a, struct pkt_addrs *pa)
{
	memcpy(pa->src_mac, a->src_mac, 6);
	memcpy(pa->dst_mac, a->dst_mac, 6);
	pa->src_ip = a->src_ip;
	pa->dst_ip = a->dst_ip;
	pa->src_port = a->src_port;
	pa->dst_port = a->dst_port;
}

int lgx_frame_build(struct lgx_frame *f, const struct lgx_addrs *a, const struct lg_app *app,
		    char *why, size_t whylen)
{
	uint8_t payload[LGX_FRAME_CAP];
	struct pkt_addrs pa;
	size_t plen, i;

	memset(f, 0, sizeof(*f));
	lgx_pkt_addrs(a, &pa);
	if (app->kind == LG_KIND_MC) {
		const struct lg_mc *mc = app->ctx;
		size_t w = key_width(mc, app->classify != NULL, why, whylen), o;
		unsigned int multi = mc->multi ? mc->multi : 1;
		char key[LGX_KEY_MAX + 1];

		if (!w)
			return -EINVAL;
		if (mc->set_pct) {
			snprintf(why, whylen, "the XDP engine sends GETs only (no sets)");
			return -EINVAL;
		}
		if (multi > LGX_MULTI_MAX) {
			snprintf(why, whylen, "the XDP engine asks for at most %d keys per GET",
				 LGX_MULTI_MAX);
			return -EINVAL;
		}
		memset(payload, 0, MC_FRAME);
		payload[5] = 1; /* datagram 0 of 1 */
		o = MC_FRAME;
		memcpy(payload + o, GET_TEXT, strlen(GET_TEXT));
		o += strlen(GET_TEXT);
		lg_mc_key(mc, false, 0, key, sizeof(key));
		for (i = 0; i < multi; i++) {
			memcpy(payload + o, key, w);
			o += w;
			payload[o++] = i + 1 < multi ? ' ' : '\r';
		}
		payload[o++] = '\n';
		plen = o;
		f->id_off = HDRS;
		f->key_off = HDRS + MC_FRAME + (uint32_t)strlen(GET_TEXT);
		f->key_w = (uint32_t)w;
		f->multi = multi;
	} else {
		uint32_t hdr[4] = { LGX_ECHO_MAGIC, 0, 0, 0 };

		plen = app->size < ECHO_HDR ? ECHO_HDR : app->size;
		if (plen > sizeof(payload) - HDRS) {
			snprintf(why, whylen, "a %zu-byte request does not fit a frame", plen);
			return -EMSGSIZE;
		}
		memset(payload, 0x5a, plen);
		memcpy(payload, hdr, sizeof(hdr));
		f->id_off = HDRS + 4;
	}
	f->len = pkt_build_udp4(f->b, sizeof(f->b), &pa, payload, plen);
	f->in_len = f->len + 1; /* the byte the program trims: see olab_lgx_tx */
	if (!f->len || f->in_len > lg_xdp_frame_max()) {
		snprintf(why, whylen,
			 "a %zu-byte frame is larger than live-frames mode takes: a page less its "
			 "headroom, %zu bytes (and one the engine trims)",
			 HDRS + plen, lg_xdp_frame_max() - 1);
		return -EMSGSIZE;
	}
	/* no UDP checksum (optional over IPv4): the varying bytes need no checksum update */
	f->b[HDRS - 2] = f->b[HDRS - 1] = 0;
	f->head = app->kind == LG_KIND_MC ? f->len : HDRS + ECHO_HDR;
	if (f->head > LGX_HEAD_MAX) {
		snprintf(why, whylen,
			 "a %zu-byte GET is longer than the XDP engine rewrites per frame (%d): "
			 "fewer or shorter keys",
			 f->len, LGX_HEAD_MAX);
		return -EMSGSIZE;
	}
	return 0;
}

int lgx_keys_fill(struct lgx_key *keys, unsigned int cap, const struct lg_mc *mc,
		  const struct lgx_frame *f, struct lgx_cfg *cfg, char *why, size_t whylen)
{
	unsigned int n0 = mc->keys ? mc->keys : 1, n1 = mc->alt_keys, i;
	bool alt = mc->alt_every || mc->alt_pct;
	char key[LGX_KEY_MAX + 1];

	if (!alt)
		n1 = 0;
	if ((uint64_t)n0 + n1 > cap) {
		snprintf(why, whylen, "%u keys: the XDP engine's key table holds %u", n0 + n1, cap);
		return -E2BIG;
	}
	for (i = 0; i < n0 + n1; i++) {
		bool a = i >= n0;

		if (lg_mc_key(mc, a, a ? i - n0 : i, key, sizeof(key)) != f->key_w)
			return -EINVAL; /* key_width() checked the ends */
		memcpy(keys[i].b, key, f->key_w);
	}
	cfg->nkeys[0] = n0;
	cfg->nkeys[1] = n1;
	cfg->key_base[0] = 0;
	cfg->key_base[1] = n0;
	cfg->alt_every = alt ? mc->alt_every : 0;
	cfg->alt_pct = alt ? mc->alt_pct : 0;
	return 0;
}

void lgx_gaps_fill(uint64_t *gaps, double mean_ns)
{
	double raw[LGX_GAPS], sum = 0;
	int j;

	/* the exponential's quantiles at the middle of LGX_GAPS equal slices, scaled to mean */
	for (j = 0; j < LGX_GAPS; j++) {
		raw[j] = -log(((double)j + 0.5) / LGX_GAPS);
		sum += raw[j];
	}
	for (j = 0; j < LGX_GAPS; j++)
		gaps[j] = (uint64_t)llround(raw[j] / sum * LGX_GAPS * mean_ns);
}
