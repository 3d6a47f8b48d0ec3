// SPDX-License-Identifier: GPL-2.0
/*
 * memcached 1.6.18's text commands (proto_text.c and the store logic of memcached.c), as a
 * client sees them: the same checks in the same order, the same replies, noreply silencing
 * what memcached silences.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "afxdp_kv/akv_int.h"

#define MAX_VERBOSITY 2
#define ITEM_UPDATE_INTERVAL 60

bool akv_item_size_ok(size_t nkey, uint32_t flags, size_t nbytes)
{
	return akv_clsid(akv_item_ntotal(nkey, flags, nbytes)) != 0;
}

struct akv_item *akv_item_alloc(struct akv_conn *c, const char *key, size_t nkey, uint32_t flags,
				uint32_t exptime, size_t nbytes)
{
	/* memcached's allocator fails when the cache cannot hold the item at all */
	if (akv_item_ntotal(nkey, flags, nbytes) > c->s->mem_limit)
		return NULL;
	return akv_item_new(key, nkey, flags, exptime, nbytes);
}

/* ---- storage: memcached's do_store_item ---- */

enum akv_stored akv_store_item(struct akv_conn *c, struct akv_item *it, int comm)
{
	struct akv_store *s = c->s;
	struct akv_item *old = akv_find(s, it->data, it->nkey, false), *new_it = NULL;
	enum akv_stored stored = AKV_NOT_STORED;
	uint64_t it_cas = it->cas; /* the one the command asked for */
	bool store = false;

	if (old) {
		enum { CAS_NONE, CAS_MATCH, CAS_BADVAL, CAS_STALE } res;

		res = !it_cas				  ? CAS_NONE
		      : it_cas == old->cas		  ? CAS_MATCH
		      : c->set_stale && it_cas < old->cas ? CAS_STALE
							  : CAS_BADVAL;
		switch (comm) {
		case AKV_ADD:
			akv_touch_lru(s, old);
			break;
		case AKV_CAS:
			if (res == CAS_MATCH || res == CAS_STALE) {
				if (res == CAS_STALE) {
					it->exptime = old->exptime;
					it->iflags |=
						AKV_IT_STALE | (old->iflags & AKV_IT_TOKEN_SENT);
				}
				s->cls[old->clsid].cas_hits++;
				store = true;
			} else {
				s->cls[old->clsid].cas_badval++;
				stored = AKV_EXISTS;
			}
			break;
		case AKV_APPEND:
		case AKV_PREPEND:
			if (res != CAS_NONE && res != CAS_MATCH) {
				stored = AKV_EXISTS;
				break;
			}
			new_it = akv_item_alloc(c, it->data, it->nkey, old->flags, old->exptime,
						(size_t)it->nbytes + old->nbytes);
			if (!new_it)
				break;
			if (comm == AKV_APPEND) {
				memcpy(akv_value(new_it), akv_value(old), old->nbytes);
				memcpy(akv_value(new_it) + old->nbytes, akv_value(it), it->nbytes);
			} else {
				memcpy(akv_value(new_it), akv_value(it), it->nbytes);
				memcpy(akv_value(new_it) + it->nbytes, akv_value(old), old->nbytes);
			}
			it = new_it;
			store = true;
			break;
		default: /* set, replace */
			store = true;
			break;
		}
		if (store) {
			akv_replace(s, old, it);
			stored = AKV_STORED;
		}
		akv_item_put(old);
	} else {
		switch (comm) {
		case AKV_ADD:
		case AKV_SET:
			store = akv_link(s, it);
			stored = store ? AKV_STORED : AKV_NOT_STORED;
			break;
		case AKV_CAS:
			stored = AKV_NOT_FOUND;
			s->c.cas_misses++;
			break;
		default:
			break;
		}
	}
	if (stored == AKV_STORED)
		c->cas = it->cas;
	akv_item_put(new_it);
	return stored;
}

/* ---- get, gets, gat, gats, bget ---- */

