/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TRBENCH_H
#define OLAB_TRBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/results.h"

/*
 * Per-run cost of a program by BPF_PROG_TEST_RUN, the way the runtime experiments measure:
 * batches calibrated to a target length, each checked against a batch twice as long, the
 * kernel's own loop timer (no syscall in the figure).
 */
#define TRB_MAX_SAMPLES 64

struct trb {
	uint8_t pkt[1600];
	size_t len;
	int samples;
	uint64_t target_ns;
};

/* Defaults: a 64-byte UDP frame between the testbed's addresses; few short batches if quick. */
void trb_init(struct trb *t, bool quick, unsigned int samples);

/* Use a frame of len bytes (UDP, payload 0x5a) instead; len 64..1500. */
void trb_set_frame(struct trb *t, size_t len);

struct trb_run {
	double v[TRB_MAX_SAMPLES]; /* ns per run */
	int n;
	bool linear;
};

/* Measure prog_fd; 0 or -errno. */
int trb_measure(const struct trb *t, int prog_fd, struct trb_run *out);

/*
 * The same for native code: batch(arg, calls) runs calls calls and returns the ns they took.
 * Calibrated to the target length, each sample checked against a batch twice as long.
 */
void trb_native(const struct trb *t, uint64_t (*batch)(void *arg, uint64_t calls), void *arg,
		struct trb_run *out);

double trb_median(const struct trb_run *r);

/*
 * Fill m from per-sample values (v[i] - sub) / div: net cost per operation, with the
 * non-linear flag when either run was.
 */
void trb_metric(struct metric *m, const struct trb_run *r, double sub, double div, bool linear,
		int wanted);

#endif
