// SPDX-License-Identifier: GPL-2.0
/* channels: AF_XDP in copy mode on veth, against what XDP received from the same sender. */
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
#include "exp/gen.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/trbench.h"
#include "testbed/testbed.h"

#include "channels.skel.h"
#include "lib/util.h"
#include "exp/channels/channels_int.h"

/* ---- AF_XDP (copy mode on veth) ---- */

/*
 * The sender (the load generator's XDP engine) flushes every 64 frames, so veth hands the
 * socket at most that many at a time; the RX ring is there for the consumer's hiccups (4096:
 * 2 ms at 2 Mpps), the fill ring holds every frame. A bigger umem only costs: the kernel
 * takes the frames in fill-ring order, so all of them are in use; with 32 K frames (64 MB)
 * a quiet run delivered 2.7 Mpps, with 8 K (16 MB) or 4 K 3.1-3.2, the frames more often
 * still in the caches when the kernel copies into them again (2026-12-02).
 */
#define XSK_FRAMES 8192
#define XSK_RX_RING 4096
#define XSK_FRAME_SIZE 2048

struct xsk_ctx {
	struct tb *tb;	    /* the runner's testbed */
	struct lg_xdp *lgx; /* the load generator's XDP engine on the testbed's generator end */
	char gen_why[200];
	struct channels_bpf *s;
	struct bpf_link *link;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	struct xsk_ring_prod tx;
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
	exp_gen_close(x->tb, x->lgx);
	channels_bpf__destroy(x->s);
}

static int xsk_up(struct xsk_ctx *x, struct tb *tb, char *why, size_t wlen)
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
	x->tb = tb;
	x->s = chan_open_load(BPF_MAP_TYPE_ARRAY);
	if (!x->s)
		return -errno;
	x->area = mmap(NULL, (size_t)XSK_FRAMES * XSK_FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -ENOMEM;
	}
	/*
	 * written once before the kernel pins it: without this, user space's first read of each
	 * frame the kernel had filled cost 5-15 us (MAP_POPULATE did not help), and the access
	 * figure below measured that instead of the ring
	 */
	memset(x->area, 0, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
	/* the redirect and the socket live in the dut's namespace */
	err = tb_enter(x->tb, TB_DUT);
	if (err)
		return err;
	x->link = att_xdp(x->s->progs.olab_chan_xsk, x->tb->dut.ifindex, x->tb->dut.ifname);
	if (!x->link) {
		err = -errno;
		tb_leave(x->tb);
		snprintf(why, wlen, "native XDP on the dut veth failed (%s)", strerror(-err));
		return err;
	}
	err = xsk_umem__create(&x->umem, x->area, (__u64)XSK_FRAMES * XSK_FRAME_SIZE, &x->fill,
			       &x->comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&x->xsk, x->tb->dut.ifname, 0, x->umem, &x->rx, &x->tx,
					 &cfg);
	tb_leave(x->tb);
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
	/* the sender: the load generator's XDP engine, its receive program on the other end */
	x->lgx = exp_gen_open(x->tb, 16, x->gen_why, sizeof(x->gen_why));
	if (!x->lgx) {
		snprintf(why, wlen, "no XDP load generator: %.150s", x->gen_why);
		return -EOPNOTSUPP;
	}
	if (xsk_ring_prod__reserve(&x->fill, XSK_FRAMES, &idx) != XSK_FRAMES)
		return -ENOSPC;
	for (i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = (__u64)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&x->fill, XSK_FRAMES);
	return 0;
}

/*
 * 64-byte frames from the generator's namespace by the load generator's XDP engine, as fast
 * as it goes: n of them (0: until dur_ns is over); the frames it got out into *sent.
 */
static int xsk_send(struct xsk_ctx *x, uint64_t n, uint64_t dur_ns, uint64_t *sent,
		    double *sending_s)
{
	struct lg_app app = lg_sink_app;
	struct sockaddr_in *dst;
	struct lg_result lr;
	struct lg_opts lo;
	int err;

	app.size = 64 - 42; /* Ethernet, IPv4, UDP: a 64-byte frame */
	lg_opts_default(&lo);
	dst = (struct sockaddr_in *)&lo.dst;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(9);
	dst->sin_addr.s_addr = x->tb->dut.addr;
	lo.dstlen = sizeof(*dst);
	lo.app = &app;
	lo.engine = LG_ENGINE_XDP;
	lo.xdp = x->lgx;
	lo.mode = LG_FLOOD;
	lo.count = n;
	lo.duration_ns = dur_ns;
	lo.batch = 64; /* each batch ends with a flush: the receiver gets them 64 at a time */
	lo.cpu = x->tb->gen_cpu;
	err = tb_enter(x->tb, TB_GEN);
	if (err)
		return err;
	err = lg_run(&lo, &lr);
	tb_leave(x->tb);
	if (sent)
		*sent = err ? 0 : lr.sent;
	if (sending_s)
		*sending_s = err ? 0 : lr.elapsed_s;
	lg_result_free(&lr);
	return err;
}

