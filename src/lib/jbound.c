// SPDX-License-Identifier: GPL-2.0
/* Bounded numbers from JSON written elsewhere: see jbound.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "lib/jbound.h"

bool jb_int_in(const json_t *v, int64_t lo, int64_t hi, int64_t *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return false;
	x = json_integer_value(v);
	if (x < lo || x > hi)
		return false;
	*out = (int64_t)x;
	return true;
}

bool jb_real_in(const json_t *v, double lo, double hi, double *out)
{
	double x;

	if (!json_is_number(v))
		return false;
	x = json_number_value(v);
	if (!isfinite(x) || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

/* The first refusal, said in words: which number, what it was, what it may be. */
static void jb_refuse(struct jb *b, const json_t *v, bool want_int, const char *name,
		      const char *range)
{
	const char *what = b->what ? b->what : "the answer";

	if (b->err)
		return;
	if (json_is_integer(v)) {
		b->err = -ERANGE;
		snprintf(b->why, sizeof(b->why), "%s: %s is %" PRId64 ", outside %s", what, name,
			 (int64_t)json_integer_value(v), range);
	} else if (json_is_real(v) && !want_int) {
		b->err = -ERANGE;
		snprintf(b->why, sizeof(b->why), "%s: %s is %g, outside %s", what, name,
			 json_real_value(v), range);
	} else {
		b->err = -EINVAL;
		snprintf(b->why, sizeof(b->why), "%s: %s is %s, where %s %s was expected", what,
			 name, v ? "of another type" : "missing",
			 want_int ? "an integer" : "a number", range);
	}
}

/* v as an integer within lo..hi; name says which one (a key, "stats[1][0]"). */
static int64_t jb_int(struct jb *b, const json_t *v, const char *name, int64_t lo, int64_t hi)
{
	char range[64];
	int64_t x;

	if (jb_int_in(v, lo, hi, &x))
		return x;
	snprintf(range, sizeof(range), "%" PRId64 "..%" PRId64, lo, hi);
	jb_refuse(b, v, true, name, range);
	return lo;
}

uint64_t jb_count(struct jb *b, const json_t *v, const char *name)
{
	return (uint64_t)jb_int(b, v, name, 0, JB_COUNT_MAX);
}

double jb_real(struct jb *b, const json_t *v, const char *name, double lo, double hi)
{
	char range[64];
	double x;

	if (jb_real_in(v, lo, hi, &x))
		return x;
	snprintf(range, sizeof(range), "%g..%g", lo, hi);
	jb_refuse(b, v, false, name, range);
	return lo;
}

int64_t jb_key_int(struct jb *b, const json_t *o, const char *key, int64_t lo, int64_t hi)
{
	return jb_int(b, json_object_get(o, key), key, lo, hi);
}

uint64_t jb_key_count(struct jb *b, const json_t *o, const char *key)
{
	return jb_count(b, json_object_get(o, key), key);
}
