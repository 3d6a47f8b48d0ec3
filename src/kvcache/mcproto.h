/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MCPROTO_H
#define OLAB_MCPROTO_H

/*
 * The memcached text protocol, as far as the kvcache needs it: request lines (which command,
 * which keys, noreply, the storage commands' data length and exptime) and the head of a
 * VALUE reply. One header compiled twice: for BPF (kvcache.bpf.c) and natively (the unit
 * tests, the fuzzer and the user-space tools), so both see the same protocol.
 *
 * The parser reads a buffer of MC_BUF bytes (a power of two) of which the first len hold
 * data; every access is masked into the buffer, which is what lets the verifier accept it.
 * Anything it does not understand is MC_UNKNOWN (or MC_BAD_WRITE for a write command it
 * cannot read): the caller passes such packets on untouched.
 */
#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define MC_BUF 512	 /* bytes of a request or reply head the parser looks at */
#define MC_KEY_MAX 250	 /* memcached's key length limit */
#define MC_MAX_KEYS 8	 /* keys of a multi-get the kvcache answers */
#define MC_MAX_TOKENS 12 /* tokens of a request line */
#define MC_UDP_HDR 8	 /* the frame header of memcached over UDP */

enum mc_cmd {
	MC_UNKNOWN = 0, /* not understood: pass it on untouched */
	MC_GET,
	MC_GETS,
	MC_SET,
	MC_ADD,
	MC_REPLACE,
	MC_APPEND,
	MC_PREPEND,
	MC_CAS,
	MC_INCR,
	MC_DECR,
	MC_DELETE,
	MC_TOUCH,
	MC_GAT,
	MC_GATS,
	MC_FLUSH_ALL,
	MC_BAD_WRITE, /* a write command whose arguments could not be read: invalidate all */
	MC_NCMDS,
};

struct mc_req {
	__u8 cmd;   /* enum mc_cmd */
	__u8 nkeys; /* keys found (gat/gats: after the exptime) */
	__u8 noreply;
	__u8 more_keys; /* a get with more keys than MC_MAX_KEYS */
	__u16 koff[MC_MAX_KEYS], klen[MC_MAX_KEYS];
	__u32 line_len; /* bytes of the request line, \r\n included */
	__u32 data_len; /* storage commands: the data block's length (without its \r\n) */
	__u32 flags;	/* storage commands */
	__s64 exptime;	/* storage commands, touch, gat/gats; flush_all: its delay */
	__u64 cas;	/* cas */
};

static __always_inline __u8 mc_at(const __u8 *b, __u32 i)
{
	return b[i & (MC_BUF - 1)];
}

/* Is the token [off, off+len) the word w (lower-case, n bytes)? */
static __always_inline int mc_word(const __u8 *b, __u32 off, __u32 len, const char *w, __u32 n)
{
	__u32 i;

	if (len != n)
		return 0;
	for (i = 0; i < 10; i++) {
		if (i >= n)
			break;
		if (mc_at(b, off + i) != (__u8)w[i])
			return 0;
	}
	return 1;
}

/* A decimal number (optionally negative when neg_ok) of at most 20 digits; 0 on success. */
static __always_inline int mc_num(const __u8 *b, __u32 off, __u32 len, int neg_ok, __s64 *out,
				  __u64 *uout)
{
	__u64 v = 0;
	__u32 i, start = 0;
	int neg = 0;

	if (len == 0 || len > 20)
		return -1;
	if (mc_at(b, off) == '-') {
		if (!neg_ok || len == 1)
			return -1;
		neg = 1;
		start = 1;
	}
	for (i = 0; i < 20; i++) {
		__u8 c;

		if (i < start)
			continue;
		if (i >= len)
			break;
		c = mc_at(b, off + i);
		if (c < '0' || c > '9')
			return -1;
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (c - '0');
	}
	if (uout)
		*uout = v;
	if (out) {
		if (v > 0x7fffffffffffffffULL)
			return -1;
		*out = neg ? -(__s64)v : (__s64)v;
	}
	return 0;
}

struct mc_tokens {
	__u16 off[16], len[16]; /* MC_MAX_TOKENS used; 16 so that masked indexes stay inside */
	__u32 n;		/* tokens found, at most MC_MAX_TOKENS */
	__u32 line_len;		/* through \n; 0 when the line is not complete in the buffer */
	__u32 overflow;		/* more tokens than MC_MAX_TOKENS */
	__u32 start, in;	/* the token being read */
	__u32 nul;		/* a zero byte in the line: memcached stops reading it there */
};

