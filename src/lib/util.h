/* SPDX-License-Identifier: GPL-2.0 */
/* Small things every part of offloadlab uses: array length, the kernel's ENOTSUPP, one RNG. */
#ifndef OLAB_UTIL_H
#define OLAB_UTIL_H

#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel-internal "not supported" (524) some BPF commands return; not in user errno.h. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* xorshift64*: fast, deterministic from its seed (never 0), good enough for load and tests. */
static inline uint64_t olab_rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* A uniform double in [0, 1) from the same generator. */
static inline double olab_rng_unit(uint64_t *s)
{
	return (double)(olab_rng(s) >> 11) / 9007199254740992.0;
}

#endif
