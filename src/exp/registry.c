// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "exp/exp.h"
#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/chain/chain_exp.h"
#include "exp/channels/channels_exp.h"
#include "exp/echo/echo_exp.h"
#include "exp/hooks/hooks_exp.h"
#include "exp/isolation/isolation_exp.h"
#include "exp/jit/jit.h"
#include "exp/kv/kv.h"
#include "exp/limits/limits.h"
#include "exp/maps/maps_exp.h"
#include "exp/memcpy/memcpy_exp.h"
#include "exp/preproc/preproc_exp.h"

const struct experiment exp_table[] = {
	{ "hooks",
	  "How long does a packet take to reach XDP, TC, SK_SKB and the socket, and what does "
	  "entering an empty program at each hook cost?",
	  "Table 1", hooks_run, 3, 10 },
	{ "echo",
	  "How much faster is a UDP/TCP echo answered at XDP, TC or SK_SKB than by a user-space "
	  "socket server, in latency and in throughput?",
	  "Fig. 3", echo_run, 36, 130 },
	{ "bandwidth",
	  "How much TCP bandwidth does an empty XDP, TC or SK_SKB program on the path cost a "
	  "user-space server?",
	  "Table 2", bandwidth_run, 7, 55 },
	{ "preproc",
	  "Does truncating datagrams in XDP before the stack raise a user-space sink's "
	  "throughput, and by how much?",
	  "Fig. 10", preproc_run, 3, 40 },
	{ "isolation",
	  "How much does an XDP-offloaded neighbour on the same receive path slow down a plain "
	  "user-space server?",
	  "Fig. 16", isolation_run, 5, 20 },
	{ "kv",
	  "How much does an XDP cache in front of memcached raise GET throughput, and what does "
	  "it cost the requests it cannot serve?",
	  "Fig. 4-6", kv_run, 27, 75 },
	{ "kv-afxdp",
	  "With the key-value server itself on AF_XDP, what does the same XDP cache in front "
	  "still buy, in throughput and for the requests it cannot serve?",
	  "Fig. 7-9", kv_afxdp_run, 25, 50 },
	{ "maps",
	  "What does a map lookup cost in each map type, what does the verifier's inlining buy, "
	  "and how do per-flow counters in XDP scale with the number of flows and their skew?",
	  "Table 3, Fig. 11-12", maps_run, 15, 55 },
	{ "channels",
	  "How fast does user space get 64-byte items out of the kernel: map lookups by syscall, "
	  "the BPF ring buffer, an mmap'd ring, AF_XDP?",
	  "Table 4, Fig. 13", channels_run, 5, 30 },
	{ "jit",
	  "How much slower is the same C as JIT-compiled BPF than as native code, for compute and "
	  "for memory access, and how many more instructions does the JIT emit?",
	  "Fig. 14", jit_run, 4, 20 },
	{ "memcpy",
	  "What does copying 1 KB cost inside BPF, byte-wise, 8 bytes at a time and through "
	  "helpers, against a native memcpy?",
	  "Table 6", memcpy_run, 2, 8 },
	{ "chain",
	  "What does chaining programs cost per call: tail calls with a constant or a run-time "
	  "index, BPF-to-BPF calls, global functions, against inlining?",
	  "Table 5", chain_run, 3, 26 },
	{ "limits",
	  "What do this kernel's verifier and runtime refuse: instruction budget, loop length, "
	  "program size, stack, bpf_loop, tail calls, map sizes, sleeping at the hooks?",
	  "sec. 2, 6", limits_run, 5, 8 },
};

const size_t exp_count = sizeof(exp_table) / sizeof(exp_table[0]);

const struct experiment *exp_find(const char *name)
{
	size_t i;

	for (i = 0; i < exp_count; i++)
		if (strcmp(exp_table[i].name, name) == 0)
			return &exp_table[i];
	return NULL;
}