/* Token k as a key memcached takes: 1..250 bytes (no space or \n, by the tokenizer). */
static __always_inline int mc_tok_key_ok(const struct mc_tokens *t, __u32 k)
{
	__u32 len = t->len[k & 15];

	return len >= 1 && len <= MC_KEY_MAX;
}

static __always_inline void mc_tok_init(struct mc_tokens *t)
{
	t->n = 0;
	t->line_len = 0;
	t->overflow = 0;
	t->start = 0;
	t->in = 0;
	t->nul = 0;
}

/*
 * One byte of the tokenizer: split the first line on single or repeated spaces. Returns 1
 * when the line has ended. No loop inside: BPF drives it with bpf_loop, which the verifier
 * checks once, natively it is a plain loop.
 */
static __always_inline int mc_tok_step(const __u8 *b, __u32 i, struct mc_tokens *t)
{
	__u8 c = mc_at(b, i);

	/*
	 * As memcached reads a line: tokens split on spaces only, the line ends at \n, and a
	 * \r just before it is dropped; any other byte (tabs, control bytes, a lone \r) belongs
	 * to its token, so keys are the bytes memcached will see.
	 */
	if (c == ' ' || c == '\n' || (c == '\r' && mc_at(b, i + 1) == '\n')) {
		if (t->in) {
			if (t->n < MC_MAX_TOKENS) {
				t->off[t->n & 15] = (__u16)t->start;
				t->len[t->n & 15] = (__u16)(i - t->start);
				t->n++;
			} else {
				t->overflow = 1;
			}
			t->in = 0;
		}
		if (c == '\n') {
			/* memcached takes "\r\n"; a bare "\n" too */
			t->line_len = i + 1;
			return 1;
		}
		return 0;
	}
	if (!c)
		t->nul = 1;
	if (!t->in) {
		t->in = 1;
		t->start = i;
	}
	return 0;
}

#ifdef MC_TOKENIZE_EXTERNAL
/* the BPF program provides it (with bpf_loop) */
static __always_inline void mc_tokenize(const __u8 *b, __u32 len, struct mc_tokens *t);
#else
static inline void mc_tokenize(const __u8 *b, __u32 len, struct mc_tokens *t)
{
	__u32 i;

	mc_tok_init(t);
	if (len > MC_BUF)
		len = MC_BUF;
	for (i = 0; i < len; i++)
		if (mc_tok_step(b, i, t))
			return;
}
#endif

static __always_inline enum mc_cmd mc_cmd_of(const __u8 *b, __u32 off, __u32 len)
{
	if (mc_word(b, off, len, "get", 3))
		return MC_GET;
	if (mc_word(b, off, len, "gets", 4))
		return MC_GETS;
	if (mc_word(b, off, len, "set", 3))
		return MC_SET;
	if (mc_word(b, off, len, "add", 3))
		return MC_ADD;
	if (mc_word(b, off, len, "replace", 7))
		return MC_REPLACE;
	if (mc_word(b, off, len, "append", 6))
		return MC_APPEND;
	if (mc_word(b, off, len, "prepend", 7))
		return MC_PREPEND;
	if (mc_word(b, off, len, "cas", 3))
		return MC_CAS;
	if (mc_word(b, off, len, "incr", 4))
		return MC_INCR;
	if (mc_word(b, off, len, "decr", 4))
		return MC_DECR;
	if (mc_word(b, off, len, "delete", 6))
		return MC_DELETE;
	if (mc_word(b, off, len, "touch", 5))
		return MC_TOUCH;
	if (mc_word(b, off, len, "gat", 3))
		return MC_GAT;
	if (mc_word(b, off, len, "gats", 4))
		return MC_GATS;
	if (mc_word(b, off, len, "flush_all", 9))
		return MC_FLUSH_ALL;
	return MC_UNKNOWN;
}

/* Bytes a parsed request takes: its line, and a storage command's data block with its \r\n. */
static __always_inline __u32 mc_req_len(const struct mc_req *r)
{
	if (r->cmd >= MC_SET && r->cmd <= MC_CAS) /* set, add, replace, append, prepend, cas */
		return r->line_len + r->data_len + 2;
	return r->line_len;
}

static __always_inline int mc_is_write(enum mc_cmd c)
{
	return c >= MC_SET && c != MC_NCMDS;
}

