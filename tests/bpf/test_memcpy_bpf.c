// SPDX-License-Identifier: GPL-2.0
/* memcpy: every BPF copy produces exactly the source's 1024 bytes, and nothing past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/memcpy/memcpy.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "memcpy.skel.h"

static void check(const char *name, bool from_packet, bool unaligned)
{
	struct memcpy_bpf *s = memcpy_bpf__open();
	struct bpf_program *p, *want = NULL;
	uint32_t retval = 0;
	struct trb tb;
	size_t i;

	assert_non_null(s);
	trb_init(&tb, true, 0);
	trb_set_frame(&tb, MEMCPY_FRAME);
	for (i = 0; i < MEMCPY_FRAME; i++)
		tb.pkt[i] = (uint8_t)(i * 13 + 1);
	bpf_object__for_each_program (p, s->obj) {
		bool me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			want = p;
	}
	assert_non_null(want);
	assert_int_equal(memcpy_bpf__load(s), 0);
	for (i = 0; i < MEMCPY_LEN; i++) {
		s->bss->usrc.b[i] = (uint8_t)(i * 131 + 7);
		((uint8_t *)s->bss->asrc)[i] = (uint8_t)(i * 71 + 3);
	}
	memset(s->bss->udst.b, 0xee, MEMCPY_LEN);
	memset(s->bss->adst, 0xee, MEMCPY_LEN);
	assert_int_equal(
		bpfu_test_run(bpf_program__fd(want), tb.pkt, tb.len, 1, NULL, &retval, NULL), 0);
	assert_int_equal(retval, 2 /* XDP_PASS */);
	if (unaligned)
		assert_memory_equal(s->bss->udst.b, s->bss->usrc.b, MEMCPY_LEN);
	else if (from_packet)
		assert_memory_equal(s->bss->adst, tb.pkt, MEMCPY_LEN);
	else
		assert_memory_equal(s->bss->adst, s->bss->asrc, MEMCPY_LEN);
	memcpy_bpf__destroy(s);
}

static void test_bytes(void **state)
{
	(void)state;
	check("olab_memcpy_bytes", false, true);
}

static void test_u64(void **state)
{
	(void)state;
	check("olab_memcpy_u64", false, false);
}

static void test_probe_read(void **state)
{
	(void)state;
	check("olab_memcpy_probe", false, false);
}

static void test_xdp_load(void **state)
{
	(void)state;
	check("olab_memcpy_xdpld", true, false);
}

static void test_dynptr(void **state)
{
	(void)state;
	check("olab_memcpy_dynptr", false, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),	   cmocka_unit_test(test_u64),
		cmocka_unit_test(test_probe_read), cmocka_unit_test(test_xdp_load),
		cmocka_unit_test(test_dynptr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
