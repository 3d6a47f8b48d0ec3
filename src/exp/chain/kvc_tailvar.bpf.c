// SPDX-License-Identifier: GPL-2.0
/* The kvcache's get path reached by a tail call whose index is known only at run time. */
#define KVC_TAIL
#define KVC_TAIL_VAR
#include "kvcache/kvcache.bpf.c"
