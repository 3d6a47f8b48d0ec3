// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab afxdp-kv serve: a key-value server speaking memcached's text protocol over UDP,
 * its datagrams taken straight from XDP into user space by AF_XDP (paper Fig. 7-9): no
 * socket stack on the request path. One worker thread per queue, one table for all of them
 * (memcached's semantics, a memory limit with LRU eviction), each worker a memcached UDP
 * connection of its own (akv_proto.h). Replies go out as memcached frames them (akv_tx.c).
 */
#include <arpa/inet.h>
#include <dirent.h>
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

#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "afxdp_kv/afxdp_kv_int.h"
#include "afxdp_kv/akv_proto.h"
#include "lib/admit.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"

#include "afxdp_kv.skel.h"

/* One received frame: a datagram to the port, run as memcached's UDP connection runs it. */
static void handle(struct worker *w, uint8_t *f, uint32_t len)
{
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	struct akv_peer from = { 0 };
	struct peer p = { .kind = PEER_XSK };
	size_t ihl, ulen;

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
	if (ulen < sizeof(udp) || ihl + ulen > ntohs(ip.tot_len)) {
		w->bad++;
		return;
	}
	/*
	 * The UDP checksum is not checked: a frame from a local sender on veth carries only the
	 * pseudo-header's partial sum (checksum offload), which AF_XDP does not complete; a NIC
	 * has checked it already.
	 */
	memcpy(p.src_mac, eth.h_source, ETH_ALEN);
	memcpy(p.dst_mac, eth.h_dest, ETH_ALEN);
	p.saddr = ip.saddr;
	p.daddr = ip.daddr;
	p.sport = udp.source;
	p.dport = udp.dest;
	memcpy(from.addr, &p, sizeof(p));
	w->requests++;
	pthread_mutex_lock(&w->srv->lock);
	akv_datagram(&w->conn, &from, f + sizeof(eth) + ihl + sizeof(udp), ulen - sizeof(udp));
	pthread_mutex_unlock(&w->srv->lock);
}

/* A datagram the XDP program left to the kernel (fragmented or long, reassembled): the same. */
static void handle_socket(struct worker *w)
{
	static _Thread_local uint8_t buf[65536];
	struct sockaddr_in sa;
	socklen_t fl = sizeof(sa);
	ssize_t n;

	while ((n = recvfrom(w->srv->udp_fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sa,
			     &fl)) >= 0) {
		struct akv_peer from = { 0 };
		struct peer p = { .kind = PEER_SOCK,
				  .saddr = sa.sin_addr.s_addr,
				  .sport = sa.sin_port };

		memcpy(from.addr, &p, sizeof(p));
		w->srv->socket_requests++;
		pthread_mutex_lock(&w->srv->lock);
		akv_datagram(&w->conn, &from, buf, (size_t)n);
		pthread_mutex_unlock(&w->srv->lock);
		fl = sizeof(sa);
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
			akv_tx_kick(w);
			akv_tx_reclaim(w);
			if (nfd == 2)
				handle_socket(w);
			if (!w->srv->o.busy && poll(pfd, nfd, 100) < 0 && errno != EINTR)
				break;
			continue;
		}
		/*
		 * What reached the socket first is run first: a request in IP fragments, whose
		 * last fragment came before the frames here, was queued on it in the same
		 * softirq, and memcached's one socket keeps arrival order.
		 */
		if (nfd == 2)
			handle_socket(w);
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
		akv_tx_kick(w);
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
	akv_conn_free(&w->conn);
	free(w->pkt_buf);
	if (w->pkt_fd >= 0)
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
		w->pkt_buf = malloc(FRAME_SIZE);
		if (!w->pkt_buf)
			return -ENOMEM;
	}
	if (akv_conn_init(&w->conn, &s->store, &s->set,
			  &(struct akv_sink){ .send = akv_tx_send, .ctx = w }))
		return -ENOMEM;
	w->area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->area == MAP_FAILED) {
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

/* The device's MTU (-1 when it cannot be read), and whether it is a loopback device. */
static int dev_mtu(const char *dev, bool *loopback)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), mtu = -1;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		*loopback = ifr.ifr_flags & IFF_LOOPBACK;
	close(fd);
	return mtu;
}

/*
 * The device's receive queues: ethtool's channels (rx and combined), else its queues in sysfs
 * (a device without ethtool channels, seen from its own namespace), else 1.
 */
static int dev_rx_queues(const char *dev)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	char path[96];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), n = 0;
	DIR *d;

	if (fd >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
		ifr.ifr_data = (void *)&ch;
		if (!ioctl(fd, SIOCETHTOOL, &ifr))
			n = (int)(ch.rx_count + ch.combined_count);
		close(fd);
	}
	if (n > 0)
		return n;
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", dev);
	d = opendir(path);
	if (d) {
		struct dirent *e;

		while ((e = readdir(d)))
			n += !strncmp(e->d_name, "rx-", 3);
		closedir(d);
	}
	return n > 0 ? n : 1;
}

/*
 * The queues to serve: every one from --queue when --threads is not given; more than the
 * device has is refused with what it has, instead of the kernel's bare EINVAL from the bind.
 */
