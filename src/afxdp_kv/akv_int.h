/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_INT_H
#define OLAB_AKV_INT_H

/* Inside the protocol (akv_conn.c, akv_cmd.c, akv_meta.c, akv_stats.c): not for the transport. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afxdp_kv/akv_proto.h"

#define AKV_MAX_TOKENS 24     /* memcached's MAX_TOKENS */
#define AKV_WRITE_BUFFER 1024 /* memcached's WRITE_BUFFER_SIZE: an out_string's limit */
#define AKV_REQS_PER_EVENT 20 /* memcached's -R default */
#define AKV_READ_BUFFER 65536 /* memcached's UDP_READ_BUFFER_SIZE */

/* The connection's states, memcached's names */
enum akv_cstate {
	AKV_CS_READ, /* waiting for a datagram */
	AKV_CS_PARSE,
	AKV_CS_NEW_CMD,
	AKV_CS_MWRITE,
	AKV_CS_NREAD,	/* reading a data block */
	AKV_CS_SWALLOW, /* throwing a data block away */
	AKV_CS_CLOSING, /* pending responses dropped, the rest of the datagram too */
};

/* memcached's storage command codes (NREAD_*) */
enum akv_nread { AKV_ADD = 1, AKV_SET, AKV_REPLACE, AKV_APPEND, AKV_PREPEND, AKV_CAS };
/* memcached's store_item results */
enum akv_stored { AKV_NOT_STORED, AKV_STORED, AKV_EXISTS, AKV_NOT_FOUND };
/* memcached's add_delta results */
enum akv_delta { AKV_DELTA_OK, AKV_NON_NUMERIC, AKV_EOM, AKV_DELTA_NOT_FOUND, AKV_CAS_MISMATCH };

/* A token of a command line: v NUL-terminated, or for the last (n 0) the unscanned rest
 * (NULL when the line was scanned whole), as memcached's tokenize_command. */
struct akv_tok {
	char *v;
	size_t n;
};

/* One response (memcached's mc_resp): text, a value, more text; or nothing when skip. */
struct akv_resp {
	struct akv_peer to;
	struct akv_item *it; /* holds the value sent between head and tail */
	size_t head, nhead, tail, ntail;
	uint32_t vlen;
	bool skip;
};

size_t akv_tokenize(char *cmd, struct akv_tok *t, size_t max);

/* memcached's safe_strto* (util.c): strtoul and kin, 64-bit longs truncated as it truncates */
bool akv_strtoul(const char *s, uint32_t *out);
bool akv_strtol(const char *s, int32_t *out);
bool akv_strtoull(const char *s, uint64_t *out);
bool akv_strtod(const char *s, double *out);
/* memcached's set_noreply_maybe */
bool akv_noreply_maybe(struct akv_conn *c, struct akv_tok *t, size_t nt);

/* Responses */
bool akv_resp_start(struct akv_conn *c);
static inline struct akv_resp *akv_cur(struct akv_conn *c)
{
	return &c->resp[c->cur];
}
void akv_resp_reset(struct akv_conn *c, struct akv_resp *r);
/* Text after what the response has (after its value when it has one). */
void akv_resp_add(struct akv_conn *c, struct akv_resp *r, const void *p, size_t n);
void akv_resp_printf(struct akv_conn *c, struct akv_resp *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The value of it (a reference taken), then "\r\n" when crlf. */
void akv_resp_value(struct akv_conn *c, struct akv_resp *r, struct akv_item *it, bool crlf);
/* memcached's out_string (silenced by noreply) and out_errstring (never silenced) */
void akv_out_string(struct akv_conn *c, const char *str);
void akv_out_errstring(struct akv_conn *c, const char *str);
/* memcached's conn_release_items: the data block's item and every unsent response go */
void akv_release_items(struct akv_conn *c);
/* memcached's resp_has_stack */
bool akv_resp_stacked(const struct akv_conn *c);

/* Items as memcached allocates them: NULL when too large or beyond the memory limit. */
struct akv_item *akv_item_alloc(struct akv_conn *c, const char *key, size_t nkey, uint32_t flags,
				uint32_t exptime, size_t nbytes);
bool akv_item_size_ok(size_t nkey, uint32_t flags, size_t nbytes);
enum akv_stored akv_store_item(struct akv_conn *c, struct akv_item *it, int comm);
enum akv_delta akv_add_delta(struct akv_conn *c, const char *key, size_t nkey, bool incr,
			     uint64_t delta, char *buf, uint64_t *cas, struct akv_item **it_ret);

/* Commands (akv_cmd.c, akv_meta.c, akv_stats.c) */
void akv_process_command(struct akv_conn *c, char *line);
void akv_complete_nread(struct akv_conn *c);
void akv_cmd_meta(struct akv_conn *c, struct akv_tok *t, size_t nt);
void akv_finalize_mset(struct akv_conn *c, enum akv_stored ret);
void akv_cmd_stats(struct akv_conn *c, struct akv_tok *t, size_t nt);
void akv_cmd_admin(struct akv_conn *c, struct akv_tok *t, size_t nt);
/* 'stats detail': a get ('g', hit or not), set ('s') or delete ('d') of key */
void akv_prefix_record(struct akv_conn *c, const char *key, size_t nkey, char kind, bool hit);

/* Meta commands' flags (akv_mflags.c) */
#define MFLAG_MAX_OPT_LENGTH 20
#define MFLAG_MAX_OPAQUE_LENGTH 32

struct akv_meta_flags {
	bool has_error, no_update, locked, vivify, la, value, set_stale, no_reply, has_cas;
	bool new_ttl, key_binary;
	char mode;
	uint32_t exptime, autoviv_exptime, recache_time, client_flags;
	uint64_t req_cas, delta, initial;
};

/* memcached's _meta_flag_preparse from token start: -1 with *err set on a bad flag */
int akv_meta_preparse(struct akv_conn *c, struct akv_tok *t, size_t start,
		      struct akv_meta_flags *of, const char **err);
/* base64 as memcached's: decoded in place (0: not base64); encoded into r */
size_t akv_b64_decode(unsigned char *s, size_t n);
void akv_b64_encode(struct akv_conn *c, struct akv_resp *r, const unsigned char *in, size_t n);
/* memcached's META_KEY: " k<key>", base64 and " b" for a binary key */
void akv_meta_key(struct akv_conn *c, struct akv_resp *r, const char *key, size_t n, bool bin);

#endif
