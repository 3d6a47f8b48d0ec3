// SPDX-License-Identifier: GPL-2.0
/*
 * jit: the BPF and the native build of jitcode.h agree on every input; the JIT image can be
 * read back; the disassembler counts instructions and finds a loop in known code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/jit/jit_exp.h"
#include "exp/jit/jitcode.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "jit.skel.h"
#include "lib/util.h"

static struct jit_bpf *s;
static struct trb tb;

static int setup(void **state)
{
	(void)state;
	trb_init(&tb, true, 0);
	/* a packet whose first 64 bytes are all different: a wrong offset changes the sum */
	for (int i = 0; i < 64; i++)
		tb.pkt[i] = (uint8_t)(i * 37 + 11);
	s = jit_bpf__open_and_load();
	return s ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	jit_bpf__destroy(s);
	return 0;
}

static void run(struct bpf_program *p)
{
	uint32_t retval = 0;

	assert_int_equal(bpfu_test_run(bpf_program__fd(p), tb.pkt, tb.len, 1, NULL, &retval, NULL),
			 0);
	assert_int_equal(retval, 2 /* XDP_PASS */);
}

static void test_fib_agrees(void **state)
{
	static const uint32_t ns[] = { 0, 1, 2, 10, 47, 80, 90, 200 };
	size_t i;

	(void)state;
	assert_int_equal(jit_fib(10), 55);
	assert_int_equal(jit_fib(90), 2880067194370816120ULL);
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		s->data->fib_n = ns[i];
		run(s->progs.olab_jit_fib);
		assert_int_equal(s->bss->sink, (uint64_t)JIT_REPS * jit_fib(ns[i]));
	}
}

static void test_sum_agrees(void **state)
{
	static const uint32_t xs[] = { 0, 1, 3, 8, 64, 100 };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(xs); i++) {
		s->data->sum_x = xs[i];
		run(s->progs.olab_jit_sum);
		assert_int_equal(s->bss->sink, (uint64_t)JIT_SUM_REPS * jit_sum(tb.pkt, xs[i]));
		run(s->progs.olab_jit_sum_once);
		assert_int_equal(s->bss->sink, jit_sum(tb.pkt, xs[i]));
	}
	/* and the sum depends on every byte */
	s->data->sum_x = 1;
	tb.pkt[63] ^= 1;
	run(s->progs.olab_jit_sum_once);
	assert_int_equal(s->bss->sink, jit_sum(tb.pkt, 1));
	tb.pkt[63] ^= 1;
}

static void test_disasm_known_code(void **state)
{
	/* xor rax,rax; ret */
	static const uint8_t flat[] = { 0x48, 0x31, 0xc0, 0xc3 };
	/* xor eax,eax; l: inc eax; cmp eax,10; jne l; ret */
	static const uint8_t loop[] = {
		0x31, 0xc0, 0xff, 0xc0, 0x83, 0xf8, 0x0a, 0x75, 0xf9, 0xc3
	};
	int body = -1;

	(void)state;
	assert_int_equal(jit_disasm(flat, sizeof(flat), 0x1000, NULL, &body), 2);
	assert_int_equal(body, 0);
	assert_int_equal(jit_disasm(loop, sizeof(loop), 0x1000, NULL, &body), 5);
	assert_int_equal(body, 3);
}

static void test_jit_image(void **state)
{
	uint8_t *code = NULL;
	size_t len = 0;
	int body = 0;

	(void)state;
	assert_int_equal(jit_image(bpf_program__fd(s->progs.olab_jit_sum_once), &code, &len), 0);
	assert_true(len > 64);
	/* the X loop: at least one instruction per summed byte */
	assert_true(jit_disasm(code, len, 0, NULL, &body) > 64);
	assert_true(body >= 64);
	free(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fib_agrees),
		cmocka_unit_test(test_sum_agrees),
		cmocka_unit_test(test_disasm_known_code),
		cmocka_unit_test(test_jit_image),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