static int pick_queues(struct akv_server *s)
{
	struct akv_opts *o = &s->o;

	s->nqueues = dev_rx_queues(o->dev);
	if (!o->threads && o->queue < s->nqueues)
		o->threads = s->nqueues - o->queue < AKV_MAX_QUEUES ? s->nqueues - o->queue
								    : AKV_MAX_QUEUES;
	if (o->queue >= s->nqueues) {
		fprintf(stderr,
			"offloadlab afxdp-kv: --queue %d: %s has %d receive queue%s (0 to %d; "
			"ethtool -l %s)\n",
			o->queue, o->dev, s->nqueues, s->nqueues == 1 ? "" : "s", s->nqueues - 1,
			o->dev);
		return -EINVAL;
	}
	if (o->queue + o->threads > s->nqueues) {
		fprintf(stderr,
			"offloadlab afxdp-kv: --queue %d --threads %d asks for queues %d to %d, "
			"but "
			"%s has %d receive queue%s (0 to %d; ethtool -l %s): ask for at most "
			"--threads %d, or give the device more queues (ethtool -L %s)\n",
			o->queue, o->threads, o->queue, o->queue + o->threads - 1, o->dev,
			s->nqueues, s->nqueues == 1 ? "" : "s", s->nqueues - 1, o->dev,
			s->nqueues - o->queue, o->dev);
		return -EINVAL;
	}
	return 0;
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
	akv_settings_free(&s->set);
	if (s->udp_fd >= 0)
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
	s->udp_fd = -1;
	s->learn_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->ifindex = (int)if_nametoindex(o->dev);
	s->mtu = dev_mtu(o->dev, &s->loopback);
	if (!s->ifindex || s->mtu < 576) {
		err = log_errno(-ENODEV, "find the device %s", o->dev);
		goto fail;
	}
	err = pick_queues(s);
	if (err)
		goto fail;
	o = &s->o;
	err = akv_store_init(&s->store, (size_t)o->memory_mb << 20);
	if (err)
		goto fail;
	akv_settings_default(&s->set, o->port, o->threads);
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
		st->not_taken += s->w[i].conn.dropped;
		st->binary += s->w[i].conn.binary;
		st->replies += s->w[i].replies;
		st->frames_out += s->w[i].frames_out;
		st->bad += s->w[i].bad;
		st->no_room += s->w[i].no_room;
	}
	st->queues = s->nqueues;
	st->first_queue = s->o.queue;
	st->threads = s->o.threads;
	for (i = 0; i < s->o.threads && i < AKV_MAX_QUEUES; i++)
		st->queue_requests[i] = s->w[i].requests;
	st->socket_requests = s->socket_requests;
	st->requests += s->socket_requests;
	st->items = s->store.count;
	st->evictions = s->store.c.evictions;
	st->zerocopy = s->zerocopy;
}

int akv_server_put(struct akv_server *s, const char *key, const void *val, size_t n)
{
	struct akv_item *it;

	bool ok = false;

	pthread_mutex_lock(&s->lock);
	it = akv_item_new(key, strlen(key), 0, 0, n);
	if (it) {
		struct akv_item *old = akv_find(&s->store, key, strlen(key), false);

		memcpy(akv_value(it), val, n);
		ok = old ? akv_replace(&s->store, old, it) : akv_link(&s->store, it);
		akv_item_put(old);
		akv_item_put(it);
	}
	pthread_mutex_unlock(&s->lock);
	return ok ? 0 : -ENOMEM;
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

/* What an operator's scrape reads (akv_metrics.c publishes it): beyond akv_server_stats. */
/* A reply datagram of the 'stats' below: its payload after the frame header, appended. */
static void stats_take(void *ctx, const struct akv_peer *to, const struct iovec *iov, int n,
		       size_t len)
{
	struct akv_metrics *m = ctx;
	size_t skip = AKV_UDP_HDR;
	int i;

	(void)to;
	(void)len;
	for (i = 0; i < n; i++) {
		const char *b = iov[i].iov_base;
		size_t l = iov[i].iov_len, k;

		k = skip < l ? skip : l;
		skip -= k;
		b += k;
		l -= k;
		if (l > sizeof(m->stats) - 1 - m->stats_len)
			l = sizeof(m->stats) - 1 - m->stats_len;
		memcpy(m->stats + m->stats_len, b, l);
		m->stats_len += l;
	}
}

/*
 * memcached's own 'stats' reply, as a client would get it, from a connection of its own (the
 * workers' connections keep their state); called with the lock held.
 */
static void stats_reply(struct akv_server *s, struct akv_metrics *m)
{
	static const uint8_t req[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 's', 't', 'a', 't', 's', '\r', '\n'
	};
	struct akv_sink sink = { stats_take, m };
	struct akv_peer from = { .rid = 1 };
	struct akv_conn c;

	m->stats_len = 0;
	m->stats[0] = '\0';
	if (akv_conn_init(&c, &s->store, &s->set, &sink))
		return;
	akv_datagram(&c, &from, req, sizeof(req));
	akv_conn_free(&c);
	m->stats[m->stats_len] = '\0';
}

void akv_server_metrics(struct akv_server *s, struct akv_metrics *m)
{
	struct xdp_statistics xs;
	socklen_t len;
	int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < s->o.threads; i++) {
		len = sizeof(xs);
		if (!s->w[i].xsk ||
		    getsockopt(xsk_socket__fd(s->w[i].xsk), SOL_XDP, XDP_STATISTICS, &xs, &len))
			continue;
		m->xsk_rx_dropped += xs.rx_dropped;
		m->xsk_rx_invalid += xs.rx_invalid_descs;
		m->xsk_tx_invalid += xs.tx_invalid_descs;
		m->xsk_rx_ring_full += xs.rx_ring_full;
	}
	if (s->skel) {
		bpfu_percpu_sum(bpf_map__fd(s->skel->maps.akv_counters), AKV_REDIRECTED,
				&m->xdp_redirected);
		bpfu_percpu_sum(bpf_map__fd(s->skel->maps.akv_counters), AKV_PASSED,
				&m->xdp_passed);
	}
	pthread_mutex_lock(&s->lock);
	m->bytes = s->store.mem;
	m->limit_bytes = s->store.mem_limit;
	stats_reply(s, m);
	pthread_mutex_unlock(&s->lock);
}
