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

#include "remote/remote.h"
#include "exp/bandwidth/bandwidth_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/fdwait.h"
#include "lib/jbound.h"
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

/*
 * The server's side of one run: the condition's program on the dut's device, a listener, and
 * once the stream is accepted a sink counting what arrives (with its own clock). Run in the
 * dut's namespace by the experiment, or on the other host by the agent.
 */
struct bw_side {
	struct bandwidth_bpf *skel;
	bool own_skel; /* the agent's: loaded here, destroyed with the side */
	enum cond c;
	struct sink s;
	struct xdp_pass_link xdp;
	struct att_tc tc;
	int lfd;
	bool verdict, in_map, started;
};

static int side_up(struct bw_side *b, const struct tb *tb, enum cond c)
{
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(BW_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	int map_fd = bpf_map__fd(b->skel->maps.socks), one = 1, err = 0;

	b->c = c;
	b->s.fd = b->lfd = -1;
	b->s.cpu = tb->dut_cpu;
	if (c == C_XDP) {
		err = xdp_pass_attach(tb->dut.ifname, &b->xdp);
	} else if (c == C_TC) {
		err = att_tc_ingress_at(tb->dut.ifindex, tb->dut.ifname,
					bpf_program__fd(b->skel->progs.olab_bw_tc), BW_TC_HANDLE,
					BW_TC_PRIORITY, &b->tc);
	} else if (c == C_SKSKB) {
		err = att_sockmap(bpf_program__fd(b->skel->progs.olab_bw_skskb), map_fd,
				  BPF_SK_SKB_STREAM_VERDICT);
		b->verdict = !err;
	}
	if (!err) {
		b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&dut, sizeof(dut)) ||
		    listen(b->lfd, 1))
			err = log_errno(-errno, "listen on %s:%d", tb->dut.ip, BW_PORT);
	}
	return err;
}

/* The generator's connection: into the sockmap before its first byte, then the sink runs. */
static int side_accept(struct bw_side *b)
{
	__u32 key = 0;
	int err;

	b->s.fd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (b->s.fd < 0)
		return log_errno(-errno, "accept the stream");
	if (b->c == C_SKSKB) {
		if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.socks), &key, &b->s.fd, BPF_ANY))
			return log_errno(-errno, "insert the sink's socket into the sockmap");
		b->in_map = true;
	}
	err = -pthread_create(&b->s.th, NULL, sink_thread, &b->s);
	b->started = !err;
	return err;
}

static void side_down(struct bw_side *b, const struct tb *tb)
{
	int map_fd = bpf_map__fd(b->skel->maps.socks);
	__u32 key = 0;

	if (b->started) {
		atomic_store(&b->s.stop, true);
		pthread_join(b->s.th, NULL);
	}
	if (b->in_map)
		bpf_map_delete_elem(map_fd, &key);
	if (b->verdict)
		bpf_prog_detach2(bpf_program__fd(b->skel->progs.olab_bw_skskb), map_fd,
				 BPF_SK_SKB_STREAM_VERDICT);
	if (b->s.fd >= 0)
		close(b->s.fd);
	if (b->lfd >= 0)
		close(b->lfd);
	if (tb_enter(tb, TB_DUT) == 0) {
		att_tc_detach(&b->tc);
		tb_leave(tb);
	}
	xdp_pass_detach(&b->xdp);
	if (b->own_skel)
		bandwidth_bpf__destroy(b->skel);
}

/* ---- the agent's end (two hosts) ---- */

struct bw_agent {
	struct bw_side b;
	struct tb tb;
};

int bandwidth_side_up(const char *dev, const char *cond, struct bw_agent **out, char *why,
		      size_t whylen)
{
	struct bw_agent *a = calloc(1, sizeof(*a));
	int c, err;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	for (c = 0; c < C_MAX && strcmp(cinfo[c].key, cond); c++)
		;
	err = c == C_MAX ? -EINVAL : tb_attach_host(&a->tb, TB_DUT, dev, NULL, NULL);
	a->b.skel = err ? NULL : bandwidth_bpf__open_and_load();
	a->b.own_skel = true;
	if (!err && !a->b.skel)
		err = -errno;
	if (!err)
		err = side_up(&a->b, &a->tb, (enum cond)c);
	if (err) {
		snprintf(why, whylen, "%s", c == C_MAX ? "no such condition" : strerror(-err));
		if (a->b.skel)
			side_down(&a->b, &a->tb);
		tb_destroy(&a->tb);
		free(a);
		return err;
	}
	*out = a;
	return 0;
}

int bandwidth_side_accept(struct bw_agent *a)
{
	/* the generator connected before it asked: bounded, and not past the driver's end */
	int err = fdwait(a->b.lfd, POLLIN, FDWAIT_ACCEPT_MS);

	return err ? err : side_accept(&a->b);
}

