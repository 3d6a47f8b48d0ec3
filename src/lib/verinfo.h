/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_VERINFO_H
#define OLAB_VERINFO_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * What this build is and what it runs with: offloadlab's version and git describe, the
 * libbpf and libxdp actually loaded (their file's version, not the headers'), the kernel.
 */

/*
 * The version of the shared library whose file name starts with prefix ("libbpf.so") as
 * loaded into this process, from the name its soname link resolves to (libbpf.so.1.1.2 ->
 * "1.1.2"); "unknown" when it cannot be told. Returns buf.
 */
const char *version_of_lib(const char *prefix, char *buf, size_t len);

/* The lines of 'offloadlab --version'. */
void version_print(FILE *f);

/* {"offloadlab", "git_describe", "libbpf_runtime", "libxdp"} for the environment block. */
json_t *version_json(void);

#endif
