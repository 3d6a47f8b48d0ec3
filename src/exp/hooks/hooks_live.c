// SPDX-License-Identifier: GPL-2.0
/* hooks: programs on the dut's veth, and their cost on the live path (bpf-stats). */
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

void detach_dut(const struct tb *tb, struct attached *a)
{
	if (tb_enter(tb, TB_DUT) == 0) {
		att_tc_detach(&a->tc);
		tb_leave(tb);
	}
	bpf_link__destroy(a->xdp);
	memset(a, 0, sizeof(*a));
}

/* Native XDP and TC ingress on the dut's veth end. */
int attach_dut(const struct tb *tb, struct bpf_program *xdp, struct bpf_program *tc,
	       struct attached *a)
{
	int err;

	memset(a, 0, sizeof(*a));
	err = tb_enter(tb, TB_DUT);
	if (err)
		return err;
	a->xdp = att_xdp(xdp, tb->dut.ifindex, tb->dut.ifname);
	err = a->xdp ? att_tc_ingress_at(tb->dut.ifindex, tb->dut.ifname, bpf_program__fd(tc),
					 HOOKS_TC_HANDLE, HOOKS_TC_PRIORITY, &a->tc)
		     : -errno;
	tb_leave(tb);
	if (err)
		detach_dut(tb, a);
	return err;
}

/* The empty programs' cost per run, one sample per batch of packets. */
void live_stats_report(struct result *r, struct stats_samples s[3], int batches, int per_batch)
{
	static const char *const names[] = { "xdp", "tc", "skskb" };
	static const double paper[] = { PAPER_PREP_XDP, PAPER_PREP_TC, PAPER_PREP_SKSKB };
	int i;

	for (i = 0; i < 3; i++) {
		struct metric *m;

		m = result_addf(r, "ns", METHOD_BPFSTATS, "hooks.prep.%s.bpfstats", names[i]);
		metric_label(m, "empty %s program, live run_time/run_cnt", names[i]);
		if (!m)
			continue;
		metric_set_samples(m, &s[i], (size_t)batches);
		metric_set_paper(m, paper[i], "Table 1");
		metric_note(m,
			    "%d batches of %d UDP packets; includes the stats' own clock reads%s",
			    batches, per_batch,
			    i == 2 ? "; the program alone, not the psock work before it" : "");
	}
}

/* Empty programs on the live path with run-time statistics on: run_time_ns / run_cnt. */
int live_stats(struct hooks_bpf *skel, const struct tb *tb, const struct run_opts *o,
	       struct result *r)
{
	struct bpf_program *progs[] = { skel->progs.olab_hooks_xdp_empty,
					skel->progs.olab_hooks_tc_empty,
					skel->progs.olab_hooks_skskb_empty };
	int batches = o->quick ? 10 : 30, per_batch = 200, b, i, err, stats_fd = -1;
	struct stats_samples s[3];
	unsigned char msg[MSG_LEN], buf[MSG_LEN];
	struct path p = { .tx = -1, .rx = -1, .lfd = -1 };
	struct attached a;

	for (i = 0; i < 3; i++)
		stats_samples_init(&s[i]);
	memset(msg, 0, sizeof(msg));
	err = attach_dut(tb, progs[0], progs[1], &a);
	if (err)
		return err;
	/* the verdict program here is the empty one */
	err = path_open(skel, tb, P_UDP, progs[2], &p);
	if (err)
		goto out;
	stats_fd = bpfu_stats_enable();
	if (stats_fd < 0) {
		err = log_errno(stats_fd, "turn on BPF run-time statistics");
		goto out;
	}
	for (b = 0; b < batches; b++) {
		uint64_t rt0[3], rc0[3], rt1[3], rc1[3];

		for (i = 0; i < 3; i++)
			bpfu_prog_stats(bpf_program__fd(progs[i]), &rt0[i], &rc0[i]);
		for (i = 0; i < per_batch; i++) {
			struct pollfd pf = { .fd = p.rx, .events = POLLIN };

			if (send(p.tx, msg, sizeof(msg), 0) < 0)
				break;
			if (poll(&pf, 1, 100) > 0)
				while (recv(p.rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
					;
		}
		for (i = 0; i < 3; i++) {
			bpfu_prog_stats(bpf_program__fd(progs[i]), &rt1[i], &rc1[i]);
			if (rc1[i] > rc0[i])
				stats_samples_add(&s[i], (double)(rt1[i] - rt0[i]) /
								 (double)(rc1[i] - rc0[i]));
		}
	}
	live_stats_report(r, s, batches, per_batch);
out:
	if (stats_fd >= 0)
		close(stats_fd);
	path_close(skel, &p);
	detach_dut(tb, &a);
	for (i = 0; i < 3; i++)
		stats_samples_free(&s[i]);
	return err;
}