uint64_t bandwidth_side_bytes(struct bw_agent *a, uint64_t *now_ns)
{
	*now_ns = bpfu_now_ns();
	return atomic_load(&a->b.s.bytes);
}

void bandwidth_side_down(struct bw_agent *a)
{
	if (!a)
		return;
	side_down(&a->b, &a->tb);
	tb_destroy(&a->tb);
	free(a);
}

/* ---- the generator's end ---- */

/* The sink's byte count and the time on its own clock: here, or through the agent. */
static int sink_read(struct bw_side *s, struct remote *rm, uint64_t *bytes, uint64_t *ns)
{
	struct jb b = { .what = "bw_bytes" };
	char why[200];
	json_t *a;

	if (!rm) {
		*ns = bpfu_now_ns();
		*bytes = atomic_load(&s->s.bytes);
		return 0;
	}
	a = remote_call(rm, json_pack("{s:s}", "op", "bw_bytes"), why, sizeof(why));
	if (!a)
		return log_errno(-EIO, "read the sink on the other host: %s", why);
	*bytes = jb_key_count(&b, a, "bytes");
	*ns = jb_key_count(&b, a, "ns");
	json_decref(a);
	return b.err ? log_errno(-EPROTO, "the agent: %s", b.why) : 0;
}

/* Streams for dur_ns after a short warm-up (slow start); Gb/s as the sink counted it. */
static int stream(int tx, struct bw_side *b, struct remote *rm, uint64_t dur_ns, double *gbps)
{
	static unsigned char chunk[CHUNK];
	uint64_t t0, t1, b0, b1, end;
	int err = 0;

	memset(chunk, 0xa5, sizeof(chunk));
	end = bpfu_now_ns() + dur_ns / 5;
	while (bpfu_now_ns() < end)
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			break;
	err = sink_read(b, rm, &b0, &t0);
	end = bpfu_now_ns() + dur_ns;
	while (!err && bpfu_now_ns() < end) {
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			err = log_errno(-errno, "stream to the sink");
	}
	if (!err)
		err = sink_read(b, rm, &b1, &t1);
	/* the sink's count and clock only go forward (the agent's too: else it is refused) */
	if (!err && (t1 <= t0 || b1 < b0))
		err = log_errno(-EPROTO,
				"the sink's count or clock went back (%llu -> %llu bytes, "
				"%llu -> %llu ns)",
				(unsigned long long)b0, (unsigned long long)b1,
				(unsigned long long)t0, (unsigned long long)t1);
	if (!err)
		*gbps = (double)(b1 - b0) * 8.0 / (double)(t1 - t0);
	return err;
}

static int remote_simple(struct remote *rm, json_t *req)
{
	char why[200];
	json_t *a = remote_call(rm, req, why, sizeof(why));

	if (!a)
		return log_errno(-EIO, "the agent: %s", why);
	json_decref(a);
	return 0;
}

/* One run: the condition set up, a connection, the stream; returns Gb/s seen by the sink. */
static int one_run(struct bandwidth_bpf *skel, const struct tb *tb, struct remote *rm, enum cond c,
		   uint64_t dur_ns, double *gbps)
{
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(BW_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	struct bw_side b = { .skel = skel, .lfd = -1, .s = { .fd = -1 } };
	int tx = -1, err;

	err = rm ? remote_simple(rm, json_pack("{s:s, s:s}", "op", "bw_up", "cond", cinfo[c].key))
		 : tb_enter(tb, TB_DUT);
	if (!err && !rm) {
		err = side_up(&b, tb, c);
		tb_leave(tb);
	}
	if (!err)
		err = tb_enter(tb, TB_GEN);
	if (!err) {
		tx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (tx < 0 || connect(tx, (struct sockaddr *)&dut, sizeof(dut)))
			err = log_errno(-errno, "connect to the sink");
		tb_leave(tb);
	}
	if (!err)
		err = rm ? remote_simple(rm, json_pack("{s:s}", "op", "bw_accept"))
			 : side_accept(&b);
	if (!err) {
		cpu_pin_self(tb->gen_cpu);
		err = stream(tx, &b, rm, dur_ns, gbps);
	}
	if (tx >= 0)
		close(tx);
	if (rm) {
		int e2 = remote_simple(rm, json_pack("{s:s}", "op", "bw_down"));

		err = err ? err : e2;
	} else {
		side_down(&b, tb);
	}
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
			err = one_run(skel, tb, x->remote, (enum cond)c, dur, &g[c]);
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
	if (x->remote)
		result_note(r,
			    "two hosts: the sender here on %s (cpu %d), the sink and the program "
			    "on %s (%s) by the agent, counted with that host's clock",
			    tb->gen.ifname, tb->gen_cpu, tb->dut.ifname, tb->dut.ip);
	else
		result_note(r,
			    "sender (cpu %d) and sink (cpu %d) are offloadlab's own: SK_SKB needs "
			    "the sink's socket in a sockmap before the first byte",
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
