/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ATOMICFILE_H
#define OLAB_ATOMICFILE_H

#include <stdio.h>

/*
 * Write path whole or not at all: fill(f, arg) writes into a temporary file created
 * exclusively beside path (mkstemp: a name planted by someone else is never followed), which
 * then replaces path. fill returns 0 or -errno. 0, or -errno of what failed (EFBIG, ENOSPC,
 * ... as the system said it); on failure path is untouched and nothing is left behind.
 */
int atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

#endif