static void cmd_get(struct akv_conn *c, struct akv_tok *t, size_t nt, bool return_cas, bool touch)
{
	struct akv_store *s = c->s;
	struct akv_tok *kt = &t[1];
	uint32_t exptime = 0;
	int32_t e;
	bool fail_length = false;
	struct akv_resp *r = akv_cur(c);

	(void)nt;
	if (touch) {
		if (!akv_strtol(t[1].v, &e)) {
			akv_out_string(c, "CLIENT_ERROR invalid exptime argument");
			return;
		}
		kt++;
		exptime = akv_exptime(s, e);
	}
	do {
		while (kt->n) {
			struct akv_item *it;

			if (kt->n > AKV_KEY_MAX) {
				fail_length = true;
				goto stop;
			}
			it = akv_find(s, kt->v, kt->n, true);
			akv_prefix_record(c, kt->v, kt->n, 'g', it != NULL);
			if (touch && it)
				it->exptime = exptime;
			if (it) {
				akv_resp_printf(c, r, "VALUE %.*s %" PRIu32 " %" PRIu32, it->nkey,
						it->data, it->flags, it->nbytes);
				if (return_cas)
					akv_resp_printf(c, r, " %" PRIu64, it->cas);
				akv_resp_add(c, r, "\r\n", 2);
				akv_resp_value(c, r, it, true);
				akv_item_put(it);
				if (touch) {
					s->c.touch_cmds++;
					s->cls[it->clsid].touch_hits++;
				} else {
					s->cls[it->clsid].get_hits++;
					s->c.get_cmds++;
				}
			} else if (touch) {
				s->c.touch_cmds++;
				s->c.touch_misses++;
			} else {
				s->c.get_misses++;
				s->c.get_cmds++;
			}
			kt++;
			if (kt->n) {
				if (!akv_resp_start(c))
					goto stop;
				r = akv_cur(c);
			}
		}
		/* memcached reads a line of any length, 23 tokens at a time */
		if (kt->v) {
			akv_tokenize(kt->v, t, AKV_MAX_TOKENS);
			kt = t;
			if (!akv_resp_start(c))
				goto stop;
			r = akv_cur(c);
		}
	} while (kt->v);
stop:
	if (kt->v) {
		akv_release_items(c); /* what the datagram had answered so far goes too */
		if (!akv_resp_start(c)) {
			c->state = AKV_CS_CLOSING;
			return;
		}
		akv_out_string(c, fail_length ? "CLIENT_ERROR bad command line format"
					      : "SERVER_ERROR out of memory writing get response");
		return;
	}
	akv_resp_add(c, r, "END\r\n", 5);
	c->state = AKV_CS_MWRITE;
}

/* ---- set, add, replace, append, prepend, cas ---- */

static void cmd_update(struct akv_conn *c, struct akv_tok *t, size_t nt, int comm, bool cas)
{
	struct akv_store *s = c->s;
	struct akv_item *it;
	uint32_t flags;
	int32_t e, vlen;
	uint64_t req_cas = 0;

	akv_noreply_maybe(c, t, nt);
	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!(akv_strtoul(t[2].v, &flags) && akv_strtol(t[3].v, &e) && akv_strtol(t[4].v, &vlen))) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (cas && !akv_strtoull(t[5].v, &req_cas)) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (vlen < 0 || vlen > INT_MAX - 2) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	akv_prefix_record(c, t[1].v, t[1].n, 's', false);
	it = akv_item_alloc(c, t[1].v, t[1].n, flags, akv_exptime(s, e), (size_t)vlen);
	if (!it) {
		if (!akv_item_size_ok(t[1].n, flags, (size_t)vlen)) {
			akv_out_string(c, "SERVER_ERROR object too large for cache");
			s->c.store_too_large++;
		} else {
			akv_out_string(c, "SERVER_ERROR out of memory storing object");
			s->c.store_no_memory++;
		}
		c->state = AKV_CS_SWALLOW;
		c->sbytes = (size_t)vlen + 2;
		/* no stale value may stay behind a set that failed */
		if (comm == AKV_SET) {
			it = akv_find(s, t[1].v, t[1].n, false);
			if (it) {
				akv_unlink(s, it);
				akv_item_put(it);
			}
		}
		return;
	}
	it->cas = req_cas;
	c->item = it;
	c->ritem = 0;
	c->rl = (size_t)vlen + 2;
	c->cmd = comm;
	c->state = AKV_CS_NREAD;
}

