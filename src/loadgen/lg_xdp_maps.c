// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP engine's maps from user space: its tables mapped into memory (the slots, keys,
 * draws, templates and raw requests are BPF_F_MMAPABLE arrays), and its per-CPU counters and
 * histograms zeroed and read whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loadgen/lg_xdp_int.h"

void *lgx_map_mmap(const struct bpf_map *m, size_t *len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t l = (size_t)bpf_map__value_size(m) * bpf_map__max_entries(m);
	void *p;

	l = (l + (size_t)page - 1) & ~((size_t)page - 1);
	p = mmap(NULL, l, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m), 0);
	if (p == MAP_FAILED)
		return NULL;
	*len = l;
	return p;
}

/* Zero a per-CPU array map, every entry. */
int lgx_percpu_zero(const struct bpf_map *m, int ncpu)
{
	__u32 n = bpf_map__max_entries(m), i, *keys;
	size_t vs = ((size_t)bpf_map__value_size(m) + 7) & ~(size_t)7;
	void *zero = calloc((size_t)n * (size_t)ncpu, vs);
	int err = 0, fd = bpf_map__fd(m);

	keys = calloc(n, sizeof(*keys));
	if (!zero || !keys) {
		free(zero);
		free(keys);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		keys[i] = i;
	if (bpf_map_update_batch(fd, keys, zero, &n, NULL))
		for (i = 0, err = 0; i < bpf_map__max_entries(m) && !err; i++)
			if (bpf_map_update_elem(fd, &i, zero, BPF_ANY))
				err = -errno;
	free(zero);
	free(keys);
	return err;
}

/* Every entry of a per-CPU array map: n * ncpu values of vs bytes (rounded up to 8). */
void *lgx_percpu_read(const struct bpf_map *m, int ncpu)
{
	__u32 n = bpf_map__max_entries(m), i, got = n, *keys, out = 0;
	size_t vs = ((size_t)bpf_map__value_size(m) + 7) & ~(size_t)7;
	char *v = calloc((size_t)n * (size_t)ncpu, vs);
	int fd = bpf_map__fd(m);

	keys = calloc(n, sizeof(*keys));
	if (!v || !keys) {
		free(v);
		free(keys);
		return NULL;
	}
	if (bpf_map_lookup_batch(fd, NULL, &out, keys, v, &got, NULL) && errno != ENOENT)
		got = 0;
	if (got != n)
		for (i = 0; i < n; i++)
			bpf_map_lookup_elem(fd, &i, v + (size_t)i * (size_t)ncpu * vs);
	free(keys);
	return v;
}

void lgx_pick_store(uint64_t *map, const uint32_t *pick)
{
	size_t j;

	/* an array map's values are 8 bytes apart (the kernel rounds their size up) */
	for (j = 0; j < LG_PICK; j++)
		map[j] = pick[j];
}
