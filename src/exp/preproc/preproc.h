/* SPDX-License-Identifier: GPL-2.0 */
/* What crosses the BPF/user boundary for preproc (paper Fig. 10). */
#ifndef OLAB_PREPROC_H
#define OLAB_PREPROC_H

#define PREPROC_PAYLOAD 1458 /* the paper's datagram payload */

enum preproc_counter {
	PP_CUT = 0,   /* truncated and passed */
	PP_OTHER = 1, /* not for the sink's port, or not IPv4/UDP: passed untouched */
	PP_COUNTERS = 2,
};

#endif
