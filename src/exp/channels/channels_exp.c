// SPDX-License-Identifier: GPL-2.0
/* channels (paper Table 4, Fig. 13): what the experiment is, in one place. */
#include "exp/channels/channels_exp.h"

static const char *const channels_metrics[] = {
	"channels.lookup.*",
	"channels.access.*",
	"channels.tput.*",
	NULL,
};

static const struct exp_plot channels_plots[] = {
	{ PK_BARS, "User-space access to one 64 B entry, by syscall", "channels.lookup.*", NULL,
	  NULL },
	{ PK_BARS, "User-space access to one 64 B item, without a syscall", "channels.access.*",
	  NULL, NULL },
	{ PK_BARS, "Kernel -> user throughput, 64 B items", "channels.tput.*", NULL, NULL },
	{ 0 },
};

const struct experiment exp_channels = {
	.name = "channels",
	.question = "How fast does user space get 64-byte items out of the kernel: map lookups "
		    "by syscall, the BPF ring buffer, an mmap'd ring, AF_XDP?",
	.paper = "Table 4, Fig. 13",
	.est_quick_s = 5,
	.est_full_s = 30,
	.metrics = channels_metrics,
	.plots = channels_plots,
	.testbed = true, /* AF_XDP's veth */
	.run = channels_run,
};
