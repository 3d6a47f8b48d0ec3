// SPDX-License-Identifier: GPL-2.0
/*
 * bandwidth (paper Table 2): one TCP stream from the generator to a user-space sink in the
 * dut, with nothing, an empty XDP, an empty TC and an empty SK_SKB program on the path. The
 * project's own sender and sink are used (not iperf3) because the SK_SKB case needs the
 * sink's socket in a sockmap before the first byte, which only the sink itself can arrange.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/bandwidth/bandwidth_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "bandwidth.skel.h"

#define BW_PORT 5201
#define CHUNK (128 * 1024)

enum cond { C_NONE, C_XDP, C_TC, C_SKSKB, C_MAX };

static const struct {
	const char *key, *label;
	double paper_gbps, paper_change;
} cinfo[C_MAX] = {
	[C_NONE] = { "none", "no program", 7.24, 0 },
	[C_XDP] = { "xdp", "empty XDP program", 7.14, -1.4 },
	[C_TC] = { "tc", "empty TC ingress program", 7.02, -3.0 },
	[C_SKSKB] = { "skskb", "empty SK_SKB verdict on the sink's socket", 6.22, -14.1 },
};

struct sink {
	int fd, cpu;
	_Atomic bool stop;
	_Atomic uint64_t bytes;
	pthread_t th;
};

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	static __thread unsigned char buf[CHUNK];

	cpu_pin_self(s->cpu);
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		ssize_t n;

		/* a socket in a sockmap is read after poll(), without blocking */
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			atomic_fetch_add(&s->bytes, (uint64_t)n);
		else if (n == 0)
			break;
	}
	return NULL;
}

/* One run: connect, set up the condition, stream for dur_ns; returns Gb/s seen by the sink. */
static int one_run(struct bandwidth_bpf *skel, const struct tb *tb, enum cond c, uint64_t dur_ns,
		   double *gbps)
{
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(BW_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	static unsigned char chunk[CHUNK];
	struct sink s = { .fd = -1, .cpu = tb->dut_cpu };
	struct xdp_pass_link xdp = { 0 };
	struct att_tc tc = { 0 };
	int lfd = -1, tx = -1, err, one = 1, map_fd = bpf_map__fd(skel->maps.socks);
	bool verdict = false, in_map = false, started = false;
	uint64_t t0, t1, b0, b1, end;
	__u32 key = 0;

	err = tb_enter(tb, TB_DUT);
	if (err)
		return err;
	if (c == C_XDP) {
		err = xdp_pass_attach(tb->dut.ifname, &xdp);
	} else if (c == C_TC) {
		err = att_tc_ingress(tb->dut.ifindex, tb->dut.ifname,
				     bpf_program__fd(skel->progs.olab_bw_tc), &tc);
	} else if (c == C_SKSKB) {
		err = att_sockmap(bpf_program__fd(skel->progs.olab_bw_skskb), map_fd,
				  BPF_SK_SKB_STREAM_VERDICT);
		verdict = !err;
	}
	if (!err) {
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&dut, sizeof(dut)) || listen(lfd, 1))
			err = log_errno(-errno, "listen on %s:%d", tb->dut.ip, BW_PORT);
	}
	if (!err)
		err = tb_enter(tb, TB_GEN);
	if (!err) {
		tx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (tx < 0 || connect(tx, (struct sockaddr *)&dut, sizeof(dut)))
			err = log_errno(-errno, "connect to the sink");
	}
	tb_leave(tb);
	if (!err) {
		s.fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s.fd < 0)
			err = log_errno(-errno, "accept the stream");
	}
	/* into the sockmap before the first byte is sent */
	if (!err && c == C_SKSKB) {
		if (bpf_map_update_elem(map_fd, &key, &s.fd, BPF_ANY))
			err = log_errno(-errno, "insert the sink's socket into the sockmap");
		else
			in_map = true;
	}
	if (!err) {
		err = -pthread_create(&s.th, NULL, sink_thread, &s);
		started = !err;
	}
	if (err)
		goto out;
	cpu_pin_self(tb->gen_cpu);
	memset(chunk, 0xa5, sizeof(chunk));
	/* a short warm-up (slow start), then the measured window */
	end = bpfu_now_ns() + dur_ns / 5;
	while (bpfu_now_ns() < end)
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			break;
	t0 = bpfu_now_ns();
	b0 = atomic_load(&s.bytes);
	end = t0 + dur_ns;
	while (bpfu_now_ns() < end) {
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0) {
			err = log_errno(-errno, "stream to the sink");
			break;
		}
	}
	t1 = bpfu_now_ns();
	b1 = atomic_load(&s.bytes);
	*gbps = (double)(b1 - b0) * 8.0 / (double)(t1 - t0);
