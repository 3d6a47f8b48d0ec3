// SPDX-License-Identifier: GPL-2.0
/* memcached 1.6.18's meta flags (_meta_flag_preparse) and base64 keys, for akv_meta.c. */
#include <stdio.h>
#include <string.h>

#include "afxdp_kv/akv_int.h"

/* ---- base64, as memcached's: unknown characters skipped, '=' pads ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char ch)
{
	const char *p;

	if (ch == '=')
		return 0;
	p = ch ? strchr(b64, ch) : NULL;
	return p ? (int)(p - b64) : -1;
}

/* In place; the decoded length, 0 when it is not base64 */
size_t akv_b64_decode(unsigned char *s, size_t n)
{
	unsigned char block[4], *out = s;
	size_t i, count = 0;
	int pad = 0;

	for (i = 0; i < n; i++)
		count += b64_val(s[i]) >= 0;
	if (!count || count % 4)
		return 0;
	count = 0;
	for (i = 0; i < n; i++) {
		int v = b64_val(s[i]);

		if (v < 0)
			continue;
		if (s[i] == '=')
			pad++;
		block[count++] = (unsigned char)v;
		if (count < 4)
			continue;
		*out++ = (unsigned char)(block[0] << 2 | block[1] >> 4);
		*out++ = (unsigned char)(block[1] << 4 | block[2] >> 2);
		*out++ = (unsigned char)(block[2] << 6 | block[3]);
		count = 0;
		if (pad) {
			if (pad > 2)
				return 0;
			out -= pad;
			break;
		}
	}
	return (size_t)(out - s);
}

void akv_b64_encode(struct akv_conn *c, struct akv_resp *r, const unsigned char *in, size_t n)
{
	char q[4];

	for (; n >= 3; n -= 3, in += 3) {
		q[0] = b64[in[0] >> 2];
		q[1] = b64[(in[0] & 3) << 4 | in[1] >> 4];
		q[2] = b64[(in[1] & 15) << 2 | in[2] >> 6];
		q[3] = b64[in[2] & 63];
		akv_resp_add(c, r, q, 4);
	}
	if (n) {
		q[0] = b64[in[0] >> 2];
		q[1] = b64[(in[0] & 3) << 4 | (n == 2 ? in[1] >> 4 : 0)];
		q[2] = n == 2 ? b64[(in[1] & 15) << 2] : '=';
		q[3] = '=';
		akv_resp_add(c, r, q, 4);
	}
}

/* memcached's META_KEY: " k<key>", base64 and " b" for a binary key */
void akv_meta_key(struct akv_conn *c, struct akv_resp *r, const char *key, size_t n, bool bin)
{
	akv_resp_add(c, r, " k", 2);
	if (!bin) {
		akv_resp_add(c, r, key, n);
		return;
	}
	akv_b64_encode(c, r, (const unsigned char *)key, n);
	akv_resp_add(c, r, " b", 2);
}

/* ---- flags ---- */

int akv_meta_preparse(struct akv_conn *c, struct akv_tok *t, size_t start,
		      struct akv_meta_flags *of, const char **err)
{
	uint8_t seen[127] = { 0 };
	int32_t e;
	size_t i;

	for (i = start; t[i].n; i++) {
		uint8_t o = (uint8_t)t[i].v[0];

		if (o >= 127 || seen[o]) {
			*err = "CLIENT_ERROR duplicate flag";
			return -1;
		}
		seen[o] = 1;
		switch (o) {
		case 'b':
			t[1].n = akv_b64_decode((unsigned char *)t[1].v, t[1].n);
			if (!t[1].n) {
				*err = "CLIENT_ERROR error decoding key";
				of->has_error = true;
			}
			of->key_binary = true;
			break;
		case 'N':
		case 'T':
		case 'R':
			of->locked = true;
			if (!akv_strtol(t[i].v + 1, &e)) {
				*err = "CLIENT_ERROR bad token in command line format";
				of->has_error = true;
			} else if (o == 'N') {
				of->vivify = true;
				of->autoviv_exptime = akv_exptime(c->s, e);
			} else if (o == 'T') {
				of->exptime = akv_exptime(c->s, e);
				of->new_ttl = true;
			} else {
				of->recache_time = akv_exptime(c->s, e);
			}
			if (o == 'N')
				of->vivify = true;
			break;
		case 'l':
			of->la = true;
			of->locked = true;
			break;
		case 'O':
		case 'P':
		case 'L':
		case 'k':
		case 's':
		case 't':
		case 'c':
		case 'f':
			break;
		case 'v':
			of->value = true;
			break;
		case 'h':
			of->locked = true;
			break;
		case 'u':
			of->no_update = true;
			break;
		case 'q':
			of->no_reply = true;
			break;
		case 'F':
			if (!akv_strtoul(t[i].v + 1, &of->client_flags))
				of->has_error = true;
			break;
		case 'C':
			if (!akv_strtoull(t[i].v + 1, &of->req_cas)) {
				*err = "CLIENT_ERROR bad token in command line format";
				of->has_error = true;
			} else {
				of->has_cas = true;
			}
			break;
		case 'M':
			if (t[i].n != 2) {
				*err = "CLIENT_ERROR incorrect length for M token";
				of->has_error = true;
			} else {
				of->mode = t[i].v[1];
			}
			break;
		case 'J':
			if (!akv_strtoull(t[i].v + 1, &of->initial)) {
				*err = "CLIENT_ERROR invalid numeric initial value";
				of->has_error = true;
			}
			break;
		case 'D':
			if (!akv_strtoull(t[i].v + 1, &of->delta)) {
				*err = "CLIENT_ERROR invalid numeric delta value";
				of->has_error = true;
			}
			break;
		case 'I':
			of->set_stale = true;
			break;
		default:
			*err = "CLIENT_ERROR invalid flag";
			return -1;
		}
	}
	return of->has_error ? -1 : 0;
}