/* Add token k of t as key i of r, if it is a valid key. */
static __always_inline int mc_add_key(const struct mc_tokens *t, __u32 k, struct mc_req *r)
{
	__u32 off = t->off[k & 15], len = t->len[k & 15];

	if (!mc_tok_key_ok(t, k))
		return -1;
	if (r->nkeys >= MC_MAX_KEYS) {
		r->more_keys = 1;
		return 0;
	}
	r->koff[r->nkeys & (MC_MAX_KEYS - 1)] = (__u16)off;
	r->klen[r->nkeys & (MC_MAX_KEYS - 1)] = (__u16)len;
	r->nkeys++;
	return 0;
}

static __always_inline int mc_tok_noreply(const __u8 *b, const struct mc_tokens *t, __u32 k)
{
	return k < t->n && mc_word(b, t->off[k & 15], t->len[k & 15], "noreply", 7);
}

/* Keys from token `from` to the last into r: 0, or -1 when one cannot be taken. */
static __always_inline int mc_add_keys(const struct mc_tokens *t, __u32 from, struct mc_req *r)
{
	__u32 k;

	for (k = from; k < MC_MAX_TOKENS; k++) {
		if (k >= t->n)
			break;
		if (mc_add_key(t, k, r))
			return -1;
	}
	return 0;
}

/* <cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply] into r: 0, or -1 when unreadable. */
static __always_inline int mc_parse_store(const __u8 *b, const struct mc_tokens *t, enum mc_cmd c,
					  struct mc_req *r)
{
	__u32 k = c == MC_CAS ? 6 : 5;
	__u64 u;

	if (t->n < k || t->n > k + 1 || (t->n == k + 1 && !mc_tok_noreply(b, t, k)))
		return -1;
	if (mc_add_key(t, 1, r) || mc_num(b, t->off[2], t->len[2], 0, 0, &u) || u > 0xffffffffULL)
		return -1;
	r->flags = (__u32)u;
	if (mc_num(b, t->off[3], t->len[3], 1, &r->exptime, 0) ||
	    mc_num(b, t->off[4], t->len[4], 0, 0, &u) || u > 0x7fffffffULL)
		return -1;
	r->data_len = (__u32)u;
	if (c == MC_CAS && mc_num(b, t->off[5], t->len[5], 0, 0, &r->cas))
		return -1;
	r->noreply = t->n == k + 1;
	return 0;
}

/*
 * Parse the request line at the start of b (len bytes). Returns the command (r->cmd):
 * MC_UNKNOWN for anything not understood, MC_BAD_WRITE for a write command whose arguments
 * cannot be read (the caller must then assume any key may change). r->line_len is the
 * line's length whenever the line is complete in the buffer, 0 otherwise.
 */
