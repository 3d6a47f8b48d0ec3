// SPDX-License-Identifier: GPL-2.0
/* channels: one 64 B item by each channel, map lookups by syscall, the ring buffer, an mmap'd ring (Table 4). */
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
		k = (__u32)(c & (CHAN_KEYS - 1));
		bpf_map_lookup_elem(l->fd, &k, l->buf);
	}
	return bpfu_now_ns() - t0;
}

int syscall_lookups(struct result *r, const struct trb *trb)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t i;

	for (i = 0; i < NTABS; i++) {
		struct channels_bpf *s = chan_open_load(tabs[i].type);
		struct chan_item *vals = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*vals));
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
		for (k = 0; k < CHAN_KEYS; k++)
			bpf_map_update_elem(l.fd, &k, vals, BPF_ANY);
		trb_native(trb, lookup_batch, &l, &run);
		trb_metric(m, &run, 0, 1, true, trb->samples);
		metric_set_paper(m, tabs[i].paper, "Table 4");
		metric_note(m, "bpf(BPF_MAP_LOOKUP_ELEM) from user space%s",
			    tabs[i].percpu ? "; per-CPU maps copy one value per possible CPU" : "");
		free(vals);
		channels_bpf__destroy(s);
	}
	return 0;
}

int count_item(void *ctx, void *data, size_t len)
{
	(void)data;
	(void)len;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* produce n items into the ring buffer by test-run (no wake-ups) */
static int rb_fill(struct channels_bpf *s, const struct trb *trb, uint32_t n)
{
	s->bss->rb_flags = BPF_RB_NO_WAKEUP;
	return bpfu_test_run(bpf_program__fd(s->progs.olab_chan_rb), trb->pkt, trb->len, n, NULL,
			     NULL, NULL);
}

void ringbuf_access(struct result *r, const struct trb *trb)
{
	struct metric *m = result_add(r, "channels.access.ringbuf", "BPF ring buffer, per item",
				      "ns", METHOD_LIVE);
	struct channels_bpf *s = chan_open_load(BPF_MAP_TYPE_ARRAY);
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
	for (i = 0; i < trb->samples; i++) {
		const uint32_t n = 16384;
		uint64_t t0;

		got = 0;
		if (rb_fill(s, trb, n))
			break;
		t0 = bpfu_now_ns();
		ring_buffer__consume(rbuf);
		if (got)
			run.v[run.n++] = (double)(bpfu_now_ns() - t0) / (double)got;
	}
	trb_metric(m, &run, 0, 1, true, trb->samples);
	metric_set_paper(m, 10, "Table 4");
	metric_note(m,
		    "ring_buffer__consume over 16384 waiting items, a callback that counts them");
	ring_buffer__free(rbuf);
	channels_bpf__destroy(s);
}

struct chan_spsc *spsc_map(struct channels_bpf *s)
{
	void *p = mmap(NULL, sizeof(struct chan_spsc), PROT_READ | PROT_WRITE, MAP_SHARED,
		       bpf_map__fd(s->maps.ring), 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t mmap_batch(void *arg, uint64_t calls)
{
	struct chan_spsc *r = arg;
	struct chan_item it;
	uint64_t c, sum = 0, t0 = bpfu_now_ns();

	for (c = 0; c < calls; c++) {
		memcpy(&it, (const void *)&r->items[c & (CHAN_SPSC_N - 1)], sizeof(it));
		sum += it.seq;
		asm volatile("" : : "r"(sum) : "memory");
	}
	return bpfu_now_ns() - t0;
}

void mmap_access(struct result *r, const struct trb *trb)
{
	struct metric *m = result_add(r, "channels.access.mmap", "mmap'd array, per 64 B read",
				      "ns", METHOD_LIVE);
	struct channels_bpf *s = chan_open_load(BPF_MAP_TYPE_ARRAY);
	struct chan_spsc *ring = s ? spsc_map(s) : NULL;
	struct trb_run run;

	if (!ring) {
		metric_unavailable(m, "could not mmap a BPF_F_MMAPABLE array (%s)",
				   strerror(errno));
		channels_bpf__destroy(s);
		return;
	}
	trb_native(trb, mmap_batch, ring, &run);
	trb_metric(m, &run, 0, 1, true, trb->samples);
	metric_set_paper(m, 2, "Table 4");
	metric_note(m, "a 64-byte copy out of the mapped map value, no syscall");
	munmap(ring, sizeof(*ring));
	channels_bpf__destroy(s);
}