/*
 * Take up to max descriptors, read 64 B of each (sum NULL: none, as xdp-bench xsk-drop), give
 * the frames back to the fill ring.
 */
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

		if (sum)
			*sum += data[0] + data[7];
		*xsk_ring_prod__fill_addr(&x->fill, fidx + i) = xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_cons__release(&x->rx, n);
	xsk_ring_prod__submit(&x->fill, n);
	return n;
}

struct gen_arg {
	struct xsk_ctx *x;
	const struct trb *trb;
	uint64_t dur_ns, sent;
	double sending_s; /* the engine's sending time: its set-up before is not the channel's */
	atomic_bool stop;
	int err;
};

/* The throughput generator: the XDP engine flat out for dur_ns, on the generator's CPU. */
static void *xsk_gen(void *arg)
{
	struct gen_arg *g = arg;

	g->err = xsk_send(g->x, 0, g->dur_ns, &g->sent, &g->sending_s);
	atomic_store(&g->stop, true);
	return NULL;
}

/* Access: frames waiting in the RX ring, taken one at a time; ns per descriptor. */
static void xsk_access(struct xsk_ctx *x, const struct trb *trb, struct trb_run *acc, uint64_t *sum)
{
	int i;

	for (i = 0; i < trb->samples; i++) {
		uint64_t t0, deadline = bpfu_now_ns() + 1000000000ULL;
		uint32_t got = 0, want = 1024, waiting;

		if (xsk_send(x, want, 10000000000ULL, NULL, NULL))
			break;
		do {
			__u32 idx;

			waiting = xsk_ring_cons__peek(&x->rx, want, &idx);
			xsk_ring_cons__cancel(&x->rx, waiting);
		} while (waiting < want && bpfu_now_ns() < deadline);
		t0 = bpfu_now_ns();
		while (got < waiting)
			got += xsk_take(x, 1, sum);
		if (got)
			acc->v[acc->n++] = (double)(bpfu_now_ns() - t0) / got;
	}
}

/* Where the frames went: what XDP saw and redirected, what the socket dropped, and why. */
static void xsk_note(struct xsk_ctx *x, struct result *r)
{
	struct xdp_statistics st = { 0 };
	socklen_t sl = sizeof(st);

	getsockopt(xsk_socket__fd(x->xsk), SOL_XDP, XDP_STATISTICS, &st, &sl);
	result_note(r,
		    "AF_XDP: the XDP program saw %llu frames and redirected %llu to the socket; "
		    "the socket dropped %llu (RX ring full %llu, fill ring empty %llu). %s",
		    (unsigned long long)x->s->bss->xsk_seen,
		    (unsigned long long)x->s->bss->xsk_redirected,
		    (unsigned long long)st.rx_dropped, (unsigned long long)st.rx_ring_full,
		    (unsigned long long)st.rx_fill_ring_empty_descs,
		    st.rx_dropped || st.rx_ring_full
			    ? "Frames were lost at the socket with its RX ring full: the consumer "
			      "fell behind at times (something else ran on its CPU?), and the "
			      "delivered rate is below what arrived"
			    : "No frame was lost at the socket: the delivered rate is what "
			      "arrived, so the sender set it");
}

