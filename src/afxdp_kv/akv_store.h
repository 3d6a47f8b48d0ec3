/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_STORE_H
#define OLAB_AKV_STORE_H

/*
 * The AF_XDP key-value server's table: memcached's item semantics (flags, exptime, a CAS
 * unique per store, flush_all with a delay), a memory limit with LRU eviction. One table per
 * worker thread (a worker owns its queue and its keys' requests); no locking inside.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKV_KEY_MAX 250
#define AKV_ITEM_MAX (1024 * 1024) /* memcached's default item size limit */

struct akv_item {
	struct akv_item *hnext;		/* hash chain */
	struct akv_item *lprev, *lnext; /* LRU, most recent at the head */
	uint64_t cas;
	int64_t exptime; /* absolute, in the store's clock (s); 0: never */
	int64_t time;	 /* when stored (s), for flush_all */
	uint32_t flags;
	uint32_t nbytes; /* value bytes, without \r\n */
	uint8_t nkey;
	char data[]; /* key, then value */
};

struct akv_store {
	struct akv_item **buckets;
	size_t nbuckets, count;
	size_t mem, mem_limit; /* bytes held by items */
	struct akv_item *head, *tail;
	uint64_t next_cas;
	int64_t oldest_live;  /* flush_all: items stored at or before it are gone once it passes */
	int64_t (*now)(void); /* seconds; replaceable for tests */
	uint64_t evictions;
};

int akv_store_init(struct akv_store *s, size_t mem_limit);
void akv_store_free(struct akv_store *s);

/* The live item for key (expired and flushed ones are removed), refreshed in the LRU. */
struct akv_item *akv_get(struct akv_store *s, const char *key, size_t nkey);

/*
 * Store a new item (replacing any), evicting the least recent ones for room. exptime is
 * memcached's: 0 never, up to 30 days relative seconds, above that a Unix time, negative
 * already expired. Returns the item, or NULL when it cannot be held (too large for the limit).
 */
struct akv_item *akv_put(struct akv_store *s, const char *key, size_t nkey, uint32_t flags,
			 int64_t exptime, const void *val, size_t nbytes);
bool akv_delete(struct akv_store *s, const char *key, size_t nkey);
/* memcached's exptime to the store's absolute time */
int64_t akv_abs_time(const struct akv_store *s, int64_t exptime);
void akv_flush(struct akv_store *s, int64_t delay);

#endif
