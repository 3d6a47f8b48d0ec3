/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_JBOUND_H
#define OLAB_JBOUND_H

/*
 * Numbers in JSON that another host wrote (the agent's answers and results), each checked
 * against the range it may take before any arithmetic: a counter or a clock reading within
 * 0..JB_COUNT_MAX can be added to or subtracted from another without overflow, a real within
 * +-JB_REAL_MAX can be summed and multiplied without becoming infinite.
 *
 * The reading functions record the first refusal in a struct jb and return the low end of the
 * range (a value the caller can carry on with), so that a whole answer is read and then judged
 * once: if (b.err) ... b.why.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JB_COUNT_MAX (INT64_MAX / 2) /* packets, bytes, ns since boot, run time ... */
#define JB_REAL_MAX 1e18
#define JB_TID_MAX (INT64_C(1) << 22) /* PID_MAX_LIMIT: a pid or thread id */
#define JB_CPU_MAX 8191		      /* the highest CPU number a host can have */

struct jb {
	const char *what; /* what is read, for the message: "hk_stats" */
	int err;	  /* 0, or the first refusal: -EINVAL (absent, not a number), -ERANGE */
	char why[200];
};

/* Whether v is an integer within lo..hi (*out then holds it). */
bool jb_int_in(const json_t *v, int64_t lo, int64_t hi, int64_t *out);
/* Whether v is a number (integer or real) within lo..hi (*out then holds it). */
bool jb_real_in(const json_t *v, double lo, double hi, double *out);

/* v as a count: 0..JB_COUNT_MAX. */
uint64_t jb_count(struct jb *b, const json_t *v, const char *name);
/* v as a real within lo..hi. */
double jb_real(struct jb *b, const json_t *v, const char *name, double lo, double hi);
/* The same for the member key of an object. */
int64_t jb_key_int(struct jb *b, const json_t *o, const char *key, int64_t lo, int64_t hi);
uint64_t jb_key_count(struct jb *b, const json_t *o, const char *key);

#endif
