/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ADVISE_H
#define OLAB_ADVISE_H

/*
 * The model (struct advice, advise_model) lives in lib/offload_model.h: kv models with it too.
 * kv.c still reaches it through this header (issue 25, phase 2: it includes the lib's).
 */
#include "lib/offload_model.h"

/* offloadlab advise ... */
int advise_main(int argc, char **argv);

#endif
