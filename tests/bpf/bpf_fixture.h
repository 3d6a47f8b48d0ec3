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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

/*
 * A skeleton loaded once for a group and put back before each case into the state it had just
 * after the load (the kernel's verifier takes about a second for the kvcache: a load per case
 * made a group of ten cases take half a minute). bpft_save, right after the load and the
 * caller's own set-up, keeps the writable global sections (.data, .bss); bpft_reset empties
 * every hash map, zeroes every array, empties the sockets', devices' and programs' arrays and puts those
 * sections back. What the caller wrote into maps after the load (routes, configuration) is
 * the caller's to write again after bpft_reset. A map of a kind it cannot reset fails it.
 */
#define BPFT_MAX_GLOBALS 8
struct bpft_saved {
	const struct bpf_map *map[BPFT_MAX_GLOBALS];
	void *val[BPFT_MAX_GLOBALS];
	int n;
};

/* A global section programs may write: not .rodata, not .kconfig (frozen, read-only). */
static inline bool bpft_writable_global(const struct bpf_map *m)
{
	return bpf_map__is_internal(m) && !(bpf_map__map_flags(m) & BPF_F_RDONLY_PROG);
}

static inline void bpft_saved_free(struct bpft_saved *sv)
{
	while (sv->n > 0)
		free(sv->val[--sv->n]);
}

static inline int bpft_save(const struct bpf_object *obj, struct bpft_saved *sv)
{
	const struct bpf_map *m;
	uint32_t zero = 0;

	sv->n = 0;
	bpf_object__for_each_map (m, obj) {
		if (!bpft_writable_global(m))
			continue;
		if (sv->n == BPFT_MAX_GLOBALS)
			return -E2BIG;
		sv->map[sv->n] = m;
		sv->val[sv->n] = malloc(bpf_map__value_size(m));
		if (!sv->val[sv->n])
			return -ENOMEM;
		sv->n++;
		if (bpf_map_lookup_elem(bpf_map__fd(m), &zero, sv->val[sv->n - 1]))
			return -errno;
	}
	return 0;
}

/* Every entry of an array (per-CPU or not) set to zeroes: one batch, or one by one. */
static inline int bpft_zero_array(const struct bpf_map *m, bool percpu)
{
	uint32_t n = bpf_map__max_entries(m), count = n, i;
	size_t vsz = bpf_map__value_size(m);
	uint32_t *keys;
	void *vals;
	int err = 0, fd = bpf_map__fd(m);

	if (percpu)
		vsz = ((vsz + 7) & ~(size_t)7) * (size_t)libbpf_num_possible_cpus();
	keys = calloc(n, sizeof(*keys));
	vals = calloc(n, vsz);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		keys[i] = i;
	if (!bpf_map_update_batch(fd, keys, vals, &count, NULL) && count == n)
		goto out;
	for (i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, &keys[i], vals, BPF_ANY)) {
			err = -errno;
			break;
		}
	}
out:
	free(keys);
	free(vals);
	return err;
}

static inline int bpft_reset(const struct bpf_object *obj, const struct bpft_saved *sv)
{
	const struct bpf_map *m;
	uint8_t key[512];
	uint32_t i, zero = 0;
	int err, k, fd;

	bpf_object__for_each_map (m, obj) {
		fd = bpf_map__fd(m);
		if (bpf_map__is_internal(m)) {
			if (!bpft_writable_global(m))
				continue;
			for (k = 0; k < sv->n && sv->map[k] != m; k++)
				;
			if (k == sv->n)
				return -ENOENT; /* not saved: bpft_save first */
			if (bpf_map_update_elem(fd, &zero, sv->val[k], BPF_ANY))
				return -errno;
			continue;
		}
		switch (bpf_map__type(m)) {
		case BPF_MAP_TYPE_ARRAY:
		case BPF_MAP_TYPE_PERCPU_ARRAY:
			err = bpft_zero_array(m, bpf_map__type(m) == BPF_MAP_TYPE_PERCPU_ARRAY);
			if (err)
				return err;
			break;
		case BPF_MAP_TYPE_HASH:
		case BPF_MAP_TYPE_LRU_HASH:
		case BPF_MAP_TYPE_PERCPU_HASH:
		case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		case BPF_MAP_TYPE_LPM_TRIE:
			if (bpf_map__key_size(m) > sizeof(key))
				return -E2BIG;
			while (!bpf_map_get_next_key(fd, NULL, key))
				if (bpf_map_delete_elem(fd, key))
					return -errno;
			if (errno != ENOENT)
				return -errno;
			break;
		case BPF_MAP_TYPE_XSKMAP:
		case BPF_MAP_TYPE_DEVMAP:
		case BPF_MAP_TYPE_PROG_ARRAY:
			for (i = 0; i < bpf_map__max_entries(m); i++)
				if (bpf_map_delete_elem(fd, &i) && errno != ENOENT)
					return -errno;
			break;
		default:
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

#endif
