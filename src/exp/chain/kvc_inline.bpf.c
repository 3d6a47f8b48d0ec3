// SPDX-License-Identifier: GPL-2.0
/* The kvcache with everything inlined into one body (no bpf_loop), for chain. */
#define KC_INLINE
#include "kvcache/kvcache.bpf.c"