void af_xdp(struct result *r, struct tb *tb, const struct trb *trb, uint64_t dur_ns)
{
	struct metric *ma = result_add(r, "channels.access.af_xdp",
				       "AF_XDP RX ring, per descriptor (copy mode)", "ns",
				       METHOD_LIVE),
		      *mt = result_add(r, "channels.tput.af_xdp",
				       "AF_XDP, kernel -> user (copy mode)", "Mpps", METHOD_LIVE);
	struct trb_run acc = { .linear = true }, tput = { .linear = true },
		       xdp = { .linear = true }, desc = { .linear = true };
	struct metric *mx = result_add(r, "channels.tput.af_xdp_anchor",
				       "XDP receive with the same sender (the anchor)", "Mpps",
				       METHOD_LIVE),
		      *mr = result_add(r, "channels.tput.af_xdp_vs_anchor",
				       "AF_XDP delivered / XDP received", "x", METHOD_MODEL),
		      *md = result_add(r, "channels.tput.af_xdp_desc",
				       "AF_XDP, descriptors only (as xdp-bench xsk-drop)", "Mpps",
				       METHOD_LIVE);
	struct xsk_ctx x;
	char why[200] = "";
	uint64_t sum = 0;
	int err, i;

	metric_set_paper(ma, 14, "Table 4");
	metric_set_paper(mt, 13.4, "Fig. 13");
	err = xsk_up(&x, tb, why, sizeof(why));
	if (err) {
		if (!why[0])
			snprintf(why, sizeof(why), "%s", strerror(-err));
		metric_unavailable(ma, "%s", why);
		metric_unavailable(mt, "%s", why);
		metric_unavailable(md, "%s", why);
		metric_unavailable(mx, "%s", why);
		metric_unavailable(mr, "%s", why);
		xsk_down(&x);
		return;
	}
	xsk_access(&x, trb, &acc, &sum);
	trb_metric(ma, &acc, 0, 1, true, trb->samples);
	metric_note(ma,
		    "peek one descriptor, read its 64 B, release it and refill: frames already in "
		    "the ring");
	/*
	 * throughput: the sender on the generator's CPU, where veth also runs the dut's NAPI (XDP,
	 * the copy into the socket's memory) in softirq; a busy consumer alone on the dut CPU.
	 * (The dut's NAPI as a thread beside the consumer delivered no more: 0.124 Mpps with a
	 * real-time thread, 0.086 at normal priority.) What XDP saw in the same time is the
	 * anchor: what arrived, the most AF_XDP could deliver with this sender.
	 */
	/*
	 * Each sample twice, order alternating: a consumer that reads each frame's 64 B (the
	 * item, what this experiment asks) and one that only recycles the descriptors, as
	 * xdp-bench xsk-drop does (what the anchor tool measures). Rates are over the sender's
	 * sending time: its set-up (loading the request table, a test-run of its program) sends
	 * nothing and was a third of a 200 ms quick run.
	 */
	for (i = 0; i < 2 * (trb->samples < 5 ? trb->samples : 5); i++) {
		struct gen_arg g = { .x = &x, .trb = trb, .dur_ns = dur_ns };
		uint64_t got = 0, seen0 = x.s->bss->xsk_seen;
		uint64_t *rd = (i ^ (i >> 1)) & 1 ? NULL : &sum;
		pthread_t th;

		cpu_pin_self(x.tb->dut_cpu);
		if (pthread_create(&th, NULL, xsk_gen, &g))
			break;
		while (!atomic_load(&g.stop))
			got += xsk_take(&x, 64, rd);
		/* what is still on its way */
		got += xsk_take(&x, XSK_RX_RING, rd);
		pthread_join(th, NULL);
		if (g.err || !(g.sending_s > 0))
			break;
		if (rd) {
			tput.v[tput.n++] = (double)got / g.sending_s / 1e6;
			xdp.v[xdp.n++] = (double)(x.s->bss->xsk_seen - seen0) / g.sending_s / 1e6;
		} else {
			desc.v[desc.n++] = (double)got / g.sending_s / 1e6;
		}
	}
	trb_metric(mt, &tput, 0, 1, true, 5);
	trb_metric(md, &desc, 0, 1, true, 5);
	metric_engine(md, "xdp");
	metric_note(md,
		    "as above, the consumer taking and recycling descriptors without reading the "
		    "frames, as xdp-bench xsk-drop does: the figure to hold beside that tool's");
	metric_note(
		mt,
		"64 B frames from the load generator's XDP engine over veth, XDP redirect to the "
		"socket, copy mode (veth has no zero-copy); NAPI in softirq on the sender's CPU, "
		"a busy consumer alone on the other");
	metric_engine(mt, "xdp");
	metric_engine(mx, "xdp");
	trb_metric(mx, &xdp, 0, 1, true, 5);
	metric_note(mx,
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
	xsk_note(&x, r);
	xsk_down(&x);
}
