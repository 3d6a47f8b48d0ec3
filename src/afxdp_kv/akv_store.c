// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afxdp_kv/akv_store.h"

/* memcached's defaults: -n 48, -f 1.25, 1 MB pages; its clock starts 62 s before it does */
#define CHUNK_MIN 48
#define GROWTH 1.25
#define PAGE_SIZE_MC (1024 * 1024)
#define START_SLACK 62

static uint32_t class_size[AKV_MAX_CLASSES];
static unsigned int class_largest;

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

/* memcached's slabs_init with the default settings: sizes grow by GROWTH, 8-byte aligned,
 * until the next would pass slab_chunk_max / GROWTH; the last class is slab_chunk_max. */
static void classes_init(void)
{
	unsigned int i = 0;
	uint32_t size = AKV_ITEM_HDR + CHUNK_MIN;

	if (class_largest)
		return;
	while (++i < AKV_MAX_CLASSES - 1) {
		if (size >= AKV_SLAB_CHUNK_MAX / GROWTH)
			break;
		if (size % 8)
			size += 8 - size % 8;
		class_size[i] = size;
		size = (uint32_t)(size * GROWTH);
	}
	class_size[i] = AKV_SLAB_CHUNK_MAX;
	class_largest = i;
}

uint32_t akv_class_size(unsigned int id)
{
	classes_init();
	return id && id <= class_largest ? class_size[id] : 0;
}

unsigned int akv_class_largest(void)
{
	classes_init();
	return class_largest;
}

unsigned int akv_clsid(size_t ntotal)
{
	unsigned int id = 1;

	classes_init();
	if (!ntotal || ntotal > AKV_ITEM_SIZE_MAX)
		return 0;
	while (ntotal > class_size[id])
		if (id++ == class_largest)
			return class_largest;
	return id;
}

size_t akv_item_ntotal(size_t nkey, uint32_t flags, size_t nbytes)
{
	/* header, key and its NUL, value and its \r\n, the flags when non-zero, the CAS */
	return AKV_ITEM_HDR + nkey + 1 + nbytes + 2 + (flags ? 4 : 0) + 8;
}

