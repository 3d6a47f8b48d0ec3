// SPDX-License-Identifier: GPL-2.0
/* hooks: the cost of entering an empty program at each hook, by test-run and bpf-stats. */
#include <errno.h>
#include <linux/btf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
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
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "exp/hooks/hooks.h"
#include "exp/hooks/hooks_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "testbed/testbed.h"
#include "hooks.skel.h"
#include "lib/util.h"

#include "exp/hooks/hooks_int.h"

/* ---- program cost by test-run ---- */

static void probe_frame(const struct tb *tb, void *buf, size_t cap, size_t *len)
{
	struct hooks_probe p = { .magic = HOOKS_MAGIC, .seq = 0, .send_ns = 0 };
	unsigned char payload[MSG_LEN];
	struct pkt_addrs a;

	memset(&a, 0, sizeof(a));
	memset(payload, 0, sizeof(payload));
	memcpy(payload, &p, sizeof(p));
	if (tb) {
		memcpy(a.src_mac, tb->gen.mac, 6);
		memcpy(a.dst_mac, tb->dut.mac, 6);
	}
	a.src_ip = htonl(0xc6120001); /* 198.18.0.1 */
	a.dst_ip = htonl(0xc6120002);
	a.src_port = htons(HOOKS_PORT + 1);
	a.dst_port = htons(HOOKS_PORT);
	*len = pkt_build_udp4(buf, cap, &a, payload, sizeof(payload));
}

static struct metric *add_samples(struct result *r, const struct metric_spec *sp, const double *v,
				  int n, int wanted)
{
	struct metric *m = result_add_spec(r, sp);
	struct stats_samples s;
	int i;

	if (!m)
		return NULL;
	stats_samples_init(&s);
	for (i = 0; i < n; i++)
		stats_samples_add(&s, v[i]);
	metric_set_samples(m, &s, (size_t)wanted);
	stats_samples_free(&s);
	return m;
}

int testrun_cost(struct hooks_bpf *skel, const struct run_opts *o, struct result *r)
{
	struct {
		const char *hook;
		struct bpf_program *prog;
		double paper;
	} progs[] = {
		{ "xdp", skel->progs.olab_hooks_xdp_empty, PAPER_PREP_XDP },
		{ "tc", skel->progs.olab_hooks_tc_empty, PAPER_PREP_TC },
	};
	struct bpfu_tr_opts tro = { .target_ns = o->quick ? 2000000 : 10000000,
				    .samples = o->quick ? 11 : 31 };
	double off[64], on[64], diff[64], prog_only[64];
	unsigned char frame[256];
	size_t len, i;
	int err, stats_fd = -1, n_off, n_on, k;
	bool lin_off, lin_on;
	char id[96], label[96];
	struct metric_spec sp;

	probe_frame(NULL, frame, sizeof(frame), &len);
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		int fd = bpf_program__fd(progs[i].prog), n_stats = 0;
		struct metric *m;

		err = bpfu_test_run_per_iter(fd, frame, len, &tro, off, &n_off, &lin_off);
		if (err)
			return log_errno(err, "test-run the empty %s program", progs[i].hook);
		snprintf(id, sizeof(id), "hooks.prep.%s.testrun", progs[i].hook);
		snprintf(label, sizeof(label), "empty %s program, per run", progs[i].hook);
		sp = (struct metric_spec){ .id = id,
					   .label = label,
					   .unit = "ns",
					   .method = METHOD_TESTRUN,
					   .paper = progs[i].paper,
					   .ref = "Table 1" };
		m = add_samples(r, &sp, off, n_off, tro.samples);
		metric_note(m,
			    "upper bound: the kernel's loop timer, so it includes the loop's own "
			    "bookkeeping; whole ns");
		if (m && !lin_off)
			m->flags |= METRIC_NONLINEAR;

		/* the same loop with run-time statistics on: what the bookkeeping costs */
		stats_fd = bpfu_stats_enable();
		if (stats_fd < 0) {
			snprintf(id, sizeof(id), "hooks.stats_cost.%s", progs[i].hook);
			m = result_add(r, id, "bpf_stats bookkeeping, per run", "ns",
				       METHOD_TESTRUN);
			if (m)
				metric_unavailable(m, "BPF_ENABLE_STATS failed: %s",
						   strerror(-stats_fd));
			continue;
		}
		err = bpfu_test_run_per_iter(fd, frame, len, &tro, on, &n_on, &lin_on);
		/* the kernel's own accounting, one ratio per batch of 100k runs */
		for (k = 0, n_stats = 0; !err && k < tro.samples; k++) {
			uint64_t rt0, rc0, rt1, rc1;

			if (bpfu_prog_stats(fd, &rt0, &rc0) ||
			    bpfu_test_run(fd, frame, len, 100000, NULL, NULL, NULL) ||
			    bpfu_prog_stats(fd, &rt1, &rc1))
				break;
			if (rc1 > rc0)
				prog_only[n_stats++] = (double)(rt1 - rt0) / (double)(rc1 - rc0);
		}
		close(stats_fd);
		stats_fd = -1;
		if (err)
			return log_errno(err, "test-run the empty %s program with bpf_stats on",
					 progs[i].hook);
		/* pair each on-sample with the off median */
		{
			struct stats_samples s;
			struct stats_summary sum;

			stats_samples_init(&s);
			for (k = 0; k < n_off; k++)
				stats_samples_add(&s, off[k]);
			stats_samples_summary(&s, &sum);
			stats_samples_free(&s);
			for (k = 0; k < n_on; k++)
				diff[k] = on[k] - sum.p50;
		}
		snprintf(id, sizeof(id), "hooks.stats_cost.%s", progs[i].hook);
		sp = (struct metric_spec){ .id = id,
					   .label = "bpf_stats bookkeeping, per run",
					   .unit = "ns",
					   .method = METHOD_TESTRUN };
		metric_note(add_samples(r, &sp, diff, n_on, tro.samples),
			    "test-run with stats on minus off: subtract from bpf-stats figures");
		snprintf(id, sizeof(id), "hooks.prep.%s.bpfstats_testrun", progs[i].hook);
		snprintf(label, sizeof(label), "empty %s program, test-run run_time/run_cnt",
			 progs[i].hook);
		sp = (struct metric_spec){ .id = id,
					   .label = label,
					   .unit = "ns",
					   .method = METHOD_BPFSTATS,
					   .paper = progs[i].paper,
					   .ref = "Table 1" };
		metric_note(add_samples(r, &sp, prog_only, n_stats, tro.samples),
			    "kernel accounting per batch of 100k test-runs: the program alone "
			    "plus one clock read, no loop");
	}
	/* sk_skb cannot be test-run on most kernels: probe it rather than assume */
	{
		uint32_t retval;
		struct metric *m;

		err = bpfu_test_run(bpf_program__fd(skel->progs.olab_hooks_skskb_empty), frame, len,
				    1, NULL, &retval, NULL);
		m = result_add(r, "hooks.prep.skskb.testrun", "empty sk_skb program, per run", "ns",
			       METHOD_TESTRUN);
		if (m) {
			metric_set_paper(m, PAPER_PREP_SKSKB, "Table 1");
			metric_unavailable(m,
					   err ? "BPF_PROG_TEST_RUN does not run sk_skb programs "
						 "on this kernel (%s); see the live figures"
					       : "test-run ran (%s) but sk_skb is measured live",
					   err ? strerror(-err == ENOTSUPP ? EOPNOTSUPP : -err)
					       : "ok");
		}
	}
	return 0;
}
