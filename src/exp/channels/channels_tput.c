// SPDX-License-Identifier: GPL-2.0
/* channels: kernel -> user throughput, a BPF producer on one CPU, a consumer on the other (Fig. 13). */
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

/* ---- kernel -> user throughput ---- */

struct flow {
	struct channels_bpf *s;
	const struct trb *trb;
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
		f->err = bpfu_test_run(f->prog, f->trb->pkt, f->trb->len, 65536, NULL, NULL, NULL);
		f->produced += 65536;
	}
	atomic_store(&f->stop, true);
	return NULL;
}

/* Items per second a consumer on its own CPU takes while the producer runs for dur_ns. */
int throughput(enum consumer c, const struct trb *trb, int pcpu, int ccpu, uint64_t dur_ns,
	       double *mpps, double *drop_pct)
{
	struct channels_bpf *s = chan_open_load(BPF_MAP_TYPE_ARRAY);
	struct flow f = { .trb = trb, .cpu = pcpu, .dur_ns = dur_ns };
	struct ring_buffer *rbuf = NULL;
	struct chan_spsc *ring = NULL;
	uint64_t got = 0, t0, t1, last_seq = 0;
	pthread_t th;
	int err;

	if (!s)
		return -errno;
	f.s = s;
	if (c == C_ARRAY) {
		f.prog = bpf_program__fd(s->progs.olab_chan_arr);
	} else if (c == C_SPSC) {
		ring = spsc_map(s);
		f.prog = bpf_program__fd(s->progs.olab_chan_spsc);
	} else {
		rbuf = ring_buffer__new(bpf_map__fd(s->maps.rb), count_item, &got, NULL);
		f.prog = bpf_program__fd(s->progs.olab_chan_rb);
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
			struct chan_item it;
			__u32 k = 0;

			if (!bpf_map_lookup_elem(bpf_map__fd(s->maps.tab), &k, &it) &&
			    it.seq != last_seq) {
				last_seq = it.seq;
				got++;
			}
		} else {
			uint64_t h = *(volatile __u64 *)&ring->head, t = ring->tail, sum = 0;

			for (; t < h; t++)
				sum += ring->items[t & (CHAN_SPSC_N - 1)].seq;
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
