// SPDX-License-Identifier: GPL-2.0
/*
 * preproc (paper Fig. 10): how much does truncating datagrams in XDP, before the stack, raise
 * the throughput of a user-space sink? The generator is the kernel itself: test-run in
 * live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES) transmits a template frame out of the
 * generator's veth, millions of times a second, with no user space in the loop.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/preproc/preproc.h"
#include "exp/preproc/preproc_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "testbed/testbed.h"
#include "preproc.skel.h"

#define PP_PORT 9009
#define FRAMES_PER_CALL 100000

struct sink {
	int fd, cpu;
	_Atomic bool stop;
	_Atomic uint64_t pkts;
	pthread_t th;
};

static void *sink_thread(void *arg)
{
	static __thread unsigned char bufs[32][2048];
	struct mmsghdr msgs[32];
	struct iovec iov[32];
	struct sink *s = arg;
	int i, n;

	cpu_pin_self(s->cpu);
	for (i = 0; i < 32; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	/*
	 * A blocking sink: it shares its CPU with the NAPI thread, and a spinning one would take
	 * its CFS share even with nothing to read. The receive timeout lets it notice a stop.
	 */
	while (!atomic_load(&s->stop)) {
		n = recvmmsg(s->fd, msgs, 32, MSG_WAITFORONE, NULL);
		if (n > 0)
			atomic_fetch_add(&s->pkts, (uint64_t)n);
	}
	return NULL;
}

/* Send live frames for dur_ns from the generator's namespace; returns frames sent. */
static int blast(int prog_fd, const struct tb *tb, const void *frame, size_t len, uint64_t dur_ns,
		 uint64_t *sent)
{
	struct xdp_md md = { .data = 0,
			     .data_end = (__u32)len,
			     .ingress_ifindex = (__u32)tb->gen.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (__u32)len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = FRAMES_PER_CALL,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	uint64_t end = bpfu_now_ns() + dur_ns;
	int err = tb_enter(tb, TB_GEN);

	*sent = 0;
	if (err)
		return err;
	while (bpfu_now_ns() < end) {
		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			err = -errno;
			break;
		}
		*sent += FRAMES_PER_CALL;
	}
	tb_leave(tb);
	return err;
}

int preproc_configure(void *skel, const struct run_opts *o)
{
	(void)o;
	((struct preproc_bpf *)skel)->rodata->cfg_port = PP_PORT;
	return 0;
}

