// SPDX-License-Identifier: GPL-2.0
/*
 * channels (paper Table 4, Fig. 13): how fast user space gets 64-byte items out of the kernel.
 * Access time to one entry by each channel, then kernel -> user throughput with a BPF
 * producer on one CPU and a user-space consumer on the other.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "exp/channels/channels.h"
#include "exp/channels/channels_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/trbench.h"
#include "testbed/testbed.h"

#include "channels.skel.h"
#include "lib/util.h"

static const struct {
	const char *id, *label;
	enum bpf_map_type type;
	bool percpu;
	double paper;
} tabs[] = {
	{ "array", "array", BPF_MAP_TYPE_ARRAY, false, 485 },
	{ "hash", "hash", BPF_MAP_TYPE_HASH, false, 495 },
	{ "lru", "LRU hash", BPF_MAP_TYPE_LRU_HASH, false, 495 },
	{ "percpu_array", "per-CPU array", BPF_MAP_TYPE_PERCPU_ARRAY, true, 1550 },
	{ "percpu_hash", "per-CPU hash", BPF_MAP_TYPE_PERCPU_HASH, true, 1550 },
	{ "lru_percpu", "per-CPU LRU hash", BPF_MAP_TYPE_LRU_PERCPU_HASH, true, 1550 },
};
#define NTABS ARRAY_SIZE(tabs)

static struct channels_bpf *open_load(enum bpf_map_type t)
{
	struct channels_bpf *s = channels_bpf__open();

	if (!s)
		return NULL;
	bpf_map__set_type(s->maps.tab, t);
	if (channels_bpf__load(s)) {
		channels_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* ---- Table 4: one entry ---- */

struct lk {
	int fd;
	void *buf;
};

static uint64_t lookup_batch(void *arg, uint64_t calls)
{
	struct lk *l = arg;
	uint64_t c, t0 = bpfu_now_ns();
	__u32 k;

	for (c = 0; c < calls; c++) {
		k = (__u32)(c & (CH_KEYS - 1));
		bpf_map_lookup_elem(l->fd, &k, l->buf);
	}
	return bpfu_now_ns() - t0;
}

static int syscall_lookups(struct result *r, const struct trb *tb)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t i;

	for (i = 0; i < NTABS; i++) {
		struct channels_bpf *s = open_load(tabs[i].type);
		struct ch_item *vals = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*vals));
		struct lk l;
		struct trb_run run;
		struct metric *m;
		__u32 k;

		m = result_addf(r, "ns", METHOD_LIVE, "channels.lookup.%s", tabs[i].id);
		metric_label(m, "syscall lookup, %s, 64 B value", tabs[i].label);
		if (!s || !vals) {
			metric_unavailable(m, "could not create the map here (%s)",
					   strerror(errno));
			free(vals);
			channels_bpf__destroy(s);
			continue;
		}
		l.fd = bpf_map__fd(s->maps.tab);
		l.buf = vals;
		for (k = 0; k < CH_KEYS; k++)
			bpf_map_update_elem(l.fd, &k, vals, BPF_ANY);
		trb_native(tb, lookup_batch, &l, &run);
		trb_metric(m, &run, 0, 1, true, tb->samples);
		metric_set_paper(m, tabs[i].paper, "Table 4");
		snprintf(m->note, sizeof(m->note), "bpf(BPF_MAP_LOOKUP_ELEM) from user space%s",
			 tabs[i].percpu ? "; per-CPU maps copy one value per possible CPU" : "");
		free(vals);
		channels_bpf__destroy(s);
	}
	return 0;
}

