/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_JITCODE_H
#define OLAB_JITCODE_H

/*
 * The same C compiled twice: as BPF (jit.bpf.c, run through the JIT) and natively (jit.c), so
 * that the two can be timed on the same input. Fixed-width types and no library calls.
 */
#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define JIT_FIB_MAX 90 /* fib(90) still fits in 64 bits */
#define JIT_SUM_MAX 64 /* X: times the first 64 bytes are summed */
#define JIT_REPS 16    /* Fibonacci computations per timed call, each on an opaque input */
#define JIT_SUM_REPS 4 /* sums per timed call (each is at least 64 loads) */

/* Hide a value from the optimiser: the same code runs JIT_REPS times, never folded. */
#define JIT_OPAQUE(v) asm volatile("" : "+r"(v))

static __always_inline __u64 jit_fib(__u32 n)
{
	__u64 a = 0, b = 1, t;
	__u32 i;

	for (i = 0; i < JIT_FIB_MAX; i++) {
		if (i >= n)
			break;
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

/* Sum the first 64 bytes of p x times; each round folds the last one in (no hoisting). */
static __always_inline __u64 jit_sum(const __u8 *p, __u32 x)
{
	__u64 s = 0;
	__u32 i, j;

	for (i = 0; i < JIT_SUM_MAX; i++) {
		if (i >= x)
			break;
#if defined(__clang__)
#pragma clang loop unroll(full)
#elif defined(__GNUC__)
#pragma GCC unroll 64
#endif
		for (j = 0; j < 64; j++)
			s += p[j] ^ (__u8)i;
		s = (s << 1) | (s >> 63);
	}
	return s;
}

#endif
