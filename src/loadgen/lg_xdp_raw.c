// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP engine's raw requests: any UDP payloads from a table (offloadlab try's workloads).
 * Each request's whole frame is built here once (Ethernet, IPv4 with its checksum, UDP
 * without one), so the transmit program only copies it and writes the source port, which is
 * the request's slot: a payload carries no id the engine could read, the port it is answered
 * on does. The ports are a block no socket of the namespace holds, below (or above) the
 * range the kernel picks ephemeral ports from.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"
#include "loadgen/lg_xdp_int.h"

#define HDRS 42 /* Ethernet, IPv4 without options, UDP */
#define LOW_PORT 1024

/* The longest frame the engine may send through dev ("" : no MTU known): at most a page's. */
static size_t frame_limit(const char *dev, int *mtu)
{
	size_t lim = lg_xdp_frame_max() - 1; /* and the byte the program trims */

	if (lim > LGX_RAW_MAX)
		lim = LGX_RAW_MAX;
	*mtu = dev && dev[0] ? lgx_dev_mtu(dev) : -1;
	if (*mtu > 0 && (size_t)*mtu + 14 < lim)
		lim = (size_t)*mtu + 14;
	return lim;
}

/* Which requests the pick table draws (used[i]); the table's own errors. */
static int raw_used(const struct lg_raw *raw, unsigned char *used, char *why, size_t whylen)
{
	uint32_t j;

	if (!raw || !raw->n || !raw->pick) {
		snprintf(why, whylen, "no request to send");
		return -EINVAL;
	}
	if (raw->n > LGX_RAW_ENTRIES) {
		snprintf(why, whylen,
			 "%u distinct requests: the XDP engine's table holds %d; use the socket "
			 "engine",
			 raw->n, LGX_RAW_ENTRIES);
		return -E2BIG;
	}
	memset(used, 0, raw->n);
	for (j = 0; j < LG_PICK; j++) {
		if (raw->pick[j] >= raw->n) {
			snprintf(why, whylen, "the draw names request %u of %u", raw->pick[j],
				 raw->n);
			return -EINVAL;
		}
		used[raw->pick[j]] = 1;
	}
	return 0;
}

int lg_xdp_raw_fits(const struct lg_raw *raw, const char *dev, char *why, size_t whylen)
{
	unsigned char used[LGX_RAW_ENTRIES];
	int err = raw_used(raw, used, why, whylen), mtu;
	size_t lim = frame_limit(dev, &mtu);
	uint32_t i;

	for (i = 0; !err && i < raw->n; i++)
		if (used[i] && (!raw->req[i].len || HDRS + (size_t)raw->req[i].len > lim)) {
			snprintf(why, whylen,
				 "a %u-byte request: the XDP engine sends payloads of 1..%zu bytes "
				 "(a frame within a page%s); use the socket engine",
				 raw->req[i].len, lim - HDRS,
				 mtu > 0 ? " and the device's MTU, unfragmented" : "");
			err = -EMSGSIZE;
		}
	return err;
}

int lgx_raw_fill(struct lgx_raw *tab, uint64_t *pick, struct lgx_frame *f,
		 const struct lgx_addrs *a, const struct lg_raw *raw, bool classed, const char *dev,
		 char *why, size_t whylen)
{
	unsigned char used[LGX_RAW_ENTRIES];
	struct pkt_addrs pa;
	size_t longest = 0;
	uint32_t i;
	int err = lg_xdp_raw_fits(raw, dev, why, whylen);

	if (err)
		return err;
	raw_used(raw, used, why, whylen);
	memset(f, 0, sizeof(*f));
	lgx_pkt_addrs(a, &pa);
	for (i = 0; i < raw->n; i++) {
		struct lgx_raw *e = &tab[i];

		memset(e, 0, sizeof(*e));
		if (!used[i])
			continue; /* never drawn: never sent */
		if (classed && raw->req[i].cls >= LGX_CLASSES) {
			snprintf(why, whylen, "request %u is of class %u: the XDP engine times %d",
				 i, raw->req[i].cls, LGX_CLASSES);
			return -EINVAL;
		}
		e->cls = classed ? raw->req[i].cls : 0;
		e->len = (uint32_t)pkt_build_udp4(e->b, sizeof(e->b), &pa, raw->req[i].p,
						  raw->req[i].len);
		if (!e->len)
			return -EMSGSIZE; /* lg_xdp_raw_fits checked the lengths */
		/* no UDP checksum (optional over IPv4): the port is written per request */
		e->b[HDRS - 2] = e->b[HDRS - 1] = 0;
		if (e->len > longest) {
			longest = e->len;
			memcpy(f->b, e->b, e->len);
		}
	}
	lgx_pick_store(pick, raw->pick);
	/* every run starts from the longest frame and the byte trimmed: see olab_lgx_tx */
	f->len = longest;
	f->in_len = longest + 1;
	return 0;
}

/* Whether a socket of this namespace holds a UDP port in [base, base + n) (file: udp, udp6). */
static int port_taken(const char *file, uint32_t base, uint32_t n)
{
	char path[64], line[512];
	unsigned int port;
	int taken = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", file);
	fp = fopen(path, "re");
	if (!fp)
		return 0; /* no IPv6: nothing bound there */
	while (!taken && fgets(line, sizeof(line), fp)) {
		char *c = strchr(line, ':'); /* "  sl: ADDR:PORT ..." */

		c = c ? strchr(c + 1, ':') : NULL;
		if (c && sscanf(c + 1, "%x", &port) == 1 && port >= base && port - base < n)
			taken = (int)port;
	}
	fclose(fp);
	return taken;
}

int lgx_raw_ports(uint32_t n, uint16_t *base, char *why, size_t whylen)
{
	unsigned int lo = 32768, hi = 60999, b;
	FILE *fp = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	int taken;

	if (fp) {
		if (fscanf(fp, "%u %u", &lo, &hi) != 2 || lo > hi || hi > 65535)
			lo = 32768, hi = 60999;
		fclose(fp);
	}
	if (lo >= LOW_PORT + n)
		b = lo - n;
	else if (hi + 1 + n <= 65536)
		b = hi + 1;
	else {
		snprintf(why, whylen,
			 "no block of %u UDP ports outside the ephemeral range (%u-%u) for the "
			 "XDP engine's requests in flight",
			 n, lo, hi);
		return -EADDRINUSE;
	}
	taken = port_taken("udp", b, n);
	if (!taken)
		taken = port_taken("udp6", b, n);
	if (taken) {
		snprintf(why, whylen,
			 "UDP port %d is held by a socket: the XDP engine sends raw requests from "
			 "ports %u-%u (one per request in flight)",
			 taken, b, b + n - 1);
		return -EADDRINUSE;
	}
	*base = (uint16_t)b;
	return 0;
}
