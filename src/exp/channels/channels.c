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
#include "exp/channels/channels_int.h"

struct channels_bpf *chan_open_load(enum bpf_map_type t)
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
	struct trb trb;
	int pcpu, ccpu, i, k, err = 0;
	struct metric *m;

	trb_init(&trb, o->quick, o->samples);
	syscall_lookups(r, &trb);
	ringbuf_access(r, &trb);
	mmap_access(r, &trb);

	cpu_pick_pair(&pcpu, &ccpu);
	m = result_find(r, "channels.lookup.array");
	if (m && !m->unavailable[0] && m->s.p50 > 0) {
		struct metric *mm =
			result_add(r, "channels.tput.array_syscall",
				   "array + syscall, one item per lookup", "Mpps", METHOD_MODEL);
		struct trb_run one = { .n = 1, .linear = true, .v = { 1e3 / m->s.p50 } };

		trb_metric(mm, &one, 0, 1, true, 1);
		metric_set_paper(mm, 0.9, "Fig. 13");
		metric_note(mm, "1000 / the median syscall lookup (%.0f ns)", m->s.p50);
	}
	for (k = 0; k < 4; k++) {
		struct trb_run v = { .linear = true };
		double drops = 0, d = 0;
		char id[64];

		for (i = 0; i < (o->quick ? 3 : 5); i++) {
			err = throughput(flows[k].c, &trb, pcpu, ccpu, dur, &v.v[v.n], &d);
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
		metric_note(
			m,
			"items consumed per second; producer: test-run on cpu %d (%.1f %% of its "
			"items lost: channel full, or overwritten before read), consumer on cpu %d",
			pcpu, v.n ? drops / v.n : 0, ccpu);
	}
	af_xdp(r, x->tb, &trb, dur);
	result_note(r, "producers: BPF programs run by test-run in a loop, one 64 B item per run; "
		       "the paper's producer is an XDP program fed by a 100 G NIC, so its rates "
		       "are bounded by the consumer, ours may be bounded by the producer (see the "
		       "drop share in each note)");
	return 0;
}
