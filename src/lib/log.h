/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LOG_H
#define OLAB_LOG_H

#include <stdbool.h>

/* Diagnostics go to stderr; results never pass through here. */
extern int log_verbose;

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print "offloadlab: <what>: <strerror(-err)>[: <hint>]" and return err (a negative errno)
 * so callers can write `return log_errno(-errno, "open %s", path);`.
 */
int log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Route libbpf's messages through our log; debug lines only with -v. */
void log_setup_libbpf(void);

#endif
