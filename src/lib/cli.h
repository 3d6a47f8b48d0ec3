/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CLI_H
#define OLAB_CLI_H

#include <stdint.h>

/* Exit codes of every subcommand. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 64 };

/*
 * Parse a whole unsigned decimal (or 0x hex) number within [min, max]. Returns 0 or -EINVAL
 * (not a number, trailing characters) or -ERANGE (outside the range).
 */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Parse a duration such as "500ms", "3s", "2m" or a bare number of seconds into ns. */
int cli_parse_duration_ns(const char *s, uint64_t *out_ns);

struct argp_state;
/*
 * An option's whole number within [lo, hi]; argp_error (which exits with 64) saying so when it
 * is not one: "--samples takes a whole number from 100 to 8000, not 'x'".
 */
uint64_t cli_arg_u64(struct argp_state *state, const char *opt, const char *arg, uint64_t lo,
		     uint64_t hi);
/* An option's whole seconds, 1..86400; argp_error (which exits) when it is not one. */
uint64_t cli_arg_seconds(struct argp_state *state, const char *opt, const char *arg);

#endif