static __always_inline enum mc_cmd mc_parse_req(const __u8 *b, __u32 len, struct mc_req *r)
{
	struct mc_tokens t;
	enum mc_cmd c;
	__s64 v;
	__u64 u;

	__builtin_memset(r, 0, sizeof(*r));
	/* the binary protocol (magic 0x80) may write anything: assume it does */
	if (len && mc_at(b, 0) == 0x80) {
		r->cmd = MC_BAD_WRITE;
		return MC_BAD_WRITE;
	}
	mc_tokenize(b, len, &t);
	/*
	 * memcached reads a command line as a C string: a zero byte ends it there, so what it
	 * runs is not what the bytes after it say. Whatever it is, the cache cannot follow it.
	 */
	if (t.nul && t.line_len) {
		r->cmd = MC_BAD_WRITE;
		r->line_len = t.line_len;
		return MC_BAD_WRITE;
	}
	if (t.n == 0)
		return MC_UNKNOWN;
	c = mc_cmd_of(b, t.off[0], t.len[0]);
	/* meta commands (ms, md, ma, mg with flags that touch) can write: all but mn count */
	if (c == MC_UNKNOWN && t.len[0] == 2 && mc_at(b, t.off[0]) == 'm' &&
	    !mc_word(b, t.off[0], t.len[0], "mn", 2)) {
		r->cmd = MC_BAD_WRITE;
		r->line_len = t.line_len;
		return MC_BAD_WRITE;
	}
	if (c == MC_UNKNOWN) {
		r->line_len = t.line_len; /* memcached will answer ERROR to a whole line */
		return MC_UNKNOWN;
	}
	if (!t.line_len) {
		/* a line longer than the buffer: a write among them cannot be read */
		if (mc_is_write(c) || c == MC_GAT || c == MC_GATS)
			goto bad_write;
		return MC_UNKNOWN;
	}
	r->line_len = t.line_len;
	r->cmd = (__u8)c;
	switch (c) {
	case MC_GET:
	case MC_GETS:
		if (t.n < 2 || t.overflow || mc_add_keys(&t, 1, r))
			goto bad_read;
		return c;
	case MC_GAT:
	case MC_GATS:
		/* gat <exptime> <key>*: a read that also touches */
		if (t.n < 3 || t.overflow || mc_num(b, t.off[1], t.len[1], 1, &r->exptime, 0) ||
		    mc_add_keys(&t, 2, r))
			goto bad_write;
		return c;
	case MC_SET:
	case MC_ADD:
	case MC_REPLACE:
	case MC_APPEND:
	case MC_PREPEND:
	case MC_CAS:
		if (mc_parse_store(b, &t, c, r))
			goto bad_write;
		return c;
	case MC_INCR:
	case MC_DECR:
	case MC_TOUCH:
		/* incr <key> <value> [noreply]; touch <key> <exptime> [noreply] */
		if (t.n < 3 || t.n > 4 || (t.n == 4 && !mc_tok_noreply(b, &t, 3)))
			goto bad_write;
		if (mc_add_key(&t, 1, r))
			goto bad_write;
		if (c == MC_TOUCH ? mc_num(b, t.off[2], t.len[2], 1, &r->exptime, 0)
				  : mc_num(b, t.off[2], t.len[2], 0, 0, &u))
			goto bad_write;
		r->noreply = t.n == 4;
		return c;
	case MC_DELETE:
		/* delete <key> [<time>] [noreply]: memcached still takes a 0 time */
		if (t.n < 2 || t.n > 4 || mc_add_key(&t, 1, r))
			goto bad_write;
		r->noreply = mc_tok_noreply(b, &t, t.n - 1) && t.n > 2;
		return c;
	case MC_FLUSH_ALL:
		/* flush_all [delay] [noreply] */
		if (t.n > 3)
			goto bad_write;
		if (t.n >= 2 && !mc_tok_noreply(b, &t, 1)) {
			if (mc_num(b, t.off[1], t.len[1], 1, &v, 0))
				goto bad_write;
			r->exptime = v;
		}
		r->noreply = mc_tok_noreply(b, &t, t.n - 1) && t.n > 1;
		return c;
	default:
		return MC_UNKNOWN;
	}
bad_read:
	__builtin_memset(r, 0, sizeof(*r));
	r->line_len = t.line_len;
	return MC_UNKNOWN;
bad_write:
	__builtin_memset(r, 0, sizeof(*r));
	r->cmd = MC_BAD_WRITE;
	r->line_len = t.line_len;
	return MC_BAD_WRITE;
}

/* The head of a reply item: "VALUE <key> <flags> <bytes>[ <cas>]\r\n". */
struct mc_value {
	__u16 koff, klen;
	__u32 flags;
	__u32 bytes;
	__u32 head_len; /* through \r\n: the data starts here */
	__u64 cas;
	__u8 has_cas;
};

/* 0 when b starts with a VALUE line, -1 otherwise. */
static __always_inline int mc_parse_value(const __u8 *b, __u32 len, struct mc_value *v)
{
	struct mc_tokens t;
	__u64 u;

	__builtin_memset(v, 0, sizeof(*v));
	mc_tokenize(b, len, &t);
	if (!t.line_len || t.overflow || t.n < 4 || t.n > 5 ||
	    !mc_word(b, t.off[0], t.len[0], "VALUE", 5) || !mc_tok_key_ok(&t, 1))
		return -1;
	v->koff = t.off[1];
	v->klen = t.len[1];
	if (mc_num(b, t.off[2], t.len[2], 0, 0, &u) || u > 0xffffffffULL)
		return -1;
	v->flags = (__u32)u;
	if (mc_num(b, t.off[3], t.len[3], 0, 0, &u) || u > 0x7fffffffULL)
		return -1;
	v->bytes = (__u32)u;
	if (t.n == 5) {
		if (mc_num(b, t.off[4], t.len[4], 0, 0, &v->cas))
			return -1;
		v->has_cas = 1;
	}
	v->head_len = t.line_len;
	return 0;
}

#endif