static uint64_t hash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)k[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int akv_store_init(struct akv_store *s, size_t mem_limit)
{
	memset(s, 0, sizeof(*s));
	classes_init();
	s->nbuckets = 1 << 16;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (!s->buckets)
		return -ENOMEM;
	s->mem_limit = mem_limit;
	s->now = wall_now;
	s->process_started = wall_now() - START_SLACK;
	return 0;
}

uint32_t akv_now(const struct akv_store *s)
{
	return (uint32_t)(s->now() - s->process_started);
}

uint32_t akv_realtime(const struct akv_store *s, int64_t exptime)
{
	if (exptime == 0)
		return 0;
	if (exptime > AKV_REALTIME_MAXDELTA) {
		/* a Unix time: one at or before the start is 1 (long gone), never 0 (never) */
		if (exptime <= s->process_started)
			return 1;
		return (uint32_t)(exptime - s->process_started);
	}
	return (uint32_t)(exptime + akv_now(s));
}

uint32_t akv_exptime(const struct akv_store *s, int32_t exptime)
{
	/* memcached's EXPTIME_TO_POSITIVE_TIME: a negative one becomes a Unix time long past */
	return akv_realtime(s, exptime < 0 ? AKV_REALTIME_MAXDELTA + 1 : exptime);
}

struct akv_item *akv_item_new(const char *key, size_t nkey, uint32_t flags, uint32_t exptime,
			      size_t nbytes)
{
	size_t ntotal = akv_item_ntotal(nkey, flags, nbytes);
	unsigned int id = akv_clsid(ntotal);
	struct akv_item *it;

	if (!id || nkey > AKV_KEY_MAX)
		return NULL;
	/* room for the \r\n a data block ends with, read in before it is checked */
	it = malloc(sizeof(*it) + nkey + nbytes + 2);
	if (!it)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->nkey = (uint8_t)nkey;
	it->nbytes = (uint32_t)nbytes;
	it->flags = flags;
	it->exptime = exptime;
	it->clsid = (uint8_t)id;
	it->refcount = 1;
	memcpy(it->data, key, nkey);
	return it;
}

void akv_item_ref(struct akv_item *it)
{
	__atomic_add_fetch(&it->refcount, 1, __ATOMIC_RELAXED);
}

void akv_item_put(struct akv_item *it)
{
	if (it && __atomic_sub_fetch(&it->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		free(it);
}

static void lru_unlink(struct akv_store *s, struct akv_item *it)
{
	if (it->lprev)
		it->lprev->lnext = it->lnext;
	else
		s->head = it->lnext;
	if (it->lnext)
		it->lnext->lprev = it->lprev;
	else
		s->tail = it->lprev;
	it->lprev = it->lnext = NULL;
}

static void lru_front(struct akv_store *s, struct akv_item *it)
{
	it->lprev = NULL;
	it->lnext = s->head;
	if (s->head)
		s->head->lprev = it;
	s->head = it;
	if (!s->tail)
		s->tail = it;
}

static size_t item_total(const struct akv_item *it)
{
	return akv_item_ntotal(it->nkey, it->flags, it->nbytes);
}

void akv_unlink(struct akv_store *s, struct akv_item *it)
{
	struct akv_item **pp;

	if (!(it->iflags & AKV_IT_LINKED))
		return;
	pp = &s->buckets[hash(it->data, it->nkey) & (s->nbuckets - 1)];
	while (*pp && *pp != it)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = it->hnext;
	it->hnext = NULL;
	lru_unlink(s, it);
	it->iflags &= (uint16_t)~AKV_IT_LINKED;
	s->mem -= item_total(it);
	s->count--;
	s->cls[it->clsid].number--;
	s->cls[it->clsid].mem_requested -= item_total(it);
	akv_item_put(it); /* the table's reference */
}

void akv_store_free(struct akv_store *s)
{
	while (s->head)
		akv_unlink(s, s->head);
	free(s->buckets);
	memset(s, 0, sizeof(*s));
}

bool akv_flushed(const struct akv_store *s, const struct akv_item *it)
{
	uint32_t now = akv_now(s);

	if (!s->oldest_live || s->oldest_live > now)
		return false;
	return it->time <= s->oldest_live || (s->oldest_cas && it->cas && it->cas < s->oldest_cas);
}

static bool expired(const struct akv_store *s, const struct akv_item *it)
{
	return it->exptime && it->exptime <= akv_now(s);
}

struct akv_item *akv_find(struct akv_store *s, const char *key, size_t nkey, bool bump)
{
	struct akv_item *it = s->buckets[hash(key, nkey) & (s->nbuckets - 1)];

	while (it && !(it->nkey == nkey && !memcmp(it->data, key, nkey)))
		it = it->hnext;
	if (!it)
		return NULL;
	if (akv_flushed(s, it)) {
		akv_unlink(s, it);
		s->c.get_flushed++;
		return NULL;
	}
	if (expired(s, it)) {
		akv_unlink(s, it);
		s->c.get_expired++;
		return NULL;
	}
	akv_item_ref(it);
	if (bump)
		akv_bump(s, it);
	return it;
}

void akv_bump(struct akv_store *s, struct akv_item *it)
{
	/* memcached's segmented LRU: a first fetch marks, a second makes it active */
	if (!(it->iflags & AKV_IT_ACTIVE)) {
		if (!(it->iflags & AKV_IT_FETCHED)) {
			it->iflags |= AKV_IT_FETCHED;
		} else {
			it->iflags |= AKV_IT_ACTIVE;
			it->time = akv_now(s);
		}
	}
	if (it->iflags & AKV_IT_LINKED) {
		lru_unlink(s, it);
		lru_front(s, it);
	}
}

void akv_touch_lru(struct akv_store *s, struct akv_item *it)
{
	if (!(it->iflags & AKV_IT_LINKED))
		return;
	it->time = akv_now(s);
	lru_unlink(s, it);
	lru_front(s, it);
}

uint64_t akv_next_cas(struct akv_store *s)
{
	return ++s->cas_id;
}

bool akv_link(struct akv_store *s, struct akv_item *it)
{
	size_t sz = item_total(it), b;

	if (sz > s->mem_limit)
		return false;
	while (s->tail && s->mem + sz > s->mem_limit) {
		struct akv_item *victim = s->tail;

		s->c.evictions++;
		s->cls[victim->clsid].evicted++;
		if (!(victim->iflags & AKV_IT_FETCHED)) {
			s->c.evicted_unfetched++;
			s->cls[victim->clsid].evicted_unfetched++;
		}
		if (victim->iflags & AKV_IT_ACTIVE)
			s->c.evicted_active++;
		akv_unlink(s, victim);
	}
	it->iflags |= AKV_IT_LINKED;
	it->time = akv_now(s);
	it->cas = akv_next_cas(s);
	b = hash(it->data, it->nkey) & (s->nbuckets - 1);
	it->hnext = s->buckets[b];
	s->buckets[b] = it;
	lru_front(s, it);
	akv_item_ref(it);
	s->mem += sz;
	s->count++;
	s->c.total_items++;
	s->cls[it->clsid].number++;
	s->cls[it->clsid].mem_requested += sz;
	{
		uint64_t per = PAGE_SIZE_MC / class_size[it->clsid],
			 need = (s->cls[it->clsid].number + per - 1) / per;

		if (need > s->cls[it->clsid].pages)
			s->cls[it->clsid].pages = need;
	}
	return true;
}

bool akv_replace(struct akv_store *s, struct akv_item *old, struct akv_item *new_it)
{
	akv_unlink(s, old);
	return akv_link(s, new_it);
}

size_t akv_reclaim(struct akv_store *s)
{
	struct akv_item *it, *next;
	size_t n = 0;

	for (it = s->head; it; it = next) {
		next = it->lnext;
		if (akv_flushed(s, it) || expired(s, it)) {
			s->cls[it->clsid].reclaimed++;
			akv_unlink(s, it);
			n++;
		}
	}
	return n;
}