int preproc_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct preproc_bpf *skel = x->skel;
	struct tb *tb = x->tb;
	static const unsigned int pcts_full[] = { 0, 10, 25, 50, 75, 90, 100 };
	static const unsigned int pcts_quick[] = { 0, 50, 100 };
	const unsigned int *pcts = o->quick ? pcts_quick : pcts_full;
	int npct = o->quick ? 3 : 7, reps = o->quick ? 2 : 5, i, k, err;
	uint64_t dur = o->quick ? 300000000ULL : 1000000000ULL;
	struct stats_samples kpps[7], gain[7], offered;
	struct sockaddr_in dut = { .sin_family = AF_INET, .sin_port = htons(PP_PORT) };
	unsigned char frame[2048], payload[PREPROC_PAYLOAD];
	struct sink s = { .fd = -1 };
	struct bpf_link *xdp = NULL;
	struct pkt_addrs a;
	bool sink_up = false;
	int napi = -1;
	double best = -1e9;
	int best_k = 0, sz = 64 << 20;
	size_t len;

	for (k = 0; k < 7; k++) {
		stats_samples_init(&kpps[k]);
		stats_samples_init(&gain[k]);
	}
	stats_samples_init(&offered);

	/* the sink in the dut, and truncation at its veth */
	err = tb_enter(tb, TB_DUT);
	if (err)
		goto out;
	xdp = att_xdp(skel->progs.pp_trunc, tb->dut.ifindex, tb->dut.ifname);
	/* one dut CPU does XDP, the stack and the sink, as the paper's one core did */
	if (xdp)
		napi = tb_napi_pin(tb, TB_DUT, tb->dut_cpu, false);
	dut.sin_addr.s_addr = tb->dut.addr;
	s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s.fd >= 0) {
		struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };

		setsockopt(s.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
		setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (bind(s.fd, (struct sockaddr *)&dut, sizeof(dut)))
			err = log_errno(-errno, "bind the sink");
	}
	tb_leave(tb);
	if (!xdp || s.fd < 0) {
		err = err ? err : -EIO;
		goto out;
	}
	if (err)
		goto out;
	s.cpu = tb->dut_cpu;
	err = -pthread_create(&s.th, NULL, sink_thread, &s);
	if (err)
		goto out;
	sink_up = true;

	memset(&a, 0, sizeof(a));
	memcpy(a.src_mac, tb->gen.mac, 6);
	memcpy(a.dst_mac, tb->dut.mac, 6);
	a.src_ip = tb->gen.addr;
	a.dst_ip = tb->dut.addr;
	a.src_port = htons(PP_PORT + 1);
	a.dst_port = htons(PP_PORT);
	memset(payload, 0x42, sizeof(payload));
	len = pkt_build_udp4(frame, sizeof(frame), &a, payload, sizeof(payload));
	/* no UDP checksum (optional for IPv4): the stack does the same work at every cut */
	frame[14 + 20 + 6] = frame[14 + 20 + 7] = 0;
	cpu_pin_self(tb->gen_cpu);

	for (i = 0; i < reps; i++) {
		double base = 0;

		for (k = 0; k < npct; k++) {
			uint64_t sent, p0, p1, t0, t1;

			skel->bss->cut_pct = pcts[k];
			t0 = bpfu_now_ns();
			p0 = atomic_load(&s.pkts);
			err = blast(bpf_program__fd(skel->progs.pp_gen), tb, frame, len, dur,
				    &sent);
			t1 = bpfu_now_ns();
			p1 = atomic_load(&s.pkts);
			if (err) {
				log_errno(err, "send live frames (BPF_F_TEST_XDP_LIVE_FRAMES)");
				goto out;
			}
			stats_samples_add(&kpps[k], (double)(p1 - p0) / ((double)(t1 - t0) / 1e6));
			stats_samples_add(&offered, (double)sent / ((double)(t1 - t0) / 1e6));
			if (k == 0)
				base = (double)(p1 - p0);
			else if (base > 0)
				stats_samples_add(&gain[k],
						  ((double)(p1 - p0) / base - 1.0) * 100.0);
		}
	}
	for (k = 0; k < npct; k++) {
		struct metric *m;

		m = result_addf(r, "kpps", METHOD_LIVE, "preproc.kpps.%u", pcts[k]);
		metric_label(m, "sink throughput, payload cut by %u %%", pcts[k]);
		if (m)
			metric_set_samples(m, &kpps[k], (size_t)reps);
		if (k == 0)
			continue;
		m = result_addf(r, "%", METHOD_LIVE, "preproc.gain.%u", pcts[k]);
		metric_label(m, "gain from cutting %u %%", pcts[k]);
		if (m) {
			metric_set_samples(m, &gain[k], (size_t)reps);
			if (m->s.p50 > best) {
				best = m->s.p50;
				best_k = k;
			}
		}
	}
	{
		struct metric *m = result_add(r, "preproc.best_gain", "best gain over the sweep",
					      "%", METHOD_LIVE);
		struct metric *mo = result_add(
			r, "preproc.offered", "frames offered by live-frames", "kpps", METHOD_LIVE);

		if (m) {
			metric_set_samples(m, &gain[best_k], (size_t)reps);
			metric_set_paper(m, 2.8, "Fig. 10");
			snprintf(m->note, sizeof(m->note), "at %u %% cut", pcts[best_k]);
		}
		if (mo)
			metric_set_samples(mo, &offered, 0);
	}
	result_note(
		r,
		"generator: test-run live frames (XDP_TX out of the generator's veth) on "
		"cpu %d; %s",
		tb->gen_cpu,
		napi > 0 ? "the dut's XDP, stack and blocking sink share the dut cpu (NAPI thread "
			   "at normal priority, like ksoftirqd under load)"
			 : "threaded NAPI unavailable: the dut's XDP and stack ran on the "
			   "generator's cpu, so the sink may not have been the bottleneck");
	{
		struct metric *m0 = result_find(r, "preproc.kpps.0");
		struct metric *mo = result_find(r, "preproc.offered");

		struct metric *mb = result_find(r, "preproc.best_gain");

		/* a sink that took nearly all that was offered was not the limit: no gain to claim */
		if (m0 && mo && mb && m0->s.p50 >= 0.9 * mo->s.p50)
			metric_unavailable(
				mb,
				"generator-bound: the uncut sink took %.0f of %.0f kpps "
				"offered (>= 90 %%), so the sweep measured the generator, "
				"not the sink",
				m0->s.p50, mo->s.p50);
	}
	result_note(r, "frames carry no UDP checksum, so the stack's work differs only by the "
		       "bytes it carries");
out:
	if (sink_up) {
		atomic_store(&s.stop, true);
		pthread_join(s.th, NULL);
	}
	if (s.fd >= 0)
		close(s.fd);
	bpf_link__destroy(xdp);
	for (k = 0; k < 7; k++) {
		stats_samples_free(&kpps[k]);
		stats_samples_free(&gain[k]);
	}
	stats_samples_free(&offered);
	return err;
}
