// SPDX-License-Identifier: GPL-2.0
/*
 * The maps programs by BPF_PROG_TEST_RUN: every map type loads into the same object; the
 * lookup loop reads what the map holds; the per-flow counters count exactly the replayed
 * flows, and the parse-only program counts nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/maps/maps.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "maps.skel.h"
#include "lib/util.h"

static struct maps_bpf *load(enum bpf_map_type t, enum maps_mode mode, enum maps_flow_mode fm)
{
	struct maps_bpf *s = maps_bpf__open();

	assert_non_null(s);
	s->rodata->mode = mode;
	s->rodata->flow_mode = fm;
	bpf_map__set_type(s->maps.tmap, t);
	bpf_map__set_type(s->maps.tmap2, t);
	assert_int_equal(maps_bpf__load(s), 0);
	return s;
}

static void test_every_type_loads_and_reads(void **state)
{
	static const enum bpf_map_type types[] = {
		BPF_MAP_TYPE_ARRAY,	   BPF_MAP_TYPE_HASH,	     BPF_MAP_TYPE_LRU_HASH,
		BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH,
	};
	int ncpu = libbpf_num_possible_cpus();
	struct trb tb;
	size_t i;
	int mode;

	(void)state;
	trb_init(&tb, true, 0);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		for (mode = MAPS_BASE; mode <= MAPS_CALL_TWO; mode++) {
			struct maps_bpf *s = load(types[i], mode, MAPS_FLOW_PARSE);
			__u64 *val = calloc((size_t)ncpu, sizeof(__u64)), want = 0;
			__u32 k, it, retval;

			/* every key holds 3 in tmap and 5 in tmap2, on every CPU */
			for (k = 0; k < MAPS_KEYS; k++) {
				int c;

				for (c = 0; c < ncpu; c++)
					val[c] = 3;
				assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.tmap), &k,
								     val, BPF_ANY),
						 0);
				for (c = 0; c < ncpu; c++)
					val[c] = 5;
				assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.tmap2), &k,
								     val, BPF_ANY),
						 0);
			}
			assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_maps_lookup),
						       tb.pkt, tb.len, 1, NULL, &retval, NULL),
					 0);
			assert_int_equal(retval, 2 /* XDP_PASS */);
			for (it = 0; it < MAPS_ITERS; it++) {
				__u32 key = (it * 2654435761u) & (MAPS_KEYS - 1);

				if (mode == MAPS_BASE)
					want += key;
				else if (mode == MAPS_CALL_TWO)
					want += (it & 1) ? 5 : 3;
				else
					want += 3;
			}
			assert_int_equal(s->bss->sink, want);
			free(val);
			maps_bpf__destroy(s);
		}
	}
}

static void check_counts(enum bpf_map_type t)
{
	struct maps_bpf *s = load(t, MAPS_BASE, MAPS_FLOW_COUNTER);
	uint32_t counts[64] = { 0 }, retval;
	__u32 k, flow;
	struct trb tb;
	int runs = 100;

	trb_init(&tb, true, 0);
	for (k = 0; k < MAPS_SEQ; k++) {
		flow = (k * 7 + k / 3) % 50;
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.seq), &k, &flow, BPF_ANY),
				 0);
		if (k < (__u32)runs * MAPS_PKTS_PER_RUN)
			counts[flow]++;
	}
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_maps_flows), tb.pkt, tb.len,
				       (uint32_t)runs, NULL, &retval, NULL),
			 0);
	assert_int_equal(retval, 1 /* XDP_DROP */);
	for (flow = 0; flow < 64; flow++) {
		__u64 c = 0;
		int err = bpf_map_lookup_elem(bpf_map__fd(s->maps.tmap), &flow, &c);

		if (counts[flow]) {
			assert_int_equal(err, 0);
			assert_int_equal(c, counts[flow]);
		} else {
			assert_true(err || c == 0);
		}
	}
	maps_bpf__destroy(s);
}

static void test_flow_counters_count_exactly(void **state)
{
	(void)state;
	check_counts(BPF_MAP_TYPE_ARRAY);
	check_counts(BPF_MAP_TYPE_HASH);
	check_counts(BPF_MAP_TYPE_LRU_HASH);
}

static void test_parse_only_counts_nothing(void **state)
{
	struct maps_bpf *s = load(BPF_MAP_TYPE_HASH, MAPS_BASE, MAPS_FLOW_PARSE);
	__u32 k = 0, next, retval;
	struct trb tb;

	(void)state;
	trb_init(&tb, true, 0);
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_maps_flows), tb.pkt, tb.len,
				       10, NULL, &retval, NULL),
			 0);
	assert_int_not_equal(bpf_map_get_next_key(bpf_map__fd(s->maps.tmap), NULL, &next), 0);
	(void)k;
	maps_bpf__destroy(s);
}

/* the attach helpers refuse an ifindex that names another device here (a host interface) */
static void test_attach_refuses_other_device(void **state)
{
	struct maps_bpf *s = load(BPF_MAP_TYPE_HASH, MAPS_BASE, MAPS_FLOW_PARSE);
	struct att_tc t;

	(void)state;
	errno = 0;
	assert_null(att_xdp(s->progs.olab_maps_flows, 1 /* lo here */, "olab-nothere"));
	assert_int_equal(errno, ENODEV);
	assert_int_equal(
		att_tc_ingress(1, "olab-nothere", bpf_program__fd(s->progs.olab_maps_flows), &t),
		-ENODEV);
	maps_bpf__destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_loads_and_reads),
		cmocka_unit_test(test_flow_counters_count_exactly),
		cmocka_unit_test(test_parse_only_counts_nothing),
		cmocka_unit_test(test_attach_refuses_other_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
