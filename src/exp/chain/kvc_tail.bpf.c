// SPDX-License-Identifier: GPL-2.0
/* The kvcache with its get path in a second program, reached by a tail call (constant index). */
#define KVC_TAIL
#include "kvcache/kvcache.bpf.c"
