// SPDX-License-Identifier: GPL-2.0
/*
 * memcached 1.6.18's administrative commands (shutdown, slabs, cache_memlimit, lru_crawler,
 * watch, lru, extstore, refresh_certs), answered as a memcached started with '-X -W -o
 * no_slab_reassign' answers them: dumps, watchers and page moves cannot work over UDP or have
 * no slabs behind them here; settings a client may change are changed.
 */
#include <string.h>

#include "afxdp_kv/akv_int.h"

static bool is(const struct akv_tok *t, const char *w)
{
	return t->v && !strcmp(t->v, w);
}

static void lru_crawler(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_settings *set = c->set;
	uint32_t v;

	if (nt == 4 && is(&t[1], "crawl")) {
		char *save = NULL, *p;

		if (!set->lru_crawler) {
			akv_out_string(c, "CLIENT_ERROR lru crawler disabled");
			return;
		}
		if (is(&t[2], "hash")) {
			akv_out_string(c, "ERROR an unknown error happened");
			return;
		}
		if (!is(&t[2], "all")) {
			for (p = strtok_r(t[2].v, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
				if (!akv_strtoul(p, &v) || v < 1 || v >= AKV_MAX_CLASSES) {
					akv_out_string(c, "BADCLASS invalid class id");
					return;
				}
			}
		}
		akv_reclaim(c->s);
		set->crawler_starts++;
		akv_out_string(c, "OK");
	} else if (nt == 4 && is(&t[1], "metadump")) {
		akv_out_string(c, set->lru_crawler ? "ERROR metadump not allowed"
						   : "CLIENT_ERROR lru crawler disabled");
	} else if (nt == 4 && (is(&t[1], "tocrawl") || is(&t[1], "sleep"))) {
		if (!akv_strtoul(t[2].v, &v)) {
			akv_out_string(c, "CLIENT_ERROR bad command line format");
		} else if (is(&t[1], "tocrawl")) {
			set->lru_crawler_tocrawl = v;
			akv_out_string(c, "OK");
		} else if (v > 1000000) {
			akv_out_string(c, "CLIENT_ERROR sleep must be one second or less");
		} else {
			set->lru_crawler_sleep = v;
			akv_out_string(c, "OK");
		}
	} else if (nt == 3 && is(&t[1], "enable")) {
		if (set->lru_crawler) {
			akv_out_string(c, "ERROR failed to start lru crawler thread");
		} else {
			set->lru_crawler = true;
			akv_out_string(c, "OK");
		}
	} else if (nt == 3 && is(&t[1], "disable")) {
		set->lru_crawler = false;
		akv_out_string(c, "OK");
	} else {
		akv_out_string(c, "ERROR");
	}
}

static void lru(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_settings *set = c->set;
	uint32_t hot, warm;
	double hf, f;
	int32_t ttl;

	akv_noreply_maybe(c, t, nt);
	if (is(&t[1], "tune") && nt >= 7) {
		if (!akv_strtoul(t[2].v, &hot) || !akv_strtoul(t[3].v, &warm) ||
		    !akv_strtod(t[4].v, &hf) || !akv_strtod(t[5].v, &f)) {
			akv_out_string(c, "ERROR");
		} else if (hot + warm > 80) {
			akv_out_string(c, "ERROR hot and warm pcts must not exceed 80");
		} else if (f <= 0 || hf <= 0) {
			akv_out_string(c, "ERROR hot/warm age factors must be greater than 0");
		} else {
			set->hot_lru_pct = hot;
			set->warm_lru_pct = warm;
			set->hot_max_factor = hf;
			set->warm_max_factor = f;
			akv_out_string(c, "OK");
		}
	} else if (is(&t[1], "mode") && nt >= 4) {
		if (is(&t[2], "flat") || is(&t[2], "segmented")) {
			set->lru_segmented = t[2].v[0] == 's';
			akv_out_string(c, "OK");
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (is(&t[1], "temp_ttl") && nt >= 4) {
		if (!akv_strtol(t[2].v, &ttl)) {
			akv_out_string(c, "ERROR");
		} else {
			set->temp_lru = ttl >= 0;
			if (ttl >= 0)
				set->temporary_ttl = ttl;
			akv_out_string(c, "OK");
		}
	} else {
		akv_out_string(c, "ERROR");
	}
}

static void extstore(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_settings *set = c->set;
	const struct {
		const char *name;
		uint32_t *v;
	} u[] = {
		{ "item_size", &set->ext_item_size },
		{ "item_age", &set->ext_item_age },
		{ "low_ttl", &set->ext_low_ttl },
		{ "recache_rate", &set->ext_recache_rate },
		{ "compact_under", &set->ext_compact_under },
		{ "drop_under", &set->ext_drop_under },
		{ "max_sleep", &set->ext_max_sleep },
	};
	bool ok = false;
	uint32_t a, b;
	size_t i;

	akv_noreply_maybe(c, t, nt);
	if (nt < 4) {
		ok = false;
	} else if (is(&t[1], "free_memchunks") && nt > 4) {
		ok = akv_strtoul(t[2].v, &a) && akv_strtoul(t[3].v, &b) && a < AKV_MAX_CLASSES;
	} else if (is(&t[1], "max_frag")) {
		ok = akv_strtod(t[2].v, &set->ext_max_frag);
	} else if (is(&t[1], "drop_unread")) {
		ok = akv_strtoul(t[2].v, &a);
		if (ok)
			set->ext_drop_unread = a != 0;
	} else {
		for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
			if (is(&t[1], u[i].name))
				ok = akv_strtoul(t[2].v, u[i].v);
	}
	akv_out_string(c, ok ? "OK" : "ERROR");
}

static void cache_memlimit(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	uint32_t mb;

	akv_noreply_maybe(c, t, nt);
	if (!akv_strtoul(t[1].v, &mb)) {
		akv_out_string(c, "ERROR");
	} else if (mb < 8) {
		akv_out_string(c, "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m");
	} else if (mb > 1000000000) {
		akv_out_string(c, "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes");
	} else {
		c->s->mem_limit = (size_t)mb << 20; /* the least recent go as items come */
		akv_out_string(c, "OK");
	}
}

static void slabs(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	uint32_t level;
	double ratio;

	if (nt == 5 && is(&t[1], "reassign")) {
		akv_out_string(c, "CLIENT_ERROR slab reassignment disabled");
	} else if (nt >= 4 && is(&t[1], "automove")) {
		akv_noreply_maybe(c, t, nt);
		if (is(&t[2], "ratio")) {
			if (nt < 5 || !akv_strtod(t[3].v, &ratio)) {
				akv_out_string(c, "ERROR");
				return;
			}
			c->set->slab_automove_ratio = ratio;
		} else {
			if (!akv_strtoul(t[2].v, &level)) {
				akv_out_string(c, "CLIENT_ERROR bad command line format");
				return;
			}
			if (level > 2) {
				akv_out_string(c, "ERROR");
				return;
			}
			c->set->slab_automove = level;
		}
		akv_out_string(c, "OK");
	} else {
		akv_out_string(c, "ERROR");
	}
}

void akv_cmd_admin(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	if (is(&t[0], "shutdown")) {
		akv_out_string(c, "ERROR: shutdown not enabled");
	} else if (is(&t[0], "slabs")) {
		slabs(c, t, nt);
	} else if (is(&t[0], "cache_memlimit")) {
		cache_memlimit(c, t, nt);
	} else if (is(&t[0], "lru_crawler")) {
		lru_crawler(c, t, nt);
	} else if (is(&t[0], "watch")) {
		akv_noreply_maybe(c, t, nt);
		akv_out_string(c, "CLIENT_ERROR watch commands not allowed");
	} else if (is(&t[0], "lru")) {
		lru(c, t, nt);
	} else if (is(&t[0], "extstore")) {
		extstore(c, t, nt);
	} else if (is(&t[0], "refresh_certs")) {
		akv_noreply_maybe(c, t, nt);
		akv_resp_reset(c, akv_cur(c));
		akv_resp_add(c, akv_cur(c), "Error TLS not enabled\r\n", 23);
		c->state = AKV_CS_NEW_CMD;
	}
}