void akv_complete_nread(struct akv_conn *c)
{
	struct akv_item *it = c->item;
	enum akv_stored ret;
	const char *v = akv_value(it);

	c->s->cls[it->clsid].set_cmds++;
	if (v[it->nbytes] != '\r' || v[it->nbytes + 1] != '\n') {
		if (c->mset)
			c->noreply = false;
		akv_out_string(c, "CLIENT_ERROR bad data chunk");
	} else {
		ret = akv_store_item(c, it, c->cmd);
		if (c->mset) {
			akv_finalize_mset(c, ret);
		} else {
			static const char *const out[] = { "NOT_STORED", "STORED", "EXISTS",
							   "NOT_FOUND" };

			akv_out_string(c, out[ret]);
		}
	}
	c->set_stale = false;
	c->mset = false;
	akv_item_put(c->item);
	c->item = NULL;
}

/* ---- touch, incr, decr, delete ---- */

static void cmd_touch(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_item *it;
	int32_t e;

	akv_noreply_maybe(c, t, nt);
	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!akv_strtol(t[2].v, &e)) {
		akv_out_string(c, "CLIENT_ERROR invalid exptime argument");
		return;
	}
	it = akv_find(s, t[1].v, t[1].n, true);
	s->c.touch_cmds++;
	if (it) {
		it->exptime = akv_exptime(s, e);
		s->cls[it->clsid].touch_hits++;
		akv_out_string(c, "TOUCHED");
		akv_item_put(it);
	} else {
		s->c.touch_misses++;
		akv_out_string(c, "NOT_FOUND");
	}
}

enum akv_delta akv_add_delta(struct akv_conn *c, const char *key, size_t nkey, bool incr,
			     uint64_t delta, char *buf, uint64_t *cas, struct akv_item **it_ret)
{
	struct akv_store *s = c->s;
	struct akv_item *it = akv_find(s, key, nkey, false);
	uint64_t value;
	size_t res;
	char num[32];

	if (!it)
		return AKV_DELTA_NOT_FOUND;
	/* empty, or a chunked item (too large to be a number) */
	if (!it->nbytes || akv_item_ntotal(it->nkey, it->flags, it->nbytes) > AKV_SLAB_CHUNK_MAX) {
		akv_item_put(it);
		return AKV_NON_NUMERIC;
	}
	if (cas && *cas && it->cas != *cas) {
		akv_item_put(it);
		return AKV_CAS_MISMATCH;
	}
	{
		/* strtoull over the value and its \r\n: spaces before, anything after a space */
		size_t n = it->nbytes < sizeof(num) - 3 ? it->nbytes : sizeof(num) - 3;

		memcpy(num, akv_value(it), n);
		memcpy(num + n, "\r\n", 3);
		if (!akv_strtoull(num, &value)) {
			akv_item_put(it);
			return AKV_NON_NUMERIC;
		}
	}
	if (incr)
		value += delta;
	else
		value = delta > value ? 0 : value - delta;
	if (incr)
		s->cls[it->clsid].incr_hits++;
	else
		s->cls[it->clsid].decr_hits++;
	res = (size_t)snprintf(buf, 24, "%" PRIu64, value);
	if (res <= it->nbytes && it->refcount == 2) {
		/* no one else holds it: rewritten in place, padded with spaces, a new CAS */
		it->cas = akv_next_cas(s);
		memcpy(akv_value(it), buf, res);
		memset(akv_value(it) + res, ' ', it->nbytes - res);
		akv_touch_lru(s, it);
	} else if (it->refcount > 1) {
		struct akv_item *n =
			akv_item_alloc(c, it->data, it->nkey, it->flags, it->exptime, res);

		if (!n) {
			akv_item_put(it);
			return AKV_EOM;
		}
		memcpy(akv_value(n), buf, res);
		akv_replace(s, it, n);
		it->cas = n->cas; /* the old item answers with the new CAS */
		akv_item_put(n);
	} else {
		akv_item_put(it);
		return AKV_DELTA_NOT_FOUND;
	}
	if (cas)
		*cas = it->cas;
	if (it_ret)
		*it_ret = it;
	else
		akv_item_put(it);
	return AKV_DELTA_OK;
}

