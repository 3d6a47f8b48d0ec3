// SPDX-License-Identifier: GPL-2.0
/* The kvcache with static (BPF-to-BPF) functions instead of global ones, for chain. */
#define KVC_BPF2BPF
#include "kvcache/kvcache.bpf.c"
