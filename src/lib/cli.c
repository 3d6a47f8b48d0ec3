// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/util.h"

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* decimal digits only: "010" is ten and "0x10" is refused, never octal or hex */
	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || *end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_duration_ns(const char *s, uint64_t *out_ns)
{
	static const struct {
		const char *suffix;
		uint64_t ns;
	} units[] = { { "ns", 1 },	   { "us", 1000 },	    { "ms", 1000000 },
		      { "s", 1000000000 }, { "m", 60000000000ULL }, { "", 1000000000 } };
	char num[32];
	size_t i, len;
	uint64_t v;
	int err;

	if (!s)
		return -EINVAL;
	for (len = 0; s[len] && isdigit((unsigned char)s[len]); len++)
		;
	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	err = cli_parse_u64(num, 0, UINT64_MAX, &v);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(s + len, units[i].suffix) == 0) {
			if (v > UINT64_MAX / units[i].ns)
				return -ERANGE;
			*out_ns = v * units[i].ns;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t cli_arg_u64(struct argp_state *state, const char *opt, const char *arg, uint64_t lo,
		     uint64_t hi)
{
	uint64_t v = 0;

	if (cli_parse_u64(arg, lo, hi, &v))
		argp_error(state, "%s takes a whole number from %llu to %llu, not '%s'", opt,
			   (unsigned long long)lo, (unsigned long long)hi, arg);
	return v;
}

uint64_t cli_arg_seconds(struct argp_state *state, const char *opt, const char *arg)
{
	uint64_t v = 0;

	if (cli_parse_u64(arg, 1, 86400, &v))
		argp_error(state, "%s takes 1..86400 seconds, not '%s'", opt, arg);
	return v;
}
