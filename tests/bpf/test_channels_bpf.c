// SPDX-License-Identifier: GPL-2.0
/*
 * channels: the producers deliver every item once and in order, and count what a full
 * channel refuses; the mmap'd ring is the map's memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/channels/channels.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "channels.skel.h"

struct seen {
	uint64_t n, next;
	int bad;
};

static int on_item(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	const struct chan_item *it = data;

	if (len != sizeof(*it) || it->seq != s->next)
		s->bad++;
	s->next = it->seq + 1;
	s->n++;
	return 0;
}

static void test_ringbuf_in_order(void **state)
{
	struct channels_bpf *s = channels_bpf__open_and_load();
	struct seen seen = { 0 };
	struct ring_buffer *rb;
	struct trb tb;

	(void)state;
	assert_non_null(s);
	trb_init(&tb, true, 0);
	rb = ring_buffer__new(bpf_map__fd(s->maps.rb), on_item, &seen, NULL);
	assert_non_null(rb);
	s->bss->rb_flags = BPF_RB_NO_WAKEUP;
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_chan_rb), tb.pkt, tb.len, 5000,
				       NULL, NULL, NULL),
			 0);
	assert_int_equal(ring_buffer__consume(rb), 5000);
	assert_int_equal(seen.n, 5000);
	assert_int_equal(seen.bad, 0);
	assert_int_equal(s->bss->drops, 0);
	/* more than the ring holds: the rest are counted as drops, none lost silently */
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_chan_rb), tb.pkt, tb.len,
				       200000, NULL, NULL, NULL),
			 0);
	seen.n = 0;
	ring_buffer__consume(rb);
	assert_true(s->bss->drops > 0);
	assert_int_equal(seen.n + s->bss->drops, 200000);
	ring_buffer__free(rb);
	channels_bpf__destroy(s);
}

static void test_spsc_ring(void **state)
{
	struct channels_bpf *s = channels_bpf__open_and_load();
	struct chan_spsc *r;
	struct trb tb;
	uint64_t i;

	(void)state;
	assert_non_null(s);
	trb_init(&tb, true, 0);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(s->maps.ring),
		 0);
	assert_true(r != MAP_FAILED);
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_chan_spsc), tb.pkt, tb.len,
				       1000, NULL, NULL, NULL),
			 0);
	assert_int_equal(r->head, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(r->items[i].seq, i);
	/* consume 500, then overfill: exactly the free slots are taken */
	r->tail = 500;
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_chan_spsc), tb.pkt, tb.len,
				       CHAN_SPSC_N, NULL, NULL, NULL),
			 0);
	assert_int_equal(r->head - r->tail, CHAN_SPSC_N);
	assert_int_equal(s->bss->drops, 500);
	munmap(r, sizeof(*r));
	channels_bpf__destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ringbuf_in_order),
		cmocka_unit_test(test_spsc_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
