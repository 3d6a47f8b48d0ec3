// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP server's replies: each datagram memcached's framing gives (at most 1400 payload
 * bytes) as a frame on the worker's AF_XDP socket, IP-fragmented only below an MTU of 1428;
 * behind the kvcache through a packet socket (the qdisc and TC egress see it); through the
 * server's UDP socket on lo and for requests that came through that socket.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "afxdp_kv/afxdp_kv_int.h"
#include "lib/pkt.h"

#define TX_WAIT_TRIES 2000 /* a full ring: kick and poll 1 ms at a time, at most 2 s */

void akv_tx_reclaim(struct worker *w)
{
	__u32 idx, n = xsk_ring_cons__peek(&w->comp, BATCH, &idx), i;

	for (i = 0; i < n; i++)
		w->free_tx[w->nfree++] = *xsk_ring_cons__comp_addr(&w->comp, idx + i);
	xsk_ring_cons__release(&w->comp, n);
}

static void kick(struct worker *w)
{
	sendto(xsk_socket__fd(w->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	w->tx_pending = 0;
}

void akv_tx_kick(struct worker *w)
{
	if (!w->tx_pending)
		return;
	/* copy mode sends only when asked; with need_wakeup, only when the kernel says so */
	if (!w->srv->zerocopy || xsk_ring_prod__needs_wakeup(&w->tx))
		kick(w);
	w->tx_pending = 0;
}

/*
 * Every frame on the TX ring sent, before a reply leaves another way (the UDP socket): memcached
 * answers in order, and a reply through the socket must not overtake the frames of an earlier
 * one still on the ring (copy mode sends at most 32 a kick). Waits at most TX_WAIT_TRIES ms.
 */
static void tx_flush(struct worker *w)
{
	int tries;

	if (!w->xsk)
		return;
	for (tries = 0; tries < TX_WAIT_TRIES; tries++) {
		unsigned int before;

		akv_tx_reclaim(w);
		if (w->nfree == FRAMES - RX_FRAMES)
			return;
		before = w->nfree;
		kick(w);
		akv_tx_reclaim(w);
		if (w->nfree == before)
			poll(&(struct pollfd){ .fd = xsk_socket__fd(w->xsk), .events = POLLOUT }, 1,
			     1);
	}
}

/* A free frame and a slot on the TX ring, waiting for the ring to drain when it is full. */
static int tx_slot(struct worker *w, __u32 *idx)
{
	int tries;

	for (tries = 0; tries < TX_WAIT_TRIES; tries++) {
		if (!w->nfree)
			akv_tx_reclaim(w);
		if (w->nfree && xsk_ring_prod__reserve(&w->tx, 1, idx) == 1)
			return 0;
		kick(w);
		akv_tx_reclaim(w);
		if (w->nfree && xsk_ring_prod__reserve(&w->tx, 1, idx) == 1)
			return 0;
		poll(&(struct pollfd){ .fd = xsk_socket__fd(w->xsk), .events = POLLOUT }, 1, 1);
	}
	return -ENOSPC;
}

/*
 * One frame out: Ethernet and IP headers for the reply, then len bytes of IP payload. The
 * headers are built in aligned locals: after 14 bytes of Ethernet the IP header is not. A
 * frame never outgrows its UMEM frame (or the packet socket's buffer of the same size),
 * whatever the caller asks: pieces are sized by frag_room(), and checked here again.
 */
static int tx_frame(struct worker *w, const struct peer *p, uint16_t frag, const uint8_t *ipdata,
		    size_t len, uint16_t id)
{
	struct ethhdr eth;
	struct iphdr ip;
	__u32 idx = 0;
	uint64_t addr = 0;
	uint8_t *f = w->pkt_buf;
	size_t flen = sizeof(eth) + sizeof(ip) + len;

	if (flen > FRAME_SIZE) {
		w->no_room++;
		return -EMSGSIZE;
	}
	if (w->pkt_fd < 0) {
		if (tx_slot(w, &idx)) {
			w->no_room++;
			return -ENOSPC;
		}
		addr = w->free_tx[--w->nfree];
		f = xsk_umem__get_data(w->area, addr);
	}
	memcpy(eth.h_dest, p->src_mac, ETH_ALEN);
	memcpy(eth.h_source, p->dst_mac, ETH_ALEN);
	eth.h_proto = htons(ETH_P_IP);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = htons((uint16_t)(sizeof(ip) + len));
	ip.id = htons(id);
	ip.frag_off = htons(frag);
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = p->daddr;
	ip.daddr = p->saddr;
	ip.check = pkt_csum(&ip, sizeof(ip), 0);
	memcpy(f, &eth, sizeof(eth));
	memcpy(f + sizeof(eth), &ip, sizeof(ip));
	memcpy(f + sizeof(eth) + sizeof(ip), ipdata, len);
	w->frames_out++;
	if (w->pkt_fd >= 0) {
		if (send(w->pkt_fd, f, flen, 0) != (ssize_t)flen) {
			w->no_room++;
			return -errno;
		}
		return 0;
	}
	xsk_ring_prod__tx_desc(&w->tx, idx)->addr = addr;
	xsk_ring_prod__tx_desc(&w->tx, idx)->len = (__u32)flen;
	xsk_ring_prod__submit(&w->tx, 1);
	if (++w->tx_pending >= BATCH)
		akv_tx_kick(w);
	return 0;
}

/*
 * IP payload bytes per fragment: what the device's MTU lets through and what one frame holds
 * (FRAME_SIZE less the Ethernet and IP headers), a multiple of 8 as fragment offsets need.
 */
static size_t frag_room(int mtu)
{
	size_t room = FRAME_SIZE - sizeof(struct ethhdr) - sizeof(struct iphdr);

	if ((size_t)mtu - sizeof(struct iphdr) < room)
		room = (size_t)mtu - sizeof(struct iphdr);
	return room & ~(size_t)7;
}

void akv_tx_send(void *ctx, const struct akv_peer *to, const struct iovec *iov, int n, size_t len)
{
	struct worker *w = ctx;
	uint8_t dgram[sizeof(struct udphdr) + AKV_UDP_PAYLOAD] __attribute__((aligned(8)));
	struct udphdr *u = (struct udphdr *)dgram;
	size_t dlen = sizeof(*u) + len, per = frag_room(w->srv->mtu), off = 0;
	struct peer p;
	uint32_t sum;
	uint16_t id = w->ip_id++;
	int i;

	if (len > AKV_UDP_PAYLOAD)
		return;
	memcpy(&p, to->addr, sizeof(p));
	for (i = 0; i < n; i++) {
		memcpy(dgram + sizeof(*u) + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	if (p.kind == PEER_SOCK || w->srv->loopback) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_port = p.sport,
					  .sin_addr.s_addr = p.saddr };

		tx_flush(w);
		if (sendto(w->srv->udp_fd, dgram + sizeof(*u), len, 0, (struct sockaddr *)&sa,
			   sizeof(sa)) == (ssize_t)len)
			w->replies++;
		else
			w->no_room++;
		return;
	}
	u->source = p.dport;
	u->dest = p.sport;
	u->len = htons((uint16_t)dlen);
	u->check = 0;
	/* the UDP checksum over the pseudo-header and the whole datagram */
	sum = (ntohl(p.saddr) >> 16) + (ntohl(p.saddr) & 0xffff) + (ntohl(p.daddr) >> 16) +
	      (ntohl(p.daddr) & 0xffff) + IPPROTO_UDP + (uint32_t)dlen;
	u->check = pkt_csum(dgram, dlen, sum);
	if (!u->check)
		u->check = 0xffff;
	for (off = 0; off < dlen; off += per) {
		size_t flen = dlen - off < per ? dlen - off : per;
		uint16_t frag = (uint16_t)(off / 8) | (off + flen < dlen ? 0x2000 : 0);

		if (tx_frame(w, &p, frag, dgram + off, flen, id))
			return;
	}
	w->replies++;
}