static int count_item(void *ctx, void *data, size_t len)
{
	(void)data;
	(void)len;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* produce n items into the ring buffer by test-run (no wake-ups) */
static int rb_fill(struct channels_bpf *s, const struct trb *tb, uint32_t n)
{
	s->bss->rb_flags = BPF_RB_NO_WAKEUP;
	return bpfu_test_run(bpf_program__fd(s->progs.ch_rb_produce), tb->pkt, tb->len, n, NULL,
			     NULL, NULL);
}

static void ringbuf_access(struct result *r, const struct trb *tb)
{
	struct metric *m = result_add(r, "channels.access.ringbuf", "BPF ring buffer, per item",
				      "ns", METHOD_LIVE);
	struct channels_bpf *s = open_load(BPF_MAP_TYPE_ARRAY);
	struct ring_buffer *rbuf = NULL;
	struct trb_run run = { .linear = true };
	uint64_t got = 0;
	int i;

	if (s)
		rbuf = ring_buffer__new(bpf_map__fd(s->maps.rb), count_item, &got, NULL);
	if (!rbuf) {
		metric_unavailable(m, "no BPF ring buffer here (%s)", strerror(errno));
		channels_bpf__destroy(s);
		return;
	}
	for (i = 0; i < tb->samples; i++) {
		const uint32_t n = 16384;
		uint64_t t0;

		got = 0;
		if (rb_fill(s, tb, n))
			break;
		t0 = bpfu_now_ns();
		ring_buffer__consume(rbuf);
		if (got)
			run.v[run.n++] = (double)(bpfu_now_ns() - t0) / (double)got;
	}
	trb_metric(m, &run, 0, 1, true, tb->samples);
	metric_set_paper(m, 10, "Table 4");
	snprintf(m->note, sizeof(m->note),
		 "ring_buffer__consume over 16384 waiting items, a callback that counts them");
	ring_buffer__free(rbuf);
	channels_bpf__destroy(s);
}

static struct ch_spsc *spsc_map(struct channels_bpf *s)
{
	void *p = mmap(NULL, sizeof(struct ch_spsc), PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(s->maps.ring), 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t mmap_batch(void *arg, uint64_t calls)
{
	struct ch_spsc *r = arg;
	struct ch_item it;
	uint64_t c, sum = 0, t0 = bpfu_now_ns();

	for (c = 0; c < calls; c++) {
		memcpy(&it, (const void *)&r->items[c & (CH_SPSC_N - 1)], sizeof(it));
		sum += it.seq;
		asm volatile("" : : "r"(sum) : "memory");
	}
	return bpfu_now_ns() - t0;
}

static void mmap_access(struct result *r, const struct trb *tb)
{
	struct metric *m = result_add(r, "channels.access.mmap", "mmap'd array, per 64 B read",
				      "ns", METHOD_LIVE);
	struct channels_bpf *s = open_load(BPF_MAP_TYPE_ARRAY);
	struct ch_spsc *ring = s ? spsc_map(s) : NULL;
	struct trb_run run;

	if (!ring) {
		metric_unavailable(m, "could not mmap a BPF_F_MMAPABLE array (%s)",
				   strerror(errno));
		channels_bpf__destroy(s);
		return;
	}
	trb_native(tb, mmap_batch, ring, &run);
	trb_metric(m, &run, 0, 1, true, tb->samples);
	metric_set_paper(m, 2, "Table 4");
	snprintf(m->note, sizeof(m->note),
		 "a 64-byte copy out of the mapped map value, no syscall");
	munmap(ring, sizeof(*ring));
	channels_bpf__destroy(s);
}

/* ---- kernel -> user throughput ---- */

struct flow {
	struct channels_bpf *s;
	const struct trb *tb;
	int cpu, prog;
	uint64_t dur_ns;
	atomic_bool stop;
	uint64_t produced;
	int err;
};

static void *producer(void *arg)
{
	struct flow *f = arg;
	uint64_t end = bpfu_now_ns() + f->dur_ns;

	cpu_pin_self(f->cpu);
	while (bpfu_now_ns() < end && !f->err) {
		f->err = bpfu_test_run(f->prog, f->tb->pkt, f->tb->len, 65536, NULL, NULL, NULL);
		f->produced += 65536;
	}
	atomic_store(&f->stop, true);
	return NULL;
}

enum consumer { C_RB_BUSY, C_RB_POLL, C_SPSC, C_ARRAY };

/* Items per second a consumer on its own CPU takes while the producer runs for dur_ns. */
static int throughput(enum consumer c, const struct trb *tb, int pcpu, int ccpu, uint64_t dur_ns,
		      double *mpps, double *drop_pct)
{
	struct channels_bpf *s = open_load(BPF_MAP_TYPE_ARRAY);
	struct flow f = { .tb = tb, .cpu = pcpu, .dur_ns = dur_ns };
	struct ring_buffer *rbuf = NULL;
	struct ch_spsc *ring = NULL;
	uint64_t got = 0, t0, t1, last_seq = 0;
	pthread_t th;
	int err;

	if (!s)
		return -errno;
	f.s = s;
	if (c == C_ARRAY) {
		f.prog = bpf_program__fd(s->progs.ch_arr_produce);
	} else if (c == C_SPSC) {
		ring = spsc_map(s);
		f.prog = bpf_program__fd(s->progs.ch_spsc_produce);
	} else {
		rbuf = ring_buffer__new(bpf_map__fd(s->maps.rb), count_item, &got, NULL);
		f.prog = bpf_program__fd(s->progs.ch_rb_produce);
		s->bss->rb_flags = c == C_RB_BUSY ? BPF_RB_NO_WAKEUP : 0;
	}
	if ((c == C_SPSC && !ring) || ((c == C_RB_BUSY || c == C_RB_POLL) && !rbuf)) {
		err = -errno;
		goto out;
	}
	cpu_pin_self(ccpu);
	t0 = bpfu_now_ns();
	err = -pthread_create(&th, NULL, producer, &f);
	if (err)
		goto out;
	while (!atomic_load(&f.stop)) {
		if (c == C_RB_BUSY) {
			ring_buffer__consume(rbuf);
		} else if (c == C_RB_POLL) {
			ring_buffer__poll(rbuf, 10);
		} else if (c == C_ARRAY) {
			/* a lookup per item: items overwritten in between are lost to the reader */
			struct ch_item it;
			__u32 k = 0;

			if (!bpf_map_lookup_elem(bpf_map__fd(s->maps.tab), &k, &it) &&
			    it.seq != last_seq) {
				last_seq = it.seq;
				got++;
			}
		} else {
			uint64_t h = *(volatile __u64 *)&ring->head, t = ring->tail, sum = 0;

			for (; t < h; t++)
				sum += ring->items[t & (CH_SPSC_N - 1)].seq;
			asm volatile("" : : "r"(sum) : "memory");
			*(volatile __u64 *)&ring->tail = t;
			got = t;
		}
	}
	t1 = bpfu_now_ns();
	pthread_join(th, NULL);
	err = f.err;
	*mpps = (double)got / (double)(t1 - t0) * 1e3;
	*drop_pct = !f.produced	   ? 0
		    : c == C_ARRAY ? (double)(f.produced - (got < f.produced ? got : f.produced)) /
					     (double)f.produced * 100
				   : (double)s->bss->drops / (double)f.produced * 100;
out:
	if (ring)
		munmap(ring, sizeof(*ring));
	ring_buffer__free(rbuf);
	channels_bpf__destroy(s);
	return err;
}

/* ---- AF_XDP (copy mode on veth) ---- */

/*
 * veth hands a sender's frames to XDP and the socket in bursts (in softirq on the sending CPU,
 * a test-run call's worth at a time): an RX ring of libxdp's default 2048 overflowed and the
 * socket delivered exactly 2048 of every burst (a quarter, with 16 K-frame calls). The ring
 * and the memory behind it are sized for a whole burst; 2 KB frames keep that memory at 64 MB.
 */
#define XSK_FRAMES 32768
#define XSK_RX_RING 16384
#define XSK_FRAME_SIZE 2048

struct xsk_ctx {
	struct tb tb;
	struct channels_bpf *s;
	struct bpf_link *link;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	struct xsk_ring_prod tx;
	bool tb_up;
};

static void xsk_down(struct xsk_ctx *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
	bpf_link__destroy(x->link);
	channels_bpf__destroy(x->s);
	if (x->tb_up)
		tb_destroy(&x->tb);
}

static int xsk_up(struct xsk_ctx *x, char *why, size_t wlen)
{
	struct xsk_socket_config cfg = { .rx_size = XSK_RX_RING,
					 .tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
					 .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
					 .bind_flags = XDP_COPY };
	struct xsk_umem_config ucfg = { .fill_size = XSK_FRAMES,
					.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
					.frame_size = XSK_FRAME_SIZE };
	__u32 idx, i;
	int err;

	memset(x, 0, sizeof(*x));
	err = tb_create(&x->tb);
	if (err) {
		snprintf(why, wlen, "no testbed (%s)", strerror(-err));
		return err;
	}
	x->tb_up = true;
	x->s = open_load(BPF_MAP_TYPE_ARRAY);
	if (!x->s)
		return -errno;
	x->area = mmap(NULL, (size_t)XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -ENOMEM;
	}
	/* the redirect and the socket live in the dut's namespace */
	err = tb_enter(&x->tb, TB_DUT);
	if (err)
		return err;
	x->link = att_xdp(x->s->progs.ch_xsk_redirect, x->tb.dut.ifindex, x->tb.dut.ifname);
	if (!x->link) {
		err = -errno;
		tb_leave(&x->tb);
		snprintf(why, wlen, "native XDP on the dut veth failed (%s)", strerror(-err));
		return err;
	}
	err = xsk_umem__create(&x->umem, x->area, (__u64)XSK_FRAMES * XSK_FRAME_SIZE, &x->fill,
			       &x->comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&x->xsk, x->tb.dut.ifname, 0, x->umem, &x->rx, &x->tx,
					 &cfg);
	tb_leave(&x->tb);
	if (err) {
		snprintf(why, wlen, "AF_XDP socket in copy mode on veth: %s", strerror(-err));
		x->xsk = NULL;
		return err;
	}
	err = xsk_socket__update_xskmap(x->xsk, bpf_map__fd(x->s->maps.xsks));
	if (err) {
		snprintf(why, wlen, "could not add the socket to the XSKMAP (%s)", strerror(-err));
		return err;
	}
	if (xsk_ring_prod__reserve(&x->fill, XSK_FRAMES, &idx) != XSK_FRAMES)
		return -ENOSPC;
	for (i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = (__u64)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&x->fill, XSK_FRAMES);
	return 0;
}

/* Send n live frames from the generator's namespace (n rounded up to 64). */
static int xsk_send(struct xsk_ctx *x, const struct trb *tb, uint32_t n)
{
	struct xdp_md md = { .data_end = (__u32)tb->len,
			     .ingress_ifindex = (__u32)x->tb.gen.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = tb->pkt, .data_size_in = (__u32)tb->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	int err = tb_enter(&x->tb, TB_GEN);

	if (err)
		return err;
	if (bpf_prog_test_run_opts(bpf_program__fd(x->s->progs.ch_gen), &o))
		err = -errno;
	tb_leave(&x->tb);
	return err;
}

/* Take up to max descriptors, read 64 B of each, give the frames back to the fill ring. */
static uint32_t xsk_take(struct xsk_ctx *x, uint32_t max, uint64_t *sum)
{
	__u32 idx, fidx, n = xsk_ring_cons__peek(&x->rx, max, &idx), i;

	if (!n)
		return 0;
	while (xsk_ring_prod__reserve(&x->fill, n, &fidx) != n)
		;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		const uint64_t *data = xsk_umem__get_data(x->area, d->addr);

		*sum += data[0] + data[7];
		*xsk_ring_prod__fill_addr(&x->fill, fidx + i) = xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_cons__release(&x->rx, n);
	xsk_ring_prod__submit(&x->fill, n);
	return n;
}

struct gen_arg {
	struct xsk_ctx *x;
	const struct trb *tb;
	uint64_t dur_ns, sent;
	atomic_bool stop;
	int err;
};

/*
 * The throughput generator: 64-byte frames sent out of the generator's veth by test-run in
 * live-frames mode (XDP_TX), 64 per call, from the generator's CPU: no socket stack on the
 * sending side, and each call ends with a flush, so the receiving side gets them in batches
 * of 64 (one call with a large repeat would hold them all until it returns).
 */
#define GEN_CALL 16384 /* frames per test-run call: a call sets up its page pool first */

static void *xsk_gen(void *arg)
{
	struct gen_arg *g = arg;
	struct xdp_md md = { .data_end = (__u32)g->tb->len,
			     .ingress_ifindex = (__u32)g->x->tb.gen.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = g->tb->pkt, .data_size_in = (__u32)g->tb->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = GEN_CALL,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	uint64_t end = bpfu_now_ns() + g->dur_ns;
	int fd = bpf_program__fd(g->x->s->progs.ch_gen);

	cpu_pin_self(g->x->tb.gen_cpu);
	g->err = tb_enter(&g->x->tb, TB_GEN);
	while (!g->err && bpfu_now_ns() < end) {
		if (bpf_prog_test_run_opts(fd, &o))
			g->err = -errno;
		else
			g->sent += GEN_CALL;
	}
	tb_leave(&g->x->tb);
	atomic_store(&g->stop, true);
	return NULL;
}

static void af_xdp(struct result *r, const struct trb *tb, uint64_t dur_ns)
{
	struct metric *ma = result_add(r, "channels.access.af_xdp",
				       "AF_XDP RX ring, per descriptor (copy mode)", "ns",
				       METHOD_LIVE),
		      *mt = result_add(r, "channels.tput.af_xdp",
				       "AF_XDP, kernel -> user (copy mode)", "Mpps", METHOD_LIVE);
	struct trb_run acc = { .linear = true }, tput = { .linear = true },
		       xdp = { .linear = true };
	struct metric *mx = result_add(r, "channels.tput.af_xdp_anchor",
				       "XDP receive with the same sender (the anchor)", "Mpps",
				       METHOD_LIVE),
		      *mr = result_add(r, "channels.tput.af_xdp_vs_anchor",
				       "AF_XDP delivered / XDP received", "x", METHOD_MODEL);
	struct xsk_ctx x;
	char why[200] = "";
	uint64_t sum = 0;
	int err, i;

	metric_set_paper(ma, 14, "Table 4");
	metric_set_paper(mt, 13.4, "Fig. 13");
	err = xsk_up(&x, why, sizeof(why));
	if (err) {
		if (!why[0])
			snprintf(why, sizeof(why), "%s", strerror(-err));
		metric_unavailable(ma, "%s", why);
		metric_unavailable(mt, "%s", why);
		xsk_down(&x);
		return;
	}
	/* access: frames waiting in the RX ring, taken one at a time */
	for (i = 0; i < tb->samples; i++) {
		uint64_t t0, deadline = bpfu_now_ns() + 1000000000ULL;
		uint32_t got = 0, want = 1024, waiting;

		if (xsk_send(&x, tb, want))
			break;
		do {
			__u32 idx;

			waiting = xsk_ring_cons__peek(&x.rx, want, &idx);
			xsk_ring_cons__cancel(&x.rx, waiting);
		} while (waiting < want && bpfu_now_ns() < deadline);
		t0 = bpfu_now_ns();
		while (got < waiting)
			got += xsk_take(&x, 1, &sum);
		if (got)
			acc.v[acc.n++] = (double)(bpfu_now_ns() - t0) / got;
	}
	trb_metric(ma, &acc, 0, 1, true, tb->samples);
	snprintf(ma->note, sizeof(ma->note),
		 "peek one descriptor, read its 64 B, release it and refill: frames already in "
		 "the ring");
	/*
	 * throughput: the sender on the generator's CPU, where veth also runs the dut's NAPI (XDP,
	 * the copy into the socket's memory) in softirq; a busy consumer alone on the dut CPU.
	 * (The dut's NAPI as a thread beside the consumer delivered no more: 0.124 Mpps with a
	 * real-time thread, 0.086 at normal priority.) What XDP saw in the same time is the
	 * anchor: what arrived, the most AF_XDP could deliver with this sender.
	 */
	for (i = 0; i < (tb->samples < 5 ? tb->samples : 5); i++) {
		struct gen_arg g = { .x = &x, .tb = tb, .dur_ns = dur_ns };
		uint64_t got = 0, t0 = bpfu_now_ns(), seen0 = x.s->bss->xsk_seen, t;
		pthread_t th;

		cpu_pin_self(x.tb.dut_cpu);
		if (pthread_create(&th, NULL, xsk_gen, &g))
			break;
		while (!atomic_load(&g.stop))
			got += xsk_take(&x, 64, &sum);
		/* what is still on its way */
		got += xsk_take(&x, 2048, &sum);
		t = bpfu_now_ns() - t0;
		tput.v[tput.n++] = (double)got / (double)t * 1e3;
		xdp.v[xdp.n++] = (double)(x.s->bss->xsk_seen - seen0) / (double)t * 1e3;
		pthread_join(th, NULL);
		if (g.err)
			break;
	}
	trb_metric(mt, &tput, 0, 1, true, 5);
	snprintf(
		mt->note, sizeof(mt->note),
		"64 B frames from a live-frames sender over veth, XDP redirect to the socket, copy "
		"mode (veth has no zero-copy); NAPI in softirq on the sender's CPU, a busy "
		"consumer alone on the other");
	trb_metric(mx, &xdp, 0, 1, true, 5);
	snprintf(mx->note, sizeof(mx->note),
		 "the frames the receiving XDP program saw per second in the same runs: what "
		 "arrives, the most AF_XDP could deliver with this sender");
	{
		struct stats_samples rs;

		stats_samples_init(&rs);
		for (i = 0; i < (int)tput.n && i < (int)xdp.n; i++)
			if (xdp.v[i] > 0)
				stats_samples_add(&rs, tput.v[i] / xdp.v[i]);
		metric_set_samples(mr, &rs, 5);
		stats_samples_free(&rs);
	}
	{
		struct xdp_statistics st = { 0 };
		socklen_t sl = sizeof(st);

		getsockopt(xsk_socket__fd(x.xsk), SOL_XDP, XDP_STATISTICS, &st, &sl);
		result_note(
			r,
			"AF_XDP: the XDP program saw %llu frames and redirected %llu to the "
			"socket; the socket dropped %llu (RX ring full %llu, fill ring empty "
			"%llu). %s",
			(unsigned long long)x.s->bss->xsk_seen,
			(unsigned long long)x.s->bss->xsk_redirected,
			(unsigned long long)st.rx_dropped, (unsigned long long)st.rx_ring_full,
			(unsigned long long)st.rx_fill_ring_empty_descs,
			st.rx_dropped || st.rx_ring_full
				? "Frames were lost at the socket with its RX ring full, while the "
				  "consumer, alone on its CPU, found the ring empty most of the "
				  "time: "
				  "the copy-mode path on veth delivers in bursts, not the sender, "
				  "sets "
				  "the rate (cause not found yet)"
				: "No frame was lost at the socket: the delivered rate is what "
				  "arrived, so the sender set it");
	}
	xsk_down(&x);
}

int channels_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	static const struct {
		enum consumer c;
		const char *id, *label;
		double paper;
	} flows[] = {
		{ C_RB_BUSY, "ringbuf_busy", "BPF ring buffer, busy consumer", 2.1 },
		{ C_RB_POLL, "ringbuf_poll", "BPF ring buffer, poll with wake-ups", 2.1 },
		{ C_SPSC, "spsc", "ring in an mmap'd array, busy consumer", 5.4 },
		{ C_ARRAY, "array_syscall_live", "array + syscall, items read while produced",
		  0.9 },
	};
	uint64_t dur = o->quick ? 200000000ULL : 1000000000ULL;
	struct trb tb;
	int pcpu, ccpu, i, k, err = 0;
	struct metric *m;

	trb_init(&tb, o->quick, o->samples);
	syscall_lookups(r, &tb);
	ringbuf_access(r, &tb);
	mmap_access(r, &tb);

	cpu_pick_pair(&pcpu, &ccpu);
	m = result_find(r, "channels.lookup.array");
	if (m && !m->unavailable[0] && m->s.p50 > 0) {
		struct metric *mm =
			result_add(r, "channels.tput.array_syscall",
				   "array + syscall, one item per lookup", "Mpps", METHOD_MODEL);
		struct trb_run one = { .n = 1, .linear = true, .v = { 1e3 / m->s.p50 } };

		trb_metric(mm, &one, 0, 1, true, 1);
		metric_set_paper(mm, 0.9, "Fig. 13");
		snprintf(mm->note, sizeof(mm->note), "1000 / the median syscall lookup (%.0f ns)",
			 m->s.p50);
	}
	for (k = 0; k < 4; k++) {
		struct trb_run v = { .linear = true };
		double drops = 0, d = 0;
		char id[64];

		for (i = 0; i < (o->quick ? 3 : 5); i++) {
			err = throughput(flows[k].c, &tb, pcpu, ccpu, dur, &v.v[v.n], &d);
			if (err)
				break;
			drops += d;
			v.n++;
		}
		snprintf(id, sizeof(id), "channels.tput.%s", flows[k].id);
		m = result_add(r, id, flows[k].label, "Mpps", METHOD_LIVE);
		if (err) {
			metric_unavailable(m, "%s", strerror(-err));
			err = 0;
			continue;
		}
		trb_metric(m, &v, 0, 1, true, o->quick ? 3 : 5);
		metric_set_paper(m, flows[k].paper, "Fig. 13");
		snprintf(
			m->note, sizeof(m->note),
			"items consumed per second; producer: test-run on cpu %d (%.1f %% of its "
			"items lost: channel full, or overwritten before read), consumer on cpu %d",
			pcpu, v.n ? drops / v.n : 0, ccpu);
	}
	af_xdp(r, &tb, dur);
	result_note(r, "producers: BPF programs run by test-run in a loop, one 64 B item per run; "
		       "the paper's producer is an XDP program fed by a 100 G NIC, so its rates "
		       "are bounded by the consumer, ours may be bounded by the producer (see the "
		       "drop share in each note)");
	return 0;
}
