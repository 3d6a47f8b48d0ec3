// SPDX-License-Identifier: GPL-2.0
/* limits: the search and the probes on small inputs, where the answer is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/limits/limits_exp.h"
#include "lib/bpfutil.h"
#include "lib/trbench.h"
#include "limits.skel.h"

static int below(long v, void *a)
{
	return v <= *(long *)a;
}

static void test_search(void **state)
{
	long edge;

	(void)state;
	for (edge = 1; edge < 1000; edge = edge * 3 + 1)
		assert_int_equal(limits_search(1, 5000, 0, below, &edge), edge);
	edge = 5000;
	assert_int_equal(limits_search(1, 5000, 0, below, &edge), 5000);
	edge = 1234;
	/* with a tolerance the answer is a lower bound within it */
	assert_true(limits_search(1, 100000, 100, below, &edge) <= 1234);
	assert_true(limits_search(1, 100000, 100, below, &edge) >= 1134);
}

static void test_loop_and_stack(void **state)
{
	struct trb tb;
	uint32_t ret = 0;
	char log[4096];
	int fd;

	(void)state;
	trb_init(&tb, true, 0);
	fd = limits_load_loop(10, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(bpfu_test_run(fd, tb.pkt, tb.len, 1, NULL, &ret, NULL), 0);
	assert_int_equal(ret, 10);
	close(fd);
	/* far over the budget: refused, and the statistics say where it stopped */
	fd = limits_load_loop(100000000, log, sizeof(log));
	assert_true(fd < 0);
	assert_non_null(strstr(log, "processed "));

	fd = limits_load_stack(512);
	assert_true(fd >= 0);
	close(fd);
	assert_true(limits_load_stack(520) < 0);
}

static void test_runtime_probes(void **state)
{
	struct limits_bpf *s = limits_bpf__open_and_load();
	struct trb tb;
	uint32_t ret;
	__u32 k = 0;
	int fd;

	(void)state;
	assert_non_null(s);
	trb_init(&tb, true, 0);
	s->data->loop_n = 5;
	assert_int_equal(bpfu_test_run(bpf_program__fd(s->progs.olab_lim_loop), tb.pkt, tb.len, 1,
				       NULL, &ret, NULL),
			 0);
	assert_int_equal(s->bss->loop_ret, 5);
	/* without itself in the array, the tail call fails and the program runs once */
	fd = bpf_program__fd(s->progs.olab_lim_tail);
	assert_int_equal(bpfu_test_run(fd, tb.pkt, tb.len, 1, NULL, &ret, NULL), 0);
	assert_int_equal(s->bss->tail_runs, 1);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.self), &k, &fd, BPF_ANY), 0);
	s->bss->tail_runs = 0;
	assert_int_equal(bpfu_test_run(fd, tb.pkt, tb.len, 1, NULL, &ret, NULL), 0);
	assert_true(s->bss->tail_runs > 1);
	bpf_map_delete_elem(bpf_map__fd(s->maps.self), &k);
	limits_bpf__destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_loop_and_stack),
		cmocka_unit_test(test_runtime_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
