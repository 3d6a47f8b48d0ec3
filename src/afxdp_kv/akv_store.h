/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_STORE_H
#define OLAB_AKV_STORE_H

/*
 * The AF_XDP key-value server's table, with memcached 1.6.18's item semantics as a client sees
 * them: its clock (seconds since its start, less 62), exptime rules, a CAS unique from one
 * counter for every link (and flush_all), flush_all's oldest_live and oldest_cas, item sizes
 * and slab classes as memcached counts them (limits, 'me', stats), the fetched, active, token
 * and stale marks the meta commands show. Items are reference counted: a pending reply holds
 * the item whose value it sends. The memory limit evicts the least recently used item of the
 * whole table (memcached evicts per slab class). No locking inside; the caller holds one lock.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AKV_KEY_MAX 250
#define AKV_ITEM_SIZE_MAX (1024 * 1024) /* memcached's -I: a whole item, header included */
#define AKV_SLAB_CHUNK_MAX (512 * 1024) /* memcached's slab_chunk_max */
#define AKV_ITEM_HDR 48			/* memcached's sizeof(item) on 64-bit */
#define AKV_REALTIME_MAXDELTA (60 * 60 * 24 * 30) /* larger exptimes are Unix times */
#define AKV_MAX_CLASSES 64			  /* memcached's MAX_NUMBER_OF_SLAB_CLASSES */

enum akv_iflag {
	AKV_IT_LINKED = 1,
	AKV_IT_FETCHED = 2,
	AKV_IT_ACTIVE = 4,
	AKV_IT_TOKEN_SENT = 8,
	AKV_IT_STALE = 16,
	AKV_IT_KEY_BINARY = 32,
};

struct akv_item {
	struct akv_item *hnext;		/* hash chain */
	struct akv_item *lprev, *lnext; /* LRU, most recent at the head */
	uint64_t cas;
	uint32_t exptime; /* memcached's rel_time_t; 0: never */
	uint32_t time;	  /* last link or bump (rel_time_t) */
	uint32_t flags;	  /* the client's */
	uint32_t nbytes;  /* value bytes, without \r\n */
	int refcount;	  /* the table's link is one; atomic */
	uint16_t iflags;  /* enum akv_iflag */
	uint8_t nkey;
	uint8_t clsid; /* memcached's slab class for the item's size */
	char data[];   /* key, then value */
};

/* Per slab class, as memcached's 'stats slabs' and 'stats items' count them. */
struct akv_class_stats {
	uint64_t number, mem_requested, evicted, reclaimed, expired_unfetched, evicted_unfetched;
	uint64_t get_hits, set_cmds, delete_hits, incr_hits, decr_hits, cas_hits, cas_badval;
	uint64_t touch_hits;
	uint64_t pages; /* 1 MB pages memcached would have given the class (most ever needed) */
};

/* memcached's thread and global counters that this table can fill ('stats'). */
struct akv_counters {
	uint64_t get_cmds, get_misses, get_expired, get_flushed, flush_cmds, touch_cmds, meta_cmds;
	uint64_t touch_misses, delete_misses, incr_misses, decr_misses, cas_misses;
	uint64_t store_too_large, store_no_memory, total_items, evictions, reclaimed;
	uint64_t expired_unfetched, evicted_unfetched, evicted_active;
	uint64_t bytes_read, bytes_written, conn_yields;
};

struct akv_store {
	struct akv_item **buckets;
	size_t nbuckets, count;
	size_t mem, mem_limit; /* bytes held by items (memcached's ITEM_ntotal) */
	struct akv_item *head, *tail;
	uint64_t cas_id;	 /* the last CAS unique handed out */
	uint32_t oldest_live;	 /* flush_all: items at or before it are gone once it passes */
	uint64_t oldest_cas;	 /* and, once it passes, items with a smaller CAS */
	int64_t process_started; /* Unix s: memcached's start less 62 s */
	int64_t (*now)(void);	 /* Unix seconds; replaceable for tests */
	struct akv_counters c;
	struct akv_class_stats cls[AKV_MAX_CLASSES];
};

int akv_store_init(struct akv_store *s, size_t mem_limit);
void akv_store_free(struct akv_store *s);

/* memcached's current_time and realtime(): seconds since process_started. */
uint32_t akv_now(const struct akv_store *s);
uint32_t akv_realtime(const struct akv_store *s, int64_t exptime);
/* An exptime as memcached reads it from a command (negative: already expired). */
uint32_t akv_exptime(const struct akv_store *s, int32_t exptime);

/* memcached's ITEM_ntotal for a value of nbytes (without \r\n), and its slab class (0: too
 * large for an item). */
size_t akv_item_ntotal(size_t nkey, uint32_t flags, size_t nbytes);
unsigned int akv_clsid(size_t ntotal);
/* Slab class id's chunk size and chunks per 1 MB page; the largest class id. */
uint32_t akv_class_size(unsigned int id);
unsigned int akv_class_largest(void);

/* An unlinked item with one reference (the caller's), value uninitialised (and 2 bytes
 * beyond it for a data block's \r\n); NULL when too
 * large for an item (memcached: item_size_ok) or out of memory. */
struct akv_item *akv_item_new(const char *key, size_t nkey, uint32_t flags, uint32_t exptime,
			      size_t nbytes);
void akv_item_ref(struct akv_item *it);
/* Drop a reference; the item goes when the last one does (it is unlinked by then). */
void akv_item_put(struct akv_item *it);
static inline char *akv_value(struct akv_item *it)
{
	return it->data + it->nkey;
}

/*
 * The live item for key with a reference for the caller (memcached's do_item_get): one found
 * flushed or expired is unlinked and counted (get_flushed, get_expired). bump: the fetch marks
 * (FETCHED, then ACTIVE with its time renewed), as a get does.
 */
struct akv_item *akv_find(struct akv_store *s, const char *key, size_t nkey, bool bump);
/* memcached's do_item_bump: the fetch marks, and the item to the LRU's head. */
void akv_bump(struct akv_store *s, struct akv_item *it);
/* memcached's do_item_update: time renewed. */
void akv_touch_lru(struct akv_store *s, struct akv_item *it);
/* Link it (the table takes its own reference): a new CAS, time now, least recent ones evicted
 * for room. false when it cannot fit within the limit at all. */
bool akv_link(struct akv_store *s, struct akv_item *it);
void akv_unlink(struct akv_store *s, struct akv_item *it);
/* Unlink old, link new (memcached's item_replace). */
bool akv_replace(struct akv_store *s, struct akv_item *old, struct akv_item *new_it);
uint64_t akv_next_cas(struct akv_store *s);
/* memcached's item_is_flushed */
bool akv_flushed(const struct akv_store *s, const struct akv_item *it);
/* Every expired or flushed item unlinked now (the LRU crawler's work); how many. */
size_t akv_reclaim(struct akv_store *s);

#endif
