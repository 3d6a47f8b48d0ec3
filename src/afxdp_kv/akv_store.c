// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afxdp_kv/akv_store.h"

#define REALTIME_MAXDELTA (60 * 60 * 24 * 30) /* memcached: larger exptimes are Unix times */

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
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

static size_t item_size(size_t nkey, size_t nbytes)
{
	return sizeof(struct akv_item) + nkey + nbytes;
}

int akv_store_init(struct akv_store *s, size_t mem_limit)
{
	memset(s, 0, sizeof(*s));
	s->nbuckets = 1 << 16;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	if (!s->buckets)
		return -ENOMEM;
	s->mem_limit = mem_limit;
	s->next_cas = 1;
	s->now = wall_now;
	return 0;
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

/* Unlink it from its chain (found through its key) and the LRU, and free it. */
static void item_remove(struct akv_store *s, struct akv_item *it)
{
	struct akv_item **pp = &s->buckets[hash(it->data, it->nkey) & (s->nbuckets - 1)];

	while (*pp && *pp != it)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = it->hnext;
	lru_unlink(s, it);
	s->mem -= item_size(it->nkey, it->nbytes);
	s->count--;
	free(it);
}

void akv_store_free(struct akv_store *s)
{
	while (s->head)
		item_remove(s, s->head);
	free(s->buckets);
	memset(s, 0, sizeof(*s));
}

int64_t akv_abs_time(const struct akv_store *s, int64_t exptime)
{
	if (exptime == 0)
		return 0;
	if (exptime < 0)
		return s->now() - 1; /* already gone */
	if (exptime > REALTIME_MAXDELTA)
		return exptime <= s->now() ? s->now() - 1 : exptime;
	return s->now() + exptime;
}

static bool dead(const struct akv_store *s, const struct akv_item *it, int64_t now)
{
	if (it->exptime && it->exptime <= now)
		return true;
	/* flush_all: an item older than the flush, once the flush's time has come */
	return s->oldest_live && s->oldest_live <= now && it->time <= s->oldest_live;
}

static struct akv_item *find(struct akv_store *s, const char *key, size_t nkey)
{
	struct akv_item *it = s->buckets[hash(key, nkey) & (s->nbuckets - 1)];

	while (it && !(it->nkey == nkey && !memcmp(it->data, key, nkey)))
		it = it->hnext;
	if (it && dead(s, it, s->now())) {
		item_remove(s, it);
		return NULL;
	}
	return it;
}

struct akv_item *akv_get(struct akv_store *s, const char *key, size_t nkey)
{
	struct akv_item *it = find(s, key, nkey);

	if (it) {
		lru_unlink(s, it);
		lru_front(s, it);
	}
	return it;
}

struct akv_item *akv_put(struct akv_store *s, const char *key, size_t nkey, uint32_t flags,
			 int64_t exptime, const void *val, size_t nbytes)
{
	size_t sz = item_size(nkey, nbytes);
	struct akv_item *it, *old;
	size_t b;

	if (nkey == 0 || nkey > AKV_KEY_MAX || nbytes > AKV_ITEM_MAX || sz > s->mem_limit)
		return NULL;
	old = find(s, key, nkey);
	if (old)
		item_remove(s, old);
	while (s->tail && s->mem + sz > s->mem_limit) {
		item_remove(s, s->tail);
		s->evictions++;
	}
	it = malloc(sz);
	if (!it)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->nkey = (uint8_t)nkey;
	it->nbytes = (uint32_t)nbytes;
	it->flags = flags;
	it->exptime = exptime;
	it->time = s->now();
	it->cas = s->next_cas++;
	memcpy(it->data, key, nkey);
	if (nbytes)
		memcpy(it->data + nkey, val, nbytes);
	b = hash(key, nkey) & (s->nbuckets - 1);
	it->hnext = s->buckets[b];
	s->buckets[b] = it;
	lru_front(s, it);
	s->mem += sz;
	s->count++;
	return it;
}

bool akv_delete(struct akv_store *s, const char *key, size_t nkey)
{
	struct akv_item *it = find(s, key, nkey);

	if (it)
		item_remove(s, it);
	return it != NULL;
}

void akv_flush(struct akv_store *s, int64_t delay)
{
	struct akv_item *it, *next;

	if (delay > 0) {
		s->oldest_live = akv_abs_time(s, delay) - 1;
		return;
	}
	/* now: everything goes (as memcached, whose items older than the flush are invalid) */
	for (it = s->head; it; it = next) {
		next = it->lnext;
		item_remove(s, it);
	}
}
