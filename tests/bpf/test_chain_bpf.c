// SPDX-License-Identifier: GPL-2.0
/*
 * chain: each variant runs exactly the stages it is given (the arithmetic of each stage
 * leaves a distinct value), a tail-call chain stops at the first empty slot, and the
 * experiment's own check would catch a chain that ran too few stages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/chain/chain.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "chain.skel.h"

static __u64 run(struct chain_bpf *s, struct bpf_program *p)
{
	struct trb tb;
	uint32_t retval;

	trb_init(&tb, true, 0);
	s->bss->acc = 0;
	assert_int_equal(bpfu_test_run(bpf_program__fd(p), tb.pkt, tb.len, 1, NULL, &retval, NULL),
			 0);
	assert_int_equal(retval, 2 /* XDP_PASS */);
	return s->bss->acc;
}

static void fill(struct chain_bpf *s, char fam, unsigned int upto, unsigned int hole)
{
	int map = bpf_map__fd(fam == 'v' ? s->maps.jt_var : s->maps.jt_const);
	__u32 k;

	for (k = 1; k <= CHAIN_MAX + 1; k++) {
		char name[32];
		int fd;

		bpf_map_delete_elem(map, &k);
		if (k > upto || k == hole)
			continue;
		snprintf(name, sizeof(name), "olab_chain_t%c%u", fam, k);
		fd = bpf_program__fd(bpf_object__find_program_by_name(s->obj, name));
		assert_int_equal(bpf_map_update_elem(map, &k, &fd, BPF_ANY), 0);
	}
}

static void test_tail_calls(void **state)
{
	struct chain_bpf *s = chain_bpf__open_and_load();
	unsigned int L;

	(void)state;
	assert_non_null(s);
	for (L = 0; L <= CHAIN_MAX; L++) {
		fill(s, 'c', L, 0);
		assert_int_equal(run(s, s->progs.olab_chain_tc0), chain_expect(L));
		fill(s, 'v', L, 0);
		assert_int_equal(run(s, s->progs.olab_chain_tv0), chain_expect(L));
	}
	/* an empty slot ends the chain there */
	fill(s, 'c', CHAIN_MAX, 4);
	assert_int_equal(run(s, s->progs.olab_chain_tc0), chain_expect(3));
	chain_bpf__destroy(s);
}

static void test_functions(void **state)
{
	struct chain_bpf *s = chain_bpf__open_and_load();
	unsigned int L;

	(void)state;
	assert_non_null(s);
	for (L = 0; L <= CHAIN_MAX; L++) {
		s->data->stages = L;
		assert_int_equal(run(s, s->progs.olab_chain_sub), chain_expect(L));
		assert_int_equal(run(s, s->progs.olab_chain_global), chain_expect(L));
		assert_int_equal(run(s, s->progs.olab_chain_inline), chain_expect(L));
	}
	/* more stages than the loop allows: capped at CHAIN_MAX */
	s->data->stages = 100;
	assert_int_equal(run(s, s->progs.olab_chain_sub), chain_expect(CHAIN_MAX));
	chain_bpf__destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_calls),
		cmocka_unit_test(test_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
