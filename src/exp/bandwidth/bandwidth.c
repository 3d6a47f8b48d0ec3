// SPDX-License-Identifier: GPL-2.0
/*
 * bandwidth (paper Table 2): one TCP stream from the generator to a user-space sink in the
 * dut, with nothing, an empty XDP, an empty TC and an empty SK_SKB program on the path. The
 * project's own sender and sink are used (not iperf3) because the SK_SKB case needs the
 * sink's socket in a sockmap before the first byte, which only the sink itself can arrange.
 * This is the generator's end; the sink and the programs are the server side
 * (bandwidth_side.c), here or on the other host.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/side.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "testbed/testbed.h"

#define CHUNK (128 * 1024)

static const struct {
	const char *label;
	double paper_gbps, paper_change;
} cinfo[BW_MAX] = {
	[BW_NONE] = { "no program", 7.24, 0 },
	[BW_XDP] = { "empty XDP program", 7.14, -1.4 },
	[BW_TC] = { "empty TC ingress program", 7.02, -3.0 },
	[BW_SKSKB] = { "empty SK_SKB verdict on the sink's socket", 6.22, -14.1 },
};

/* The sink's byte count and the time on its own clock, wherever it runs. */
static int sink_read(struct exp_ctx *x, uint64_t *bytes, uint64_t *ns)
{
	struct jb b = { .what = "bw_bytes" };
	char why[200];
	json_t *a;

	a = side_call(x, json_pack("{s:s}", "op", "bw_bytes"), why, sizeof(why));
	if (!a)
		return log_errno(-EIO, "read the sink on %s: %s", side_host(x), why);
	*bytes = jb_key_count(&b, a, "bytes");
	*ns = jb_key_count(&b, a, "ns");
	json_decref(a);
	return b.err ? log_errno(-EPROTO, "the sink on %s: %s", side_host(x), b.why) : 0;
}

/* Streams for dur_ns after a short warm-up (slow start); Gb/s as the sink counted it. */
static int stream(struct exp_ctx *x, int tx, uint64_t dur_ns, double *gbps)
{
	static unsigned char chunk[CHUNK];
	uint64_t t0, t1, b0, b1, end;
	int err = 0;

	memset(chunk, 0xa5, sizeof(chunk));
	end = bpfu_now_ns() + dur_ns / 5;
	while (bpfu_now_ns() < end)
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			break;
	err = sink_read(x, &b0, &t0);
	end = bpfu_now_ns() + dur_ns;
	while (!err && bpfu_now_ns() < end) {
		if (send(tx, chunk, sizeof(chunk), MSG_NOSIGNAL) < 0)
			err = log_errno(-errno, "stream to the sink");
	}
	if (!err)
		err = sink_read(x, &b1, &t1);
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

/* The server side's op (no answer read); -EIO, the side's why said, when it fails. */
static int side_do(struct exp_ctx *x, json_t *req)
{
	char why[200];
	int err = side_ok(x, req, why, sizeof(why));

	return err ? log_errno(err, "the sink on %s: %s", side_host(x), why) : 0;
}

/* One run: the condition set up, a connection, the stream; returns Gb/s seen by the sink. */
static int one_run(struct exp_ctx *x, enum bw_cond c, uint64_t dur_ns, double *gbps)
{
	const struct tb *tb = x->tb;
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(BW_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	int tx = -1, err, e2;

	err = side_do(x, json_pack("{s:s, s:s}", "op", "bw_up", "cond", bw_cond_key[c]));
	if (err)
		return err;
	err = tb_enter(tb, TB_GEN);
	if (!err) {
		tx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (tx < 0 || connect(tx, (struct sockaddr *)&dut, sizeof(dut)))
			err = log_errno(-errno, "connect to the sink");
		tb_leave(tb);
	}
	if (!err)
		err = side_do(x, json_pack("{s:s}", "op", "bw_accept"));
	if (!err) {
		cpu_pin_self(tb->gen_cpu);
		err = stream(x, tx, dur_ns, gbps);
	}
	if (tx >= 0)
		close(tx);
	e2 = side_do(x, json_pack("{s:s}", "op", "bw_down"));
	return err ? err : e2;
}

int bandwidth_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct tb *tb = x->tb;
	int reps = o->quick ? 3 : 7, i, c, err;
	uint64_t dur = o->quick ? 400000000ULL : 1500000000ULL;
	struct stats_samples gbps[BW_MAX], change[BW_MAX];

	for (c = 0; c < BW_MAX; c++) {
		stats_samples_init(&gbps[c]);
		stats_samples_init(&change[c]);
	}
	/* rounds of all four, so that drift over the run hits every condition alike */
	for (i = 0; i < reps; i++) {
		double g[BW_MAX];

		for (c = 0; c < BW_MAX; c++) {
			err = one_run(x, (enum bw_cond)c, dur, &g[c]);
			if (err)
				goto out;
			stats_samples_add(&gbps[c], g[c]);
		}
		for (c = 1; c < BW_MAX; c++)
			stats_samples_add(&change[c], (g[c] / g[BW_NONE] - 1.0) * 100.0);
	}
	for (c = 0; c < BW_MAX; c++) {
		struct metric *m;

		m = result_addf(r, "Gb/s", METHOD_LIVE, "bandwidth.gbps.%s", bw_cond_key[c]);
		metric_label(m, "TCP bandwidth, %s", cinfo[c].label);
		if (m) {
			metric_set_samples(m, &gbps[c], (size_t)reps);
			metric_set_paper(m, cinfo[c].paper_gbps, "Table 2");
			metric_note(m, "%d runs of %.1f s, one stream", reps, (double)dur / 1e9);
		}
		if (c == BW_NONE)
			continue;
		m = result_addf(r, "%", METHOD_LIVE, "bandwidth.change.%s", bw_cond_key[c]);
		metric_label(m, "change with %s", cinfo[c].label);
		if (m) {
			metric_set_samples(m, &change[c], (size_t)reps);
			metric_set_paper(m, cinfo[c].paper_change, "Table 2");
			metric_note(
				m,
				"per round: this condition against the no-program run beside it");
		}
	}
	if (tb->two_hosts)
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
	for (c = 0; c < BW_MAX; c++) {
		stats_samples_free(&gbps[c]);
		stats_samples_free(&change[c]);
	}
	return err;
}
