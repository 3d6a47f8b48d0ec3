/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ENV_H
#define OLAB_ENV_H

#include <stdbool.h>

#include <jansson.h>

/*
 * The environment block recorded with every run: kernel, config bits that matter, CPU,
 * virtualisation, clock source, mitigations, governor/SMT, bpf_stats, PMU, tool versions.
 * Values that cannot be read are "unknown", never guessed.
 */
json_t *env_capture(void);

/* Print the block as "key: value" lines. */
void env_print(json_t *env, FILE *f);

/* Read the first line of a file into buf without its newline; 0 or -errno. */
int env_read_line(const char *path, char *buf, size_t len);

#endif
