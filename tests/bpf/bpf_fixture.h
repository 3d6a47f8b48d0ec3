/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF tests' fixture, as the kernel's test_progs.h is for its selftests: cmocka's
 * prerequisites, the verdicts from the UAPI header (XDP_PASS, XDP_TX, TC_ACT_OK ...), a
 * test-run wrapper, and the set-up/teardown of one skeleton per test binary.
 */
#ifndef OLAB_BPF_FIXTURE_H
#define OLAB_BPF_FIXTURE_H

#include <errno.h>
#include <linux/bpf.h>	   /* enum xdp_action */
#include <linux/pkt_cls.h> /* TC_ACT_* */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/*
 * One test-run of prog on pkt: its verdict in *retval and, when out is given, the packet as
 * the program left it (*out_len bytes, at most out_cap). 0, or -errno from the kernel.
 */
static inline int bpft_run(const struct bpf_program *prog, const void *pkt, size_t len,
			   uint32_t *retval, void *out, uint32_t out_cap, uint32_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = out ? out_cap : 0, .repeat = 1);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &o);

	if (retval)
		*retval = o.retval;
	if (out_len)
		*out_len = o.data_size_out;
	return err ? -errno : 0;
}

/* Test packets' addresses: 02::01 198.18.0.1:12345 -> 02::02 198.18.0.2:DPORT_BE. */
#define BPFT_ADDRS(dport_be)                                                                       \
	{                                                                                          \
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 }, .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },      \
		.src_ip = 0x010012c6, /* network order on little endian */                         \
			.dst_ip = 0x020012c6, .src_port = 0x3930, .dst_port = (dport_be),          \
	}

/*
 * static struct NAME_bpf *skel, and the group set-up (open, CONFIGURE with `skel` in scope,
 * load) and teardown for cmocka_run_group_tests(tests, bpft_setup, bpft_teardown).
 */
#define BPFT_SKELETON(name, configure)                                                             \
	static struct name##_bpf *skel;                                                            \
	static int bpft_setup(void **state)                                                        \
	{                                                                                          \
		(void)state;                                                                       \
		skel = name##_bpf__open();                                                         \
		if (!skel)                                                                         \
			return -1;                                                                 \
		configure;                                                                         \
		return name##_bpf__load(skel);                                                     \
	}                                                                                          \
	static int bpft_teardown(void **state)                                                     \
	{                                                                                          \
		(void)state;                                                                       \
		name##_bpf__destroy(skel);                                                         \
		return 0;                                                                          \
	}

/* The same for a skeleton that needs more than open and load: VAR = OPEN (NULL on failure). */
#define BPFT_SKELETON_FROM(name, var, open)                                                        \
	static struct name##_bpf *var;                                                             \
	static int bpft_setup(void **state)                                                        \
	{                                                                                          \
		(void)state;                                                                       \
		var = open;                                                                        \
		return var ? 0 : -1;                                                               \
	}                                                                                          \
	static int bpft_teardown(void **state)                                                     \
	{                                                                                          \
		(void)state;                                                                       \
		name##_bpf__destroy(var);                                                          \
		return 0;                                                                          \
	}

#endif
