// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab afxdp-kv serve: a key-value server speaking memcached's text protocol over UDP,
 * its datagrams taken straight from XDP into user space by AF_XDP (paper Fig. 7-9): no
 * socket stack on the request path. One worker thread per queue, one table for all of them
 * (memcached's semantics, a memory limit with LRU eviction). Replies are built as whole
 * frames (IP-fragmented where longer than the MTU) and sent on the queue's AF_XDP socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "afxdp_kv/afxdp_kv.h"
#include "afxdp_kv/afxdp_kv_serve.h"
#include "afxdp_kv/akv_proto.h"
#include "lib/admit.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"

#include "afxdp_kv.skel.h"

#define FRAMES 4096 /* per worker: half for receiving, half for sending */
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAMES (FRAMES / 2)
#define BATCH 64

struct worker {
	struct akv_server *srv;
	int queue;
	pthread_t th;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_tx[FRAMES - RX_FRAMES];
	unsigned int nfree;
	uint16_t ip_id;
	uint32_t tx_pending; /* descriptors submitted, not yet kicked */
	int pkt_fd;	     /* behind the cache: replies through the qdisc and TC egress */
	char *reply;
	uint64_t requests, replies, frames_out, bad, no_room;
};

struct akv_server {
	struct akv_opts o;
	struct afxdp_kv_bpf *skel;
	struct bpf_link *link;
	int learn_fd; /* the tcx link of olab_akv_learn: the kernel's reply routes */
	struct akv_store store;
	pthread_mutex_t lock;
	struct worker w[AKV_MAX_QUEUES];
	int ifindex, mtu;
	int udp_fd; /* holds the port; takes what XDP passes on (fragments, reassembled) */
	bool zerocopy;
	atomic_bool stop;
};

/* ---- frames ---- */

static void tx_reclaim(struct worker *w)
{
	__u32 idx, n = xsk_ring_cons__peek(&w->comp, BATCH, &idx), i;

	for (i = 0; i < n; i++)
		w->free_tx[w->nfree++] = *xsk_ring_cons__comp_addr(&w->comp, idx + i);
	xsk_ring_cons__release(&w->comp, n);
}

static void tx_kick(struct worker *w)
{
	if (!w->tx_pending)
		return;
	/* copy mode sends only when asked; with need_wakeup, only when the kernel says so */
	if (!w->srv->zerocopy || xsk_ring_prod__needs_wakeup(&w->tx))
		sendto(xsk_socket__fd(w->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	w->tx_pending = 0;
}

/*
 * One frame out: Ethernet and IP headers for the reply, then len bytes of IP payload. The
 * headers are built in aligned locals: after 14 bytes of Ethernet the IP header is not.
 */
static int tx_frame(struct worker *w, const struct ethhdr *req_eth, const struct iphdr *req_ip,
		    uint16_t frag, const uint8_t *ipdata, size_t len, uint16_t id)
{
	static _Thread_local uint8_t local[FRAME_SIZE];
	struct ethhdr eth;
	struct iphdr ip;
	__u32 idx = 0;
	uint64_t addr = 0;
	uint8_t *f = local;
	size_t flen = sizeof(eth) + sizeof(ip) + len;

	if (w->pkt_fd < 0) {
		if (!w->nfree)
			tx_reclaim(w);
		if (!w->nfree || xsk_ring_prod__reserve(&w->tx, 1, &idx) != 1) {
			w->no_room++;
			return -ENOSPC;
		}
		addr = w->free_tx[--w->nfree];
		f = xsk_umem__get_data(w->area, addr);
	}
	memcpy(eth.h_dest, req_eth->h_source, ETH_ALEN);
	memcpy(eth.h_source, req_eth->h_dest, ETH_ALEN);
	eth.h_proto = htons(ETH_P_IP);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = 5;
	ip.tot_len = htons((uint16_t)(sizeof(ip) + len));
	ip.id = htons(id);
	ip.frag_off = htons(frag);
	ip.ttl = 64;
	ip.protocol = IPPROTO_UDP;
	ip.saddr = req_ip->daddr;
	ip.daddr = req_ip->saddr;
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
	w->tx_pending++;
	return 0;
}

/*
 * The reply datagram: UDP header, memcached's frame header (the request's id, 0 of 1), the
 * text; in IP fragments where it is longer than the MTU allows.
 */
static void send_reply(struct worker *w, const struct ethhdr *eth, const struct iphdr *ip,
		       const struct udphdr *udp, const uint8_t *fh, const char *text, size_t n)
{
	static _Thread_local uint8_t dgram[8 + 8 + AKV_REPLY_MAX] __attribute__((aligned(8)));
	struct udphdr *u = (struct udphdr *)dgram;
	size_t dlen = 8 + 8 + n, per = ((size_t)w->srv->mtu - sizeof(struct iphdr)) & ~(size_t)7,
	       off;
	uint32_t sum;
	uint16_t id = w->ip_id++;

	u->source = udp->dest;
	u->dest = udp->source;
	u->len = htons((uint16_t)dlen);
	u->check = 0;
	dgram[8] = fh[0];
	dgram[9] = fh[1];
	memset(dgram + 10, 0, 6);
	dgram[13] = 1; /* 0 of 1 */
	memcpy(dgram + 16, text, n);
	/* the UDP checksum over the pseudo-header and the whole datagram */
	sum = (ntohl(ip->saddr) >> 16) + (ntohl(ip->saddr) & 0xffff) + (ntohl(ip->daddr) >> 16) +
	      (ntohl(ip->daddr) & 0xffff) + IPPROTO_UDP + (uint32_t)dlen;
	u->check = pkt_csum(dgram, dlen, sum);
	if (!u->check)
		u->check = 0xffff;
	for (off = 0; off < dlen; off += per) {
		size_t len = dlen - off < per ? dlen - off : per;
		uint16_t frag = (uint16_t)(off / 8) | (off + len < dlen ? 0x2000 : 0);

		if (tx_frame(w, eth, ip, frag, dgram + off, len, id))
			return;
	}
	w->replies++;
}

/* One received frame: a request for us, answered; anything malformed dropped and counted. */
static void handle(struct worker *w, uint8_t *f, uint32_t len)
{
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	size_t ihl, ulen, n;
	const uint8_t *p;

	if (len < sizeof(eth) + sizeof(ip)) {
		w->bad++;
		return;
	}
	memcpy(&eth, f, sizeof(eth));
	memcpy(&ip, f + sizeof(eth), sizeof(ip));
	ihl = (size_t)ip.ihl * 4;
	if (ip.version != 4 || ip.ihl < 5 || ntohs(ip.tot_len) < ihl + sizeof(udp) ||
	    sizeof(eth) + ntohs(ip.tot_len) > len || pkt_csum(f + sizeof(eth), ihl, 0) != 0) {
		w->bad++;
		return;
	}
	memcpy(&udp, f + sizeof(eth) + ihl, sizeof(udp));
	ulen = ntohs(udp.len);
	if (ulen < sizeof(udp) + 8 || ihl + ulen > ntohs(ip.tot_len)) {
		w->bad++; /* no room for memcached's frame header */
		return;
	}
	/*
	 * The UDP checksum is not checked: a frame from a local sender on veth carries only the
	 * pseudo-header's partial sum (checksum offload), which AF_XDP does not complete; a NIC
	 * has checked it already.
	 */
	p = f + sizeof(eth) + ihl + sizeof(udp);
	/* memcached runs a request of one datagram only (total 1) */
	if (p[4] != 0 || p[5] != 1) {
		w->bad++;
		return;
	}
	w->requests++;
	pthread_mutex_lock(&w->srv->lock);
	n = akv_process(&w->srv->store, (const char *)p + 8, ulen - sizeof(udp) - 8, w->reply,
			AKV_REPLY_MAX);
	pthread_mutex_unlock(&w->srv->lock);
	if (n)
		send_reply(w, &eth, &ip, &udp, p, w->reply, n);
}

/* A datagram the XDP program left to the kernel (a fragmented one, reassembled): same protocol. */
static void handle_socket(struct worker *w)
{
	static _Thread_local uint8_t buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	size_t r;

	while ((n = recvfrom(w->srv->udp_fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		if (n < 8 || buf[4] != 0 || buf[5] != 1) {
			w->bad++;
			continue;
		}
		w->requests++;
		pthread_mutex_lock(&w->srv->lock);
		r = akv_process(&w->srv->store, (const char *)buf + 8, (size_t)n - 8,
				(char *)w->reply + 8, AKV_REPLY_MAX - 8);
		pthread_mutex_unlock(&w->srv->lock);
		if (!r)
			continue;
		/* memcached's frame header: the request's id, 0 of 1 */
		memcpy(w->reply, buf, 2);
		memset(w->reply + 2, 0, 6);
		w->reply[5] = 1;
		if (sendto(w->srv->udp_fd, w->reply, r + 8, 0, (struct sockaddr *)&from, fl) > 0)
			w->replies++;
		fl = sizeof(from);
	}
}

/* ---- the workers ---- */

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pollfd pfd[2] = { { .fd = xsk_socket__fd(w->xsk), .events = POLLIN },
				 { .fd = w->srv->udp_fd, .events = POLLIN } };
	nfds_t nfd = w->queue == w->srv->o.queue ? 2 : 1; /* the first worker takes the socket */

	if (w->srv->o.cpu >= 0)
		cpu_pin_self(w->srv->o.cpu);
	while (!atomic_load(&w->srv->stop)) {
		__u32 idx, fidx, n = xsk_ring_cons__peek(&w->rx, BATCH, &idx), i;

		if (!n) {
			tx_kick(w);
			tx_reclaim(w);
			if (nfd == 2)
				handle_socket(w);
			if (!w->srv->o.busy && poll(pfd, nfd, 100) < 0 && errno != EINTR)
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d = xsk_ring_cons__rx_desc(&w->rx, idx + i);

			handle(w, xsk_umem__get_data(w->area, d->addr), d->len);
		}
		/* the frames back to the fill ring */
		while (xsk_ring_prod__reserve(&w->fill, n, &fidx) != n)
			;
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&w->fill, fidx + i) = xsk_umem__extract_addr(
				xsk_ring_cons__rx_desc(&w->rx, idx + i)->addr);
		xsk_ring_prod__submit(&w->fill, n);
		xsk_ring_cons__release(&w->rx, n);
		tx_kick(w);
	}
	return NULL;
}

static void worker_down(struct worker *w)
{
	if (w->xsk)
		xsk_socket__delete(w->xsk);
	if (w->umem)
		xsk_umem__delete(w->umem);
	if (w->area)
		munmap(w->area, (size_t)FRAMES * FRAME_SIZE);
	free(w->reply);
	if (w->pkt_fd > 0)
		close(w->pkt_fd);
	memset(w, 0, sizeof(*w));
}

/* A socket on the worker's queue: zero-copy where the device has it, copy mode otherwise. */
static int worker_up(struct akv_server *s, struct worker *w, int queue)
{
	struct xsk_umem_config ucfg = { .fill_size = RX_FRAMES,
					.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
					.frame_size = FRAME_SIZE };
	struct xsk_socket_config cfg = { .rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
					 .tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
					 .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
					 .bind_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP };
	__u32 idx, i;
	int err;

	w->srv = s;
	w->queue = queue;
	w->pkt_fd = -1;
	if (s->o.behind_cache) {
		struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = s->ifindex };

		/* protocol 0: it sends and never receives */
		w->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (w->pkt_fd < 0 || bind(w->pkt_fd, (struct sockaddr *)&ll, sizeof(ll)))
			return log_errno(-errno, "open a packet socket on %s for replies",
					 s->o.dev);
	}
	w->reply = malloc(AKV_REPLY_MAX);
	w->area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!w->reply || w->area == MAP_FAILED) {
		w->area = NULL;
		return -ENOMEM;
	}
	err = xsk_umem__create(&w->umem, w->area, (__u64)FRAMES * FRAME_SIZE, &w->fill, &w->comp,
			       &ucfg);
	if (err)
		return log_errno(err, "create the AF_XDP memory for queue %d", queue);
	err = xsk_socket__create(&w->xsk, s->o.dev, (__u32)queue, w->umem, &w->rx, &w->tx, &cfg);
	if (err) {
		cfg.bind_flags = XDP_COPY;
		err = xsk_socket__create(&w->xsk, s->o.dev, (__u32)queue, w->umem, &w->rx, &w->tx,
					 &cfg);
		s->zerocopy = false;
	} else {
		s->zerocopy = true;
	}
	if (err) {
		w->xsk = NULL;
		return log_errno(err, "open an AF_XDP socket on %s queue %d", s->o.dev, queue);
	}
	err = xsk_socket__update_xskmap(
		w->xsk, s->o.behind_cache ? s->o.xskmap_fd : bpf_map__fd(s->skel->maps.xsks));
	if (err)
		return log_errno(err, "add the socket of queue %d to the XSKMAP", queue);
	if (xsk_ring_prod__reserve(&w->fill, RX_FRAMES, &idx) != RX_FRAMES)
		return -ENOSPC;
	for (i = 0; i < RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&w->fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&w->fill, RX_FRAMES);
	for (i = RX_FRAMES; i < FRAMES; i++)
		w->free_tx[w->nfree++] = (__u64)i * FRAME_SIZE;
	return 0;
}

static int dev_mtu(const char *dev)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/*
 * A UDP socket on the port, as memcached's: the port is taken (another server cannot start
 * on it unseen, and the kvcache sees a server there and its going), and what the XDP program
 * leaves to the kernel for the port (a fragmented request, once reassembled) arrives here.
 */
static int hold_port(struct akv_server *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(s->o.port) };
	int sz = 4 << 20;

	s->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->udp_fd < 0)
		return log_errno(-errno, "open a UDP socket");
	setsockopt(s->udp_fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(s->udp_fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = -errno;

		fprintf(stderr,
			"offloadlab afxdp-kv: UDP port %u is taken on this host (%s): stop "
			"the server there (memcached?) or choose --port\n",
			s->o.port, strerror(errno));
		return err;
	}
	return 0;
}

