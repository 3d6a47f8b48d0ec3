// SPDX-License-Identifier: GPL-2.0
/*
 * memcached 1.6.18's stats: general, settings, items, slabs, sizes, detail, conns, reset, as
 * a memcached started with '-U PORT -X -W -o no_slab_reassign' prints them. Every field
 * memcached prints is printed, in its order; those this server has no counterpart for are 0,
 * and slab pages are those memcached would have given the items linked (see docs/kvcache.md).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "afxdp_kv/akv_int.h"

#define HASH_BUCKETS (1 << 16)

struct akv_prefix {
	struct akv_prefix *next;
	uint64_t gets, hits, sets, dels;
	size_t n;
	char p[];
};

void akv_settings_free(struct akv_settings *set)
{
	while (set->prefixes) {
		struct akv_prefix *next = set->prefixes->next;

		free(set->prefixes);
		set->prefixes = next;
	}
}

/* memcached's stats_prefix_record_*: keys with a ':' count under what comes before it */
void akv_prefix_record(struct akv_conn *c, const char *key, size_t nkey, char kind, bool hit)
{
	struct akv_prefix *p;
	size_t n;

	if (!c->set->detail_enabled)
		return;
	for (n = 0; n < nkey && key[n] != ':'; n++)
		if (!key[n])
			return;
	if (n == nkey)
		return;
	for (p = c->set->prefixes; p && !(p->n == n && !memcmp(p->p, key, n)); p = p->next)
		;
	if (!p) {
		p = calloc(1, sizeof(*p) + n + 1);
		if (!p)
			return;
		memcpy(p->p, key, n);
		p->n = n;
		p->next = c->set->prefixes;
		c->set->prefixes = p;
	}
	if (kind == 'g') {
		p->gets++;
		p->hits += hit;
	} else if (kind == 's') {
		p->sets++;
	} else {
		p->dels++;
	}
}

static void st(struct akv_conn *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void st(struct akv_conn *c, const char *name, const char *fmt, ...)
{
	struct akv_resp *r = akv_cur(c);
	char v[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	akv_resp_printf(c, r, "STAT %s %s\r\n", name, v);
}

static void end(struct akv_conn *c)
{
	akv_resp_add(c, akv_cur(c), "END\r\n", 5);
	c->state = AKV_CS_NEW_CMD;
}

static uint64_t cls_sum(const struct akv_store *s, size_t off)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < AKV_MAX_CLASSES; i++)
		sum += *(const uint64_t *)((const char *)&s->cls[i] + off);
	return sum;
}

#define CLS_SUM(s, f) cls_sum(s, offsetof(struct akv_class_stats, f))
#define U64(v) "%" PRIu64, (uint64_t)(v)

