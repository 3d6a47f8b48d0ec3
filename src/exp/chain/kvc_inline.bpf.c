// SPDX-License-Identifier: GPL-2.0
/* The kvcache with everything inlined into one body (no bpf_loop), for chain. */
#define KVC_INLINE
#include "kvcache/kvcache.bpf.c"