out:
	if (tx >= 0)
		close(tx);
	if (started) {
		atomic_store(&s.stop, true);
		pthread_join(s.th, NULL);
	}
	if (in_map)
		bpf_map_delete_elem(map_fd, &key);
	if (verdict)
		bpf_prog_detach2(bpf_program__fd(skel->progs.olab_bw_skskb), map_fd,
				 BPF_SK_SKB_STREAM_VERDICT);
	if (s.fd >= 0)
		close(s.fd);
	if (lfd >= 0)
		close(lfd);
	if (tb_enter(tb, TB_DUT) == 0) {
		att_tc_detach(&tc);
		tb_leave(tb);
	}
	xdp_pass_detach(&xdp);
	return err;
}

int bandwidth_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct bandwidth_bpf *skel = x->skel;
	struct tb *tb = x->tb;
	int reps = o->quick ? 3 : 7, i, c, err;
	uint64_t dur = o->quick ? 400000000ULL : 1500000000ULL;
	struct stats_samples gbps[C_MAX], change[C_MAX];

	for (c = 0; c < C_MAX; c++) {
		stats_samples_init(&gbps[c]);
		stats_samples_init(&change[c]);
	}
	/* rounds of all four, so that drift over the run hits every condition alike */
	for (i = 0; i < reps; i++) {
		double g[C_MAX];

		for (c = 0; c < C_MAX; c++) {
			err = one_run(skel, tb, (enum cond)c, dur, &g[c]);
			if (err)
				goto out;
			stats_samples_add(&gbps[c], g[c]);
		}
		for (c = 1; c < C_MAX; c++)
			stats_samples_add(&change[c], (g[c] / g[C_NONE] - 1.0) * 100.0);
	}
	for (c = 0; c < C_MAX; c++) {
		struct metric *m;

		m = result_addf(r, "Gb/s", METHOD_LIVE, "bandwidth.gbps.%s", cinfo[c].key);
		metric_label(m, "TCP bandwidth, %s", cinfo[c].label);
		if (m) {
			metric_set_samples(m, &gbps[c], (size_t)reps);
			metric_set_paper(m, cinfo[c].paper_gbps, "Table 2");
			snprintf(m->note, sizeof(m->note), "%d runs of %.1f s, one stream", reps,
				 (double)dur / 1e9);
		}
		if (c == C_NONE)
			continue;
		m = result_addf(r, "%", METHOD_LIVE, "bandwidth.change.%s", cinfo[c].key);
		metric_label(m, "change with %s", cinfo[c].label);
		if (m) {
			metric_set_samples(m, &change[c], (size_t)reps);
			metric_set_paper(m, cinfo[c].paper_change, "Table 2");
			snprintf(m->note, sizeof(m->note),
				 "per round: this condition against the no-program run beside it");
		}
	}
	result_note(r,
		    "sender (cpu %d) and sink (cpu %d) are offloadlab's own: SK_SKB needs the "
		    "sink's socket in a sockmap before the first byte",
		    tb->gen_cpu, tb->dut_cpu);
	result_note(r, "veth: the sender's CPU also does the dut's receive processing (softirq), "
		       "so a program's cost is paid on the sending CPU");
	result_note(r, "the XDP drop is veth's, not the program's: with XDP attached, veth hands "
		       "each large (TSO) skb to XDP as page-sized linear frames, copying it; a NIC "
		       "driver runs XDP before any skb exists, as in the paper");
out:
	for (c = 0; c < C_MAX; c++) {
		stats_samples_free(&gbps[c]);
		stats_samples_free(&change[c]);
	}
	return err;
}