static void stats_general(struct akv_conn *c)
{
	struct akv_store *s = c->s;
	const struct akv_settings *set = c->set;
	uint32_t now = akv_now(s);
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	st(c, "pid", "%ld", (long)getpid());
	st(c, "uptime", "%u", now - 60);
	st(c, "time", "%" PRId64, (int64_t)now + s->process_started);
	st(c, "version", "%s", AKV_VERSION);
	st(c, "libevent", "%s", "none");
	st(c, "pointer_size", "%d", (int)(8 * sizeof(void *)));
	st(c, "rusage_user", "%ld.%06ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
	st(c, "rusage_system", "%ld.%06ld", (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec);
	st(c, "max_connections", "%d", 1024);
	st(c, "curr_connections", "%d", set->threads);
	st(c, "total_connections", "%d", set->threads);
	st(c, "rejected_connections", "%d", 0);
	st(c, "connection_structures", "%d", set->threads);
	st(c, "response_obj_oom", "%d", 0);
	st(c, "response_obj_count", U64(c->nresp));
	st(c, "response_obj_bytes", U64(c->capresp * sizeof(struct akv_resp)));
	st(c, "read_buf_count", "%d", set->threads);
	st(c, "read_buf_bytes", U64((uint64_t)set->threads * AKV_READ_BUFFER));
	st(c, "read_buf_bytes_free", "%d", 0);
	st(c, "read_buf_oom", "%d", 0);
	st(c, "reserved_fds", "%d", 0);
	st(c, "cmd_get", U64(s->c.get_cmds));
	st(c, "cmd_set", U64(CLS_SUM(s, set_cmds)));
	st(c, "cmd_flush", U64(s->c.flush_cmds));
	st(c, "cmd_touch", U64(s->c.touch_cmds));
	st(c, "cmd_meta", U64(s->c.meta_cmds));
	st(c, "get_hits", U64(CLS_SUM(s, get_hits)));
	st(c, "get_misses", U64(s->c.get_misses));
	st(c, "get_expired", U64(s->c.get_expired));
	st(c, "get_flushed", U64(s->c.get_flushed));
	st(c, "delete_misses", U64(s->c.delete_misses));
	st(c, "delete_hits", U64(CLS_SUM(s, delete_hits)));
	st(c, "incr_misses", U64(s->c.incr_misses));
	st(c, "incr_hits", U64(CLS_SUM(s, incr_hits)));
	st(c, "decr_misses", U64(s->c.decr_misses));
	st(c, "decr_hits", U64(CLS_SUM(s, decr_hits)));
	st(c, "cas_misses", U64(s->c.cas_misses));
	st(c, "cas_hits", U64(CLS_SUM(s, cas_hits)));
	st(c, "cas_badval", U64(CLS_SUM(s, cas_badval)));
	st(c, "touch_hits", U64(CLS_SUM(s, touch_hits)));
	st(c, "touch_misses", U64(s->c.touch_misses));
	st(c, "store_too_large", U64(s->c.store_too_large));
	st(c, "store_no_memory", U64(s->c.store_no_memory));
	st(c, "auth_cmds", "%d", 0);
	st(c, "auth_errors", "%d", 0);
	st(c, "bytes_read", U64(s->c.bytes_read));
	st(c, "bytes_written", U64(s->c.bytes_written));
	st(c, "limit_maxbytes", U64(s->mem_limit));
	st(c, "accepting_conns", "%d", 1);
	st(c, "listen_disabled_num", "%d", 0);
	st(c, "time_in_listen_disabled_us", "%d", 0);
	st(c, "threads", "%d", set->threads);
	st(c, "conn_yields", U64(s->c.conn_yields));
	st(c, "hash_power_level", "%d", 16);
	st(c, "hash_bytes", U64(HASH_BUCKETS * sizeof(void *)));
	st(c, "hash_is_expanding", "%d", 0);
	if (set->lru_crawler) {
		st(c, "lru_crawler_running", "%d", 0);
		st(c, "lru_crawler_starts", U64(set->crawler_starts));
	}
	st(c, "lru_maintainer_juggles", "%d", 0);
	st(c, "malloc_fails", "%d", 0);
	st(c, "log_worker_dropped", "%d", 0);
	st(c, "log_worker_written", "%d", 0);
	st(c, "log_watcher_skipped", "%d", 0);
	st(c, "log_watcher_sent", "%d", 0);
	st(c, "log_watchers", "%d", 0);
	st(c, "unexpected_napi_ids", "%d", 0);
	st(c, "round_robin_fallback", "%d", 0);
	st(c, "bytes", U64(s->mem));
	st(c, "curr_items", U64(s->count));
	st(c, "total_items", U64(s->c.total_items));
	st(c, "slab_global_page_pool", "%d", 0);
	st(c, "expired_unfetched", U64(s->c.expired_unfetched));
	st(c, "evicted_unfetched", U64(s->c.evicted_unfetched));
	st(c, "evicted_active", U64(s->c.evicted_active));
	st(c, "evictions", U64(s->c.evictions));
	st(c, "reclaimed", U64(s->c.reclaimed));
	st(c, "crawler_reclaimed", U64(CLS_SUM(s, reclaimed)));
	st(c, "crawler_items_checked", "%d", 0);
	st(c, "lrutail_reflocked", "%d", 0);
	st(c, "moves_to_cold", "%d", 0);
	st(c, "moves_to_warm", "%d", 0);
	st(c, "moves_within_lru", "%d", 0);
	st(c, "direct_reclaims", "%d", 0);
	st(c, "lru_bumps_dropped", "%d", 0);
	end(c);
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

static void stats_settings(struct akv_conn *c)
{
	const struct akv_settings *set = c->set;

	st(c, "maxbytes", U64(c->s->mem_limit));
	st(c, "maxconns", "%d", 1024);
	st(c, "tcpport", "%d", 0);
	st(c, "udpport", "%u", set->port);
	st(c, "inter", "%s", "NULL");
	st(c, "verbosity", "%u", set->verbosity);
	st(c, "oldest", "%u", c->s->oldest_live);
	st(c, "evictions", "%s", "on");
	st(c, "domain_socket", "%s", "NULL");
	st(c, "umask", "%o", 0700);
	st(c, "shutdown_command", "%s", "no");
	st(c, "growth_factor", "%.2f", 1.25);
	st(c, "chunk_size", "%d", 48);
	st(c, "num_threads", "%d", set->threads);
	st(c, "num_threads_per_udp", "%d", set->threads);
	st(c, "stat_key_prefix", "%c", ':');
	st(c, "detail_enabled", "%s", yesno(set->detail_enabled));
	st(c, "reqs_per_event", "%d", AKV_REQS_PER_EVENT);
	st(c, "cas_enabled", "%s", "yes");
	st(c, "tcp_backlog", "%d", 1024);
	st(c, "binding_protocol", "%s", "ascii");
	st(c, "auth_enabled_sasl", "%s", "no");
	st(c, "auth_enabled_ascii", "%s", "no");
	st(c, "item_size_max", "%d", AKV_ITEM_SIZE_MAX);
	st(c, "maxconns_fast", "%s", "yes");
	st(c, "hashpower_init", "%d", 0);
	st(c, "slab_reassign", "%s", "no");
	st(c, "slab_automove", "%u", set->slab_automove);
	st(c, "slab_automove_ratio", "%.2f", set->slab_automove_ratio);
	st(c, "slab_automove_window", "%d", 30);
	st(c, "slab_chunk_max", "%d", AKV_SLAB_CHUNK_MAX);
	st(c, "lru_crawler", "%s", yesno(set->lru_crawler));
	st(c, "lru_crawler_sleep", "%u", set->lru_crawler_sleep);
	st(c, "lru_crawler_tocrawl", "%u", set->lru_crawler_tocrawl);
	st(c, "tail_repair_time", "%d", 0);
	st(c, "flush_enabled", "%s", "yes");
	st(c, "dump_enabled", "%s", "no");
	st(c, "hash_algorithm", "%s", "fnv1a_64");
	st(c, "lru_maintainer_thread", "%s", "yes");
	st(c, "lru_segmented", "%s", yesno(set->lru_segmented));
	st(c, "hot_lru_pct", "%u", set->hot_lru_pct);
	st(c, "warm_lru_pct", "%u", set->warm_lru_pct);
	st(c, "hot_max_factor", "%.2f", set->hot_max_factor);
	st(c, "warm_max_factor", "%.2f", set->warm_max_factor);
	st(c, "temp_lru", "%s", yesno(set->temp_lru));
	st(c, "temporary_ttl", "%d", set->temporary_ttl);
	st(c, "idle_timeout", "%d", 0);
	st(c, "watcher_logbuf_size", "%d", 262144);
	st(c, "worker_logbuf_size", "%d", 65536);
	st(c, "read_buf_mem_limit", "%d", 0);
	st(c, "track_sizes", "%s", yesno(set->sizes_enabled));
	st(c, "inline_ascii_response", "%s", "no");
	st(c, "ext_item_size", "%u", set->ext_item_size);
	st(c, "ext_item_age", "%u", set->ext_item_age);
	st(c, "ext_low_ttl", "%u", set->ext_low_ttl);
	st(c, "ext_recache_rate", "%u", set->ext_recache_rate);
	st(c, "ext_wbuf_size", "%d", 4194304);
	st(c, "ext_compact_under", "%u", set->ext_compact_under);
	st(c, "ext_drop_under", "%u", set->ext_drop_under);
	st(c, "ext_max_sleep", "%u", set->ext_max_sleep);
	st(c, "ext_max_frag", "%.2f", set->ext_max_frag);
	st(c, "slab_automove_freeratio", "%.3f", 0.01);
	st(c, "ext_drop_unread", "%s", yesno(set->ext_drop_unread));
	st(c, "ssl_enabled", "%s", "no");
	st(c, "ssl_chain_cert", "%s", "(null)");
	st(c, "ssl_key", "%s", "(null)");
	st(c, "ssl_verify_mode", "%d", 0);
	st(c, "ssl_keyformat", "%d", 1);
	st(c, "ssl_ciphers", "%s", "NULL");
	st(c, "ssl_ca_cert", "%s", "NULL");
	st(c, "ssl_wbuf_size", "%d", 16384);
	st(c, "ssl_session_cache", "%s", "no");
	st(c, "ssl_kernel_tls", "%s", "no");
	st(c, "ssl_min_version", "%s", "tlsv1.2");
	st(c, "num_napi_ids", "%s", "(null)");
	st(c, "memory_file", "%s", "(null)");
	end(c);
}

/* The age of the least recent item of a class: what memcached shows as its LRU tail's age. */
static uint32_t class_age(const struct akv_store *s, unsigned int id)
{
	const struct akv_item *it;

	for (it = s->tail; it; it = it->lprev)
		if (it->clsid == id)
			return akv_now(s) - it->time;
	return 0;
}

static void stats_items(struct akv_conn *c)
{
	const struct akv_store *s = c->s;
	unsigned int i;
	char k[48];

	for (i = 1; i < AKV_MAX_CLASSES; i++) {
		const struct akv_class_stats *cl = &s->cls[i];
		const struct {
			const char *name;
			uint64_t v;
		} f[] = {
			{ "number", cl->number },
			{ "number_hot", 0 },
			{ "number_warm", 0 },
			{ "number_cold", cl->number },
			{ "age_hot", 0 },
			{ "age_warm", 0 },
			{ "age", class_age(s, i) },
			{ "mem_requested", cl->mem_requested },
			{ "evicted", cl->evicted },
			{ "evicted_nonzero", 0 },
			{ "evicted_time", 0 },
			{ "outofmemory", 0 },
			{ "tailrepairs", 0 },
			{ "reclaimed", 0 },
			{ "expired_unfetched", cl->expired_unfetched },
			{ "evicted_unfetched", cl->evicted_unfetched },
			{ "evicted_active", 0 },
			{ "crawler_reclaimed", cl->reclaimed },
			{ "crawler_items_checked", 0 },
			{ "lrutail_reflocked", 0 },
			{ "moves_to_cold", 0 },
			{ "moves_to_warm", 0 },
			{ "moves_within_lru", 0 },
			{ "direct_reclaims", 0 },
			{ "hits_to_hot", 0 },
			{ "hits_to_warm", 0 },
			{ "hits_to_cold", cl->get_hits },
			{ "hits_to_temp", 0 },
		};
		size_t j;

		if (!cl->number)
			continue;
		for (j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
			snprintf(k, sizeof(k), "items:%u:%s", i, f[j].name);
			st(c, k, U64(f[j].v));
			if (!strcmp(f[j].name, "number_cold") && c->set->temp_lru) {
				snprintf(k, sizeof(k), "items:%u:number_temp", i);
				st(c, k, "%d", 0);
			}
		}
	}
	end(c);
}

static void stats_slabs(struct akv_conn *c)
{
	const struct akv_store *s = c->s;
	unsigned int i, active = 0;
	uint64_t malloced = 0;
	char k[48];

	for (i = 1; i <= akv_class_largest(); i++) {
		const struct akv_class_stats *cl = &s->cls[i];
		uint32_t size = akv_class_size(i), per = (1024 * 1024) / size;
		uint64_t pages = cl->pages;
		const struct {
			const char *name;
			uint64_t v;
		} f[] = {
			{ "chunk_size", size },
			{ "chunks_per_page", per },
			{ "total_pages", pages },
			{ "total_chunks", pages * per },
			{ "used_chunks", cl->number },
			{ "free_chunks", pages * per - cl->number },
			{ "free_chunks_end", 0 },
			{ "get_hits", cl->get_hits },
			{ "cmd_set", cl->set_cmds },
			{ "delete_hits", cl->delete_hits },
			{ "incr_hits", cl->incr_hits },
			{ "decr_hits", cl->decr_hits },
			{ "cas_hits", cl->cas_hits },
			{ "cas_badval", cl->cas_badval },
			{ "touch_hits", cl->touch_hits },
		};
		size_t j;

		if (!pages)
			continue;
		for (j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
			snprintf(k, sizeof(k), "%u:%s", i, f[j].name);
			st(c, k, U64(f[j].v));
		}
		active++;
		malloced += pages << 20;
	}
	st(c, "active_slabs", "%u", active);
	st(c, "total_malloced", U64(malloced));
	end(c);
}

/* Items stored since 'stats sizes_enable', by size in 32-byte steps. */
static void stats_sizes(struct akv_conn *c)
{
	const struct akv_store *s = c->s;
	const struct akv_item *it;
	uint32_t hist[AKV_ITEM_SIZE_MAX / 32 + 2] = { 0 };
	size_t i;
	char k[16];

	if (!c->set->sizes_enabled) {
		st(c, "sizes_status", "%s", "disabled");
		end(c);
		return;
	}
	for (it = s->head; it; it = it->lnext) {
		size_t n = akv_item_ntotal(it->nkey, it->flags, it->nbytes);

		if (it->cas >= c->set->sizes_cas)
			hist[n / 32 + (n % 32 != 0)]++;
	}
	for (i = 0; i < sizeof(hist) / sizeof(hist[0]); i++) {
		if (!hist[i])
			continue;
		snprintf(k, sizeof(k), "%zu", i * 32);
		st(c, k, "%u", hist[i]);
	}
	end(c);
}

static void stats_reset(struct akv_store *s)
{
	unsigned int i;

	memset(&s->c, 0, sizeof(s->c));
	for (i = 0; i < AKV_MAX_CLASSES; i++) {
		struct akv_class_stats *cl = &s->cls[i];
		uint64_t number = cl->number, mem = cl->mem_requested, pages = cl->pages;

		memset(cl, 0, sizeof(*cl));
		cl->number = number;
		cl->mem_requested = mem;
		cl->pages = pages;
	}
}

void akv_cmd_stats(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_resp *r = akv_cur(c);
	const char *sub = t[1].v;

	if (nt == 2) {
		stats_general(c);
	} else if (!strcmp(sub, "reset")) {
		stats_reset(c->s);
		akv_out_string(c, "RESET");
	} else if (!strcmp(sub, "detail")) {
		const char *what = nt < 4 ? "" : t[2].v;

		if (!strcmp(what, "on") || !strcmp(what, "off")) {
			c->set->detail_enabled = what[1] == 'n';
			akv_out_string(c, "OK");
		} else if (!strcmp(what, "dump")) {
			const struct akv_prefix *p;

			for (p = c->set->prefixes; p; p = p->next)
				akv_resp_printf(c, r,
						"PREFIX %s get %" PRIu64 " hit %" PRIu64
						" set %" PRIu64 " del %" PRIu64 "\r\n",
						p->p, p->gets, p->hits, p->sets, p->dels);
			end(c);
		} else {
			akv_out_string(c, "CLIENT_ERROR usage: stats detail on|off|dump");
		}
	} else if (!strcmp(sub, "settings")) {
		stats_settings(c);
	} else if (!strcmp(sub, "cachedump")) {
		akv_out_string(c, "CLIENT_ERROR stats cachedump not allowed");
	} else if (!strcmp(sub, "conns")) {
		int i;
		char k[48];

		for (i = 0; i < c->set->threads; i++) {
			snprintf(k, sizeof(k), "%d:UDP", i);
			st(c, k, "%s", "UDP");
			snprintf(k, sizeof(k), "%d:listen_addr", i);
			st(c, k, "udp:0.0.0.0:%u", c->set->port);
			snprintf(k, sizeof(k), "%d:state", i);
			st(c, k, "%s", "conn_parse_cmd");
		}
		end(c);
	} else if (!strcmp(sub, "extstore")) {
		end(c);
	} else if (!strcmp(sub, "items")) {
		stats_items(c);
	} else if (!strcmp(sub, "slabs")) {
		stats_slabs(c);
	} else if (!strcmp(sub, "sizes")) {
		stats_sizes(c);
	} else if (!strcmp(sub, "sizes_enable")) {
		if (!c->set->sizes_enabled) {
			c->set->sizes_enabled = true;
			c->set->sizes_cas = akv_next_cas(c->s); /* memcached spends one too */
		}
		st(c, "sizes_status", "%s", "enabled");
		c->state = AKV_CS_NEW_CMD;
	} else if (!strcmp(sub, "sizes_disable")) {
		c->set->sizes_enabled = false;
		st(c, "sizes_status", "%s", "disabled");
		c->state = AKV_CS_NEW_CMD;
	} else {
		akv_out_string(c, "ERROR");
	}
}