/* Everything a server holds, whatever got set up; its workers have stopped. */
static void server_free(struct akv_server *s)
{
	int i;

	for (i = 0; i < AKV_MAX_QUEUES; i++)
		if (s->w[i].srv)
			worker_down(&s->w[i]);
	bpf_link__destroy(s->link);
	if (s->learn_fd >= 0)
		close(s->learn_fd);
	afxdp_kv_bpf__destroy(s->skel);
	akv_store_free(&s->store);
	if (s->udp_fd > 0)
		close(s->udp_fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/*
 * Who the server answers over AF_XDP: the kvcache's admission rules (olab_admit.bpf.h), with
 * the reply routes learnt from what its UDP socket sends through the kernel.
 */
static int akv_admission(struct akv_server *s)
{
	struct adm_opts ao = { .ifindex = s->ifindex,
			       .rate = s->o.rate,
			       .route_ttl_ms = s->o.route_ttl_ms,
			       .nallow = s->o.nallow };
	int i;

	ao.csum_partial = dev_is_virtual(s->o.dev);
	for (i = 0; i < s->o.nallow && i < ADM_MAX_ALLOW; i++)
		ao.allow[i] = s->o.allow[i];
	i = adm_configure(s->skel->obj, &ao);
	if (i)
		return i;
	s->learn_fd =
		att_tcx(bpf_program__fd(s->skel->progs.olab_akv_learn), s->ifindex, s->o.dev, true);
	return s->learn_fd < 0 ? s->learn_fd : 0;
}

int akv_server_start(const struct akv_opts *o, struct akv_server **out)
{
	struct akv_server *s = calloc(1, sizeof(*s));
	int err, i;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->learn_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->ifindex = (int)if_nametoindex(o->dev);
	s->mtu = dev_mtu(o->dev);
	if (!s->ifindex || s->mtu < 576) {
		err = log_errno(-ENODEV, "find the device %s", o->dev);
		goto fail;
	}
	err = akv_store_init(&s->store, (size_t)o->memory_mb << 20);
	if (err)
		goto fail;
	err = hold_port(s);
	if (err)
		goto fail;
	if (o->behind_cache)
		goto workers;
	s->skel = afxdp_kv_bpf__open();
	if (!s->skel) {
		err = log_errno(-errno, "open the AF_XDP redirect program");
		goto fail;
	}
	s->skel->rodata->cfg_port = o->port;
	err = afxdp_kv_bpf__load(s->skel);
	if (err) {
		log_errno(err, "load the AF_XDP redirect program");
		goto fail;
	}
	err = akv_admission(s);
	if (err)
		goto fail;
	s->link = att_xdp(s->skel->progs.olab_akv_redirect, s->ifindex, o->dev);
	if (!s->link) {
		err = -errno;
		goto fail;
	}
workers:
	for (i = 0; i < o->threads; i++) {
		err = worker_up(s, &s->w[i], o->queue + i);
		if (err)
			goto fail;
	}
	for (i = 0; i < o->threads; i++) {
		if (pthread_create(&s->w[i].th, NULL, work, &s->w[i])) {
			err = -errno;
			atomic_store(&s->stop, true);
			while (i--)
				pthread_join(s->w[i].th, NULL);
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	server_free(s);
	return err;
}

void akv_server_stats(const struct akv_server *s, struct akv_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < s->o.threads; i++) {
		st->requests += s->w[i].requests;
		st->replies += s->w[i].replies;
		st->frames_out += s->w[i].frames_out;
		st->bad += s->w[i].bad;
		st->no_room += s->w[i].no_room;
	}
	st->items = s->store.count;
	st->evictions = s->store.evictions;
	st->zerocopy = s->zerocopy;
}

int akv_server_put(struct akv_server *s, const char *key, const void *val, size_t n)
{
	struct akv_item *it;

	pthread_mutex_lock(&s->lock);
	it = akv_put(&s->store, key, strlen(key), 0, 0, val, n);
	pthread_mutex_unlock(&s->lock);
	return it ? 0 : -ENOMEM;
}

void akv_server_stop(struct akv_server *s)
{
	int i;

	if (!s)
		return;
	atomic_store(&s->stop, true);
	for (i = 0; i < s->o.threads; i++)
		pthread_join(s->w[i].th, NULL);
	server_free(s);
}