static void cmd_arithmetic(struct akv_conn *c, struct akv_tok *t, size_t nt, bool incr)
{
	uint64_t delta;
	char buf[24];

	akv_noreply_maybe(c, t, nt);
	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!akv_strtoull(t[2].v, &delta)) {
		akv_out_string(c, "CLIENT_ERROR invalid numeric delta argument");
		return;
	}
	switch (akv_add_delta(c, t[1].v, t[1].n, incr, delta, buf, NULL, NULL)) {
	case AKV_DELTA_OK:
		akv_out_string(c, buf);
		break;
	case AKV_NON_NUMERIC:
		akv_out_string(c, "CLIENT_ERROR cannot increment or decrement non-numeric value");
		break;
	case AKV_EOM:
		akv_out_string(c, "SERVER_ERROR out of memory");
		break;
	case AKV_DELTA_NOT_FOUND:
		if (incr)
			c->s->c.incr_misses++;
		else
			c->s->c.decr_misses++;
		akv_out_string(c, "NOT_FOUND");
		break;
	case AKV_CAS_MISMATCH:
		break;
	}
}

static void cmd_delete(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_item *it;

	if (nt > 3) {
		bool zero = !strcmp(t[2].v, "0"), noreply = akv_noreply_maybe(c, t, nt);

		if (!((nt == 4 && (zero || noreply)) || (nt == 5 && zero && noreply))) {
			akv_out_string(c, "CLIENT_ERROR bad command line format.  "
					  "Usage: delete <key> [noreply]");
			return;
		}
	}
	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	akv_prefix_record(c, t[1].v, t[1].n, 'd', false);
	it = akv_find(c->s, t[1].v, t[1].n, false);
	if (it) {
		c->s->cls[it->clsid].delete_hits++;
		akv_unlink(c->s, it);
		akv_item_put(it);
		akv_out_string(c, "DELETED");
	} else {
		c->s->c.delete_misses++;
		akv_out_string(c, "NOT_FOUND");
	}
}

/* ---- flush_all, verbosity ---- */

static void cmd_flush_all(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	int32_t e = 0;
	uint32_t new_oldest;

	akv_noreply_maybe(c, t, nt);
	s->c.flush_cmds++;
	if (nt != (c->noreply ? 3u : 2u) && !akv_strtol(t[1].v, &e)) {
		akv_out_string(c, "CLIENT_ERROR invalid exptime argument");
		return;
	}
	/*
	 * A delay replaces any pending one; a flush now spends a CAS unique. What a flush that has
	 * come took goes for good, as memcached's LRU maintainer takes flushed items off its LRU
	 * tails within moments: a later flush_all (a delay, a time long past) does not bring it
	 * back.
	 */
	if (s->oldest_live && s->oldest_live <= akv_now(s))
		akv_reclaim(s);
	new_oldest = e > 0 ? akv_realtime(s, e) : akv_now(s);
	s->oldest_live = new_oldest - 1;
	if (s->oldest_live <= akv_now(s)) {
		s->oldest_cas = akv_next_cas(s);
		akv_reclaim(s);
	}
	akv_out_string(c, "OK");
}

static void cmd_verbosity(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	uint32_t level;

	akv_noreply_maybe(c, t, nt);
	if (!akv_strtoul(t[1].v, &level)) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	c->set->verbosity = level > MAX_VERBOSITY ? MAX_VERBOSITY : level;
	akv_out_string(c, "OK");
}

/* ---- the dispatcher: memcached's process_command_ascii ---- */

static bool is(const struct akv_tok *t, const char *w)
{
	return !strcmp(t->v, w);
}

/* memcached's WANT_TOKENS: anything else is ERROR */
static bool want(struct akv_conn *c, size_t nt, size_t min, size_t max)
{
	if (nt < min || nt > max) {
		akv_out_string(c, "ERROR");
		return false;
	}
	return true;
}

static bool want_or(struct akv_conn *c, size_t nt, size_t a, size_t b)
{
	if (nt != a && nt != b) {
		akv_out_string(c, "ERROR");
		return false;
	}
	return true;
}

