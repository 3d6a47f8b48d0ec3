// SPDX-License-Identifier: GPL-2.0
/*
 * memcached 1.6.18's meta commands: mn, mg, ms, md, ma and me, with their flags, base64 keys,
 * stale items and win tokens, and their replies (HD, VA, EN, NF, NS, EX, MN, ME).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "afxdp_kv/akv_int.h"

/* " O<opaque>": false when it is too long */
static bool opaque(struct akv_conn *c, struct akv_resp *r, const struct akv_tok *t)
{
	if (t->n > MFLAG_MAX_OPAQUE_LENGTH)
		return false;
	akv_resp_add(c, r, " ", 1);
	akv_resp_add(c, r, t->v, t->n);
	return true;
}

static void ttl(struct akv_conn *c, struct akv_resp *r, const struct akv_item *it)
{
	if (!it->exptime)
		akv_resp_add(c, r, " t-1", 4);
	else
		akv_resp_printf(c, r, " t%" PRIu32, it->exptime - akv_now(c->s));
}

/* ---- me, mg ---- */

static void cmd_me(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_item *it;
	size_t nkey = t[1].n;

	if (nt < 3 || t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (nt >= 4 && t[2].n == 1 && t[2].v[0] == 'b') {
		nkey = akv_b64_decode((unsigned char *)t[1].v, t[1].n);
		if (!nkey) {
			akv_out_string(c, "CLIENT_ERROR bad command line format");
			return;
		}
	}
	it = akv_find(s, t[1].v, nkey, false);
	if (it) {
		struct akv_resp *r = akv_cur(c);
		uint32_t now = akv_now(s);

		akv_resp_add(c, r, "ME ", 3);
		if (it->iflags & AKV_IT_KEY_BINARY)
			akv_b64_encode(c, r, (const unsigned char *)it->data, it->nkey);
		else
			akv_resp_add(c, r, it->data, it->nkey);
		akv_resp_printf(
			c, r, " exp=%d la=%" PRIu32 " cas=%" PRIu64 " fetch=%s cls=%u size=%zu\r\n",
			it->exptime ? (int32_t)(now - it->exptime) : -1, now - it->time, it->cas,
			it->iflags & AKV_IT_FETCHED ? "yes" : "no", it->clsid,
			akv_item_ntotal(it->nkey, it->flags, it->nbytes));
		akv_item_put(it);
		c->state = AKV_CS_NEW_CMD;
	} else {
		akv_out_string(c, "EN");
	}
	s->c.meta_cmds++;
}

static void cmd_mg(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_meta_flags of = { 0 };
	const char *err = "CLIENT_ERROR bad command line format";
	struct akv_resp *r = akv_cur(c);
	struct akv_item *it;
	bool created = false, won = false, ttl_set = false;
	size_t i;

	if (t[1].n > AKV_KEY_MAX) {
		akv_out_errstring(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (nt > MFLAG_MAX_OPT_LENGTH) {
		akv_out_errstring(c, "CLIENT_ERROR options flags are too long");
		return;
	}
	if (akv_meta_preparse(c, t, 2, &of, &err)) {
		akv_out_errstring(c, err);
		return;
	}
	c->noreply = of.no_reply;
	it = akv_find(s, t[1].v, t[1].n, !of.locked && !of.no_update);
	if (!it && of.vivify) {
		it = akv_item_alloc(c, t[1].v, t[1].n, 0, 0, 0);
		created = it && akv_link(s, it);
		if (!created) {
			akv_item_put(it);
			it = NULL;
		}
	}
	if (it) {
		if (of.value)
			akv_resp_printf(c, r, "VA %" PRIu32, it->nbytes);
		else
			akv_resp_add(c, r, "HD", 2);
		for (i = 2; i < nt - 1; i++) {
			switch (t[i].v[0]) {
			case 'T':
				ttl_set = true;
				it->exptime = of.exptime;
				break;
			case 'N':
				if (created) {
					it->exptime = of.autoviv_exptime;
					won = true;
				}
				break;
			case 'R':
				if (!(it->iflags & AKV_IT_TOKEN_SENT) && !created && it->exptime &&
				    it->exptime < of.recache_time)
					won = true;
				break;
			case 's':
				akv_resp_printf(c, r, " s%" PRIu32, it->nbytes);
				break;
			case 't':
				ttl(c, r, it);
				break;
			case 'c':
				akv_resp_printf(c, r, " c%" PRIu64, it->cas);
				break;
			case 'f':
				akv_resp_printf(c, r, " f%" PRIu32, it->flags);
				break;
			case 'l':
				akv_resp_printf(c, r, " l%" PRIu32, akv_now(s) - it->time);
				break;
			case 'h':
				akv_resp_add(c, r, it->iflags & AKV_IT_FETCHED ? " h1" : " h0", 3);
				break;
			case 'O':
				if (!opaque(c, r, &t[i])) {
					err = "CLIENT_ERROR opaque token too long";
					akv_item_put(it);
					akv_out_errstring(c, err);
					return;
				}
				break;
			case 'k':
				akv_meta_key(c, r, it->data, it->nkey,
					     it->iflags & AKV_IT_KEY_BINARY);
				break;
			}
		}
		if (it->iflags & AKV_IT_TOKEN_SENT)
			akv_resp_add(c, r, " Z", 2);
		if (it->iflags & AKV_IT_STALE) {
			akv_resp_add(c, r, " X", 2);
			if (!(it->iflags & AKV_IT_TOKEN_SENT))
				won = true;
		}
		if (won) {
			akv_resp_add(c, r, " W", 2);
			it->iflags |= AKV_IT_TOKEN_SENT;
		}
		akv_resp_add(c, r, "\r\n", 2);
		akv_resp_value(c, r, it, of.value);
		if (!of.value)
			r->vlen = 0; /* held for the key, as memcached holds it */
		if (of.locked && !of.no_update)
			akv_bump(s, it);
		if (ttl_set) {
			s->c.touch_cmds++;
			s->cls[it->clsid].touch_hits++;
		} else {
			s->cls[it->clsid].get_hits++;
			s->c.get_cmds++;
		}
		akv_item_put(it);
		c->state = AKV_CS_NEW_CMD;
		return;
	}
	s->c.get_misses++;
	s->c.get_cmds++;
	if (c->noreply)
		r->skip = true;
	akv_resp_add(c, r, "EN", 2);
	for (i = 2; i < nt - 1; i++) {
		if (t[i].v[0] == 'O' && !opaque(c, r, &t[i])) {
			akv_out_errstring(c, "CLIENT_ERROR opaque token too long");
			return;
		}
		if (t[i].v[0] == 'k')
			akv_meta_key(c, r, t[1].v, t[1].n, of.key_binary);
	}
	akv_resp_add(c, r, "\r\n", 2);
	c->state = AKV_CS_NEW_CMD;
}

/* ---- ms ---- */

static void cmd_ms(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_meta_flags of = { 0 };
	const char *err = "CLIENT_ERROR bad command line format";
	struct akv_item *it;
	int comm = AKV_SET;
	bool has_error = false;
	int32_t vlen;
	size_t i;

	if (t[1].n > AKV_KEY_MAX || nt == 3) {
		akv_out_errstring(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (nt > MFLAG_MAX_OPT_LENGTH) {
		akv_out_errstring(c, "CLIENT_ERROR options flags too long");
		return;
	}
	if (!akv_strtol(t[2].v, &vlen) || vlen < 0 || vlen > INT_MAX - 2) {
		akv_out_errstring(c, "CLIENT_ERROR bad command line format");
		return;
	}
	vlen += 2;
	if (akv_meta_preparse(c, t, 3, &of, &err))
		goto error;
	c->noreply = of.no_reply;
	c->cas = 0;
	c->nstash = 0;
	for (i = 2; i < nt - 1; i++) {
		const char *add = NULL;
		size_t n = 0;

		if (t[i].v[0] == 'O') {
			if (t[i].n > MFLAG_MAX_OPAQUE_LENGTH) {
				err = "CLIENT_ERROR opaque token too long";
				has_error = true;
				continue;
			}
			c->stash[c->nstash++] = ' ';
			add = t[i].v;
			n = t[i].n;
		} else if (t[i].v[0] == 'k' || t[i].v[0] == 'c') {
			c->stash[c->nstash++] = ' ';
			add = t[i].v;
			n = 1;
		}
		if (add && c->nstash + n < sizeof(c->stash)) {
			memcpy(c->stash + c->nstash, add, n);
			c->nstash += n;
		}
	}
	switch (of.mode) {
	case 0:
	case 'S':
		break;
	case 'E':
		comm = AKV_ADD;
		break;
	case 'A':
		comm = AKV_APPEND;
		break;
	case 'P':
		comm = AKV_PREPEND;
		break;
	case 'R':
		comm = AKV_REPLACE;
		break;
	default:
		err = "CLIENT_ERROR invalid mode for ms M token";
		goto error;
	}
	if (of.has_cas && (comm == AKV_SET || comm == AKV_REPLACE))
		comm = AKV_CAS;
	if (has_error)
		goto error;
	it = akv_item_alloc(c, t[1].v, t[1].n, of.client_flags, of.exptime, (size_t)vlen - 2);
	if (!it) {
		if (!akv_item_size_ok(t[1].n, of.client_flags, (size_t)vlen - 2)) {
			err = "SERVER_ERROR object too large for cache";
			s->c.store_too_large++;
		} else {
			err = "SERVER_ERROR out of memory storing object";
			s->c.store_no_memory++;
		}
		it = akv_find(s, t[1].v, t[1].n, false);
		if (it) {
			akv_unlink(s, it);
			akv_item_put(it);
		}
		goto error;
	}
	it->cas = of.req_cas;
	if (of.key_binary)
		it->iflags |= AKV_IT_KEY_BINARY;
	c->item = it;
	c->ritem = 0;
	c->rl = (size_t)vlen;
	c->cmd = comm;
	c->set_stale = of.set_stale && comm == AKV_CAS;
	c->mset = true;
	c->state = AKV_CS_NREAD;
	return;
error:
	c->sbytes = (size_t)vlen;
	akv_out_errstring(c, err);
	c->state = AKV_CS_SWALLOW;
}

void akv_finalize_mset(struct akv_conn *c, enum akv_stored ret)
{
	static const char *const code[] = { "NS", "HD", "EX", "NF" };
	struct akv_resp *r = akv_cur(c);
	struct akv_item *it = c->item;
	size_t i;

	c->state = AKV_CS_NEW_CMD;
	if (ret == AKV_STORED && c->noreply)
		r->skip = true;
	akv_resp_add(c, r, code[ret], 2);
	for (i = 0; i < c->nstash; i++) {
		switch (c->stash[i]) {
		case 'O':
			akv_resp_add(c, r, " ", 1);
			while (i < c->nstash && c->stash[i] != ' ')
				akv_resp_add(c, r, &c->stash[i++], 1);
			break;
		case 'k':
			akv_meta_key(c, r, it->data, it->nkey, it->iflags & AKV_IT_KEY_BINARY);
			break;
		case 'c':
			akv_resp_printf(c, r, " c%" PRIu64, c->cas);
			break;
		}
	}
	akv_resp_add(c, r, "\r\n", 2);
}

/* ---- md ---- */

static void cmd_md(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_meta_flags of = { 0 };
	const char *err = "CLIENT_ERROR bad command line format";
	struct akv_resp *r = akv_cur(c);
	struct akv_item *it;
	const char *code;
	char flags[AKV_WRITE_BUFFER];
	size_t i, nflags;

	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (nt > MFLAG_MAX_OPT_LENGTH) {
		akv_out_string(c, "CLIENT_ERROR options flags too long");
		return;
	}
	if (akv_meta_preparse(c, t, 2, &of, &err)) {
		akv_out_errstring(c, "CLIENT_ERROR invalid or duplicate flag");
		return;
	}
	c->noreply = of.no_reply;
	/* the flags first, the code put before them once known */
	for (i = 2; i < nt - 1; i++) {
		if (t[i].v[0] == 'O' && !opaque(c, r, &t[i])) {
			akv_out_errstring(c, "CLIENT_ERROR opaque token too long");
			return;
		}
		if (t[i].v[0] == 'k')
			akv_meta_key(c, r, t[1].v, t[1].n, of.key_binary);
	}
	nflags = r->nhead < sizeof(flags) ? r->nhead : sizeof(flags);
	if (nflags)
		memcpy(flags, c->txt + r->head, nflags);
	it = akv_find(s, t[1].v, t[1].n, false);
	if (!it) {
		s->c.delete_misses++;
		code = "NF";
	} else if (of.has_cas && it->cas != of.req_cas) {
		s->c.delete_misses++;
		code = "EX";
	} else if (of.set_stale) {
		/* marked stale, not deleted: a new CAS, and the next fetch may win */
		if (of.new_ttl)
			it->exptime = of.exptime;
		it->iflags |= AKV_IT_STALE;
		it->iflags &= (uint16_t)~AKV_IT_TOKEN_SENT;
		it->cas = akv_next_cas(s);
		r->skip = c->noreply;
		code = "HD";
	} else {
		s->cls[it->clsid].delete_hits++;
		akv_unlink(s, it);
		r->skip = c->noreply;
		code = "HD";
	}
	akv_item_put(it);
	r->nhead = 0;
	akv_resp_add(c, r, code, 2);
	akv_resp_add(c, r, flags, nflags);
	akv_resp_add(c, r, "\r\n", 2);
	c->state = AKV_CS_NEW_CMD;
}

/* ---- ma ---- */

static void cmd_ma(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	struct akv_store *s = c->s;
	struct akv_meta_flags of = { .delta = 1 };
	const char *err = "CLIENT_ERROR bad command line format";
	struct akv_resp *r = akv_cur(c);
	struct akv_item *it = NULL;
	bool incr = true, created = false;
	char num[24];
	size_t i;

	if (t[1].n > AKV_KEY_MAX) {
		akv_out_string(c, "CLIENT_ERROR bad command line format");
		return;
	}
	if (nt > MFLAG_MAX_OPT_LENGTH) {
		akv_out_string(c, "CLIENT_ERROR options flags too long");
		return;
	}
	if (akv_meta_preparse(c, t, 2, &of, &err)) {
		akv_out_errstring(c, "CLIENT_ERROR invalid or duplicate flag");
		return;
	}
	c->noreply = of.no_reply;
	switch (of.mode) {
	case 0:
	case 'I':
	case '+':
		break;
	case 'D':
	case '-':
		incr = false;
		break;
	default:
		akv_out_errstring(c, "CLIENT_ERROR invalid mode for ma M token");
		return;
	}
	switch (akv_add_delta(c, t[1].v, t[1].n, incr, of.delta, num, &of.req_cas, &it)) {
	case AKV_DELTA_OK:
		if (c->noreply)
			r->skip = true;
		break;
	case AKV_NON_NUMERIC:
		akv_out_errstring(c,
				  "CLIENT_ERROR cannot increment or decrement non-numeric value");
		return;
	case AKV_EOM:
		akv_out_errstring(c, "SERVER_ERROR out of memory");
		return;
	case AKV_DELTA_NOT_FOUND:
		if (of.vivify) {
			size_t n = (size_t)snprintf(num, sizeof(num), "%" PRIu64, of.initial);

			it = akv_item_alloc(c, t[1].v, t[1].n, 0, 0, n);
			if (!it) {
				akv_out_errstring(c,
						  "SERVER_ERROR Out of memory allocating new item");
				return;
			}
			memcpy(akv_value(it), num, n);
			created = akv_store_item(c, it, AKV_ADD) == AKV_STORED;
		} else {
			if (incr)
				s->c.incr_misses++;
			else
				s->c.decr_misses++;
			akv_resp_add(c, r, "NF", 2);
		}
		break;
	case AKV_CAS_MISMATCH:
		akv_resp_add(c, r, "EX", 2);
		break;
	}
	if (it) {
		if (of.value)
			akv_resp_printf(c, r, "VA %zu", strlen(num));
		else
			akv_resp_add(c, r, "HD", 2);
	}
	for (i = 2; i < nt - 1; i++) {
		switch (t[i].v[0]) {
		case 'c':
			if (it)
				akv_resp_printf(c, r, " c%" PRIu64, it->cas);
			break;
		case 't':
			if (it)
				ttl(c, r, it);
			break;
		case 'T':
			if (it)
				it->exptime = of.exptime;
			break;
		case 'N':
			if (it && created)
				it->exptime = of.autoviv_exptime;
			break;
		case 'O':
			if (!opaque(c, r, &t[i])) {
				akv_item_put(it);
				akv_out_errstring(c, "CLIENT_ERROR opaque token too long");
				return;
			}
			break;
		case 'k':
			akv_meta_key(c, r, t[1].v, t[1].n, of.key_binary);
			break;
		}
	}
	if (it && of.value) {
		akv_resp_add(c, r, "\r\n", 2);
		akv_resp_add(c, r, num, strlen(num));
	}
	akv_item_put(it);
	akv_resp_add(c, r, "\r\n", 2);
	c->state = AKV_CS_NEW_CMD;
}

void akv_cmd_meta(struct akv_conn *c, struct akv_tok *t, size_t nt)
{
	switch (t[0].v[1]) {
	case 'n':
		akv_out_string(c, "MN");
		c->state = AKV_CS_MWRITE; /* mn writes out what is pending */
		return;
	case 'e':
		cmd_me(c, t, nt);
		return;
	case 'g':
	case 's':
	case 'd':
	case 'a':
		break;
	default:
		akv_out_string(c, "ERROR");
		return;
	}
	if (nt < 3) { /* memcached's WANT_TOKENS_MIN */
		akv_out_string(c, "ERROR");
		return;
	}
	if (t[0].v[1] == 'g')
		cmd_mg(c, t, nt);
	else if (t[0].v[1] == 's')
		cmd_ms(c, t, nt);
	else if (t[0].v[1] == 'd')
		cmd_md(c, t, nt);
	else
		cmd_ma(c, t, nt);
}
