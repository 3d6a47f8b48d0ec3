/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_OFFLOAD_MODEL_H
#define OLAB_OFFLOAD_MODEL_H

#include <stdbool.h>

/*
 * The offload model (the paper's break-even rule): an in-kernel program of cost c runs on
 * every request; it answers a share w itself, the rest still costs the application t. With one
 * core doing both, the mean work per request goes from t to c + (1 - w) t.
 */
struct advice {
	double gain;		 /* throughput with / without */
	double breakeven_w;	 /* the share the fast path must serve to pay for itself: c / t */
	double fast_ns;		 /* work of a request the program answers: c */
	double slow_ns;		 /* work of one it passes on: c + t */
	double slow_penalty_pct; /* what the program adds to the requests it cannot serve */
	bool pays_off;		 /* gain > 1 */
};

/*
 * 0; -EINVAL for inputs outside the model (w not in [0, 1], t <= 0, c < 0); -ERANGE when a
 * result is not a finite number (c = 0 with w = 1: an unbounded gain; or a figure that
 * overflows), which is an answer no one can use, never printed as one.
 */
int advise_model(double w, double app_ns, double cost_ns, struct advice *a);

#endif