void akv_process_command(struct akv_conn *c, char *line)
{
	struct akv_tok t[AKV_MAX_TOKENS];
	size_t nt;
	char first;

	if (!akv_resp_start(c)) {
		c->state = AKV_CS_CLOSING;
		return;
	}
	c->state = AKV_CS_NEW_CMD;
	nt = akv_tokenize(line, t, AKV_MAX_TOKENS);
	if (nt < 2 || t[0].n < 2) {
		akv_out_string(c, "ERROR");
		return;
	}
	first = t[0].v[0];
	/* memcached's order: the first letter, then the name; ERROR for the rest of a letter */
	if (first == 'm' && t[0].n == 2) {
		akv_cmd_meta(c, t, nt);
	} else if (first == 'g') {
		if (!want(c, nt, 3, SIZE_MAX))
			return;
		if (is(&t[0], "get") || is(&t[0], "gets") || is(&t[0], "gat") || is(&t[0], "gats"))
			cmd_get(c, t, nt, t[0].n == 4, t[0].v[1] == 'a');
		else
			akv_out_string(c, "ERROR");
	} else if (first == 's') {
		if (is(&t[0], "set")) {
			if (want_or(c, nt, 6, 7))
				cmd_update(c, t, nt, AKV_SET, false);
		} else if (is(&t[0], "stats")) {
			akv_cmd_stats(c, t, nt);
		} else if (is(&t[0], "shutdown") || is(&t[0], "slabs")) {
			akv_cmd_admin(c, t, nt);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (first == 'a') {
		if (is(&t[0], "add") || is(&t[0], "append")) {
			if (want_or(c, nt, 6, 7))
				cmd_update(c, t, nt, t[0].v[1] == 'd' ? AKV_ADD : AKV_APPEND,
					   false);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (first == 'c') {
		if (is(&t[0], "cas")) {
			if (want_or(c, nt, 7, 8))
				cmd_update(c, t, nt, AKV_CAS, true);
		} else if (is(&t[0], "cache_memlimit")) {
			if (want_or(c, nt, 3, 4))
				akv_cmd_admin(c, t, nt);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (first == 'i') {
		if (is(&t[0], "incr")) {
			if (want_or(c, nt, 4, 5))
				cmd_arithmetic(c, t, nt, true);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (first == 'd') {
		if (is(&t[0], "delete")) {
			if (want(c, nt, 3, 5))
				cmd_delete(c, t, nt);
		} else if (is(&t[0], "decr")) {
			if (want_or(c, nt, 4, 5))
				cmd_arithmetic(c, t, nt, false);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (first == 't') {
		if (is(&t[0], "touch")) {
			if (want_or(c, nt, 4, 5))
				cmd_touch(c, t, nt);
		} else {
			akv_out_string(c, "ERROR");
		}
	} else if (is(&t[0], "replace") || is(&t[0], "prepend")) {
		if (want_or(c, nt, 6, 7))
			cmd_update(c, t, nt, t[0].v[0] == 'r' ? AKV_REPLACE : AKV_PREPEND, false);
	} else if (is(&t[0], "bget")) {
		if (want(c, nt, 3, SIZE_MAX))
			cmd_get(c, t, nt, false, false);
	} else if (is(&t[0], "flush_all")) {
		if (want(c, nt, 2, 4))
			cmd_flush_all(c, t, nt);
	} else if (is(&t[0], "version")) {
		akv_out_string(c, "VERSION " AKV_VERSION);
	} else if (is(&t[0], "quit")) {
		c->state = AKV_CS_MWRITE;
		c->close_after_write = true;
	} else if (is(&t[0], "verbosity")) {
		if (want_or(c, nt, 3, 4))
			cmd_verbosity(c, t, nt);
	} else if (is(&t[0], "lru") || is(&t[0], "extstore")) {
		if (want(c, nt, 3, SIZE_MAX))
			akv_cmd_admin(c, t, nt);
	} else if (is(&t[0], "lru_crawler") || is(&t[0], "watch") || is(&t[0], "refresh_certs")) {
		akv_cmd_admin(c, t, nt);
	} else if (t[nt - 2].v && !strncmp(t[nt - 2].v, "HTTP/", 5)) {
		c->state = AKV_CS_CLOSING; /* an HTTP request: memcached hangs up */
	} else {
		akv_out_string(c, "ERROR");
	}
}
