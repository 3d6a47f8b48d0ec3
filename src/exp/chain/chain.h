/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHAIN_H
#define OLAB_CHAIN_H

#include <linux/types.h>

#define CHAIN_MAX 8 /* longest chain measured: stages after the first */

/* What the first stage and `stages` more leave in acc: each does acc = acc * K + 1. */
static inline __u64 chain_expect(unsigned int stages)
{
	__u64 a = 0;
	unsigned int i;

	for (i = 0; i <= stages; i++)
		a = a * 0x9e3779b97f4a7c15ULL + 1;
	return a;
}

#endif
