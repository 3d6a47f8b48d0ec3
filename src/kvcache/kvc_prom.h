/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVC_PROM_H
#define OLAB_KVC_PROM_H

/*
 * The kvcache's counters in Prometheus' text format, named in memcached_exporter's manner:
 * offloadlab_kvcache_hits_total{dev="eth0"}, ..._passed_total{dev=...,reason="too_big"}.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kvcache/kvcache.h"

struct kvc_gauges {
	uint64_t items;	   /* entries in the cache map */
	uint64_t capacity; /* its size (--capacity) */
	uint64_t memory;   /* its kernel memory (memlock), bytes */
};

/* Every metric of the cache on dev (up false: only offloadlab_kvcache_up 0). 0 or -errno. */
int kvc_prom_write(FILE *f, const char *dev, bool up, const uint64_t c[KVC_NCOUNTERS],
		   const struct kvc_gauges *g);

/* The metric family and label value a counter is exported under; NULL when it has none. */
const char *kvc_prom_family(int counter, const char **label_value);

/*
 * 'offloadlab kvcache stats --format prometheus [--textfile DIR]': read the cache pinned on
 * dev and print its metrics, or write them to DIR/offloadlab_kvcache_<dev>.prom (with up 0
 * when no cache is attached). An exit status.
 */
int kvc_stats_prom(const char *dev, const char *textfile_dir);

#endif
