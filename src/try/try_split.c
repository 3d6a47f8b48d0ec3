// SPDX-License-Identifier: GPL-2.0
/*
 * The user's command lines (--server, --attach, --detach) split into words without a shell, and
 * their placeholders replaced by values checked before they are put in (try_int.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "try/try_int.h"

/* The placeholders' values: an IPv4 address, a port, a device name. */
static int check_subst(const struct try_subst *s, char *why, size_t whylen)
{
	struct in_addr ia;
	size_t i, l;

	if (s->addr && inet_pton(AF_INET, s->addr, &ia) != 1) {
		snprintf(why, whylen, "{addr} would be '%.40s', not an IPv4 address", s->addr);
		return -EINVAL;
	}
	l = s->dev ? strlen(s->dev) : 0;
	if (s->dev && (l == 0 || l > 15 || s->dev[0] == '-')) {
		snprintf(why, whylen, "{dev} would be '%.40s', not a device name", s->dev);
		return -EINVAL;
	}
	for (i = 0; i < l; i++)
		if (!((s->dev[i] >= 'a' && s->dev[i] <= 'z') ||
		      (s->dev[i] >= 'A' && s->dev[i] <= 'Z') ||
		      (s->dev[i] >= '0' && s->dev[i] <= '9') || strchr("_.-", s->dev[i]))) {
			snprintf(why, whylen, "{dev} would hold 0x%02x: not a device name",
				 (unsigned char)s->dev[i]);
			return -EINVAL;
		}
	return 0;
}

/* Append c to the word being built. */
static int put(struct try_argv *out, size_t *o, char c)
{
	if (*o + 1 >= sizeof(out->buf))
		return -E2BIG;
	out->buf[(*o)++] = c;
	return 0;
}

/* "{name}" at p (s NULL: kept as it is, a check only): its length, or -EINVAL with why. */
static int placeholder(const char *p, const struct try_subst *s, struct try_argv *out, size_t *o,
		       char *why, size_t whylen)
{
	static const char *const names[] = { "{addr}", "{port}", "{dev}" };
	char val[16];
	const char *v = NULL;
	size_t i, n;

	for (i = 0; i < 3; i++)
		if (!strncmp(p, names[i], strlen(names[i])))
			break;
	if (i == 3) {
		n = strcspn(p, "} \t");
		snprintf(why, whylen,
			 "unknown placeholder '%.*s' (known: {addr}, {port}, {dev}; no '{' "
			 "otherwise)",
			 (int)(n < 20 ? n + (p[n] == '}') : 20), p);
		return -EINVAL;
	}
	n = strlen(names[i]);
	if (!s) {
		v = names[i];
	} else if (i == 0) {
		v = s->addr;
	} else if (i == 1) {
		snprintf(val, sizeof(val), "%u", s->port);
		v = val;
	} else {
		v = s->dev;
	}
	if (!v) {
		snprintf(why, whylen, "%s has no value here", names[i]);
		return -EINVAL;
	}
	for (; *v; v++)
		if (put(out, o, *v)) {
			snprintf(why, whylen, "the command is too long");
			return -E2BIG;
		}
	return (int)n;
}

static int split(const char *cmd, const struct try_subst *s, struct try_argv *out, char *why,
		 size_t whylen)
{
	size_t o = 0, len = strlen(cmd);
	const char *p = cmd;
	char q = 0;
	bool in_word = false;
	int err, n;

	memset(out, 0, sizeof(*out));
	if (len > TRY_CMD_MAX) {
		snprintf(why, whylen, "the command is longer than %d bytes", TRY_CMD_MAX);
		return -E2BIG;
	}
	if (s) {
		err = check_subst(s, why, whylen);
		if (err)
			return err;
	}
	for (;; p++) {
		char c = *p;

		if (!c || (!q && (c == ' ' || c == '\t'))) {
			if (q) {
				snprintf(why, whylen, "a quote (%c) is not closed", q);
				return -EINVAL;
			}
			if (in_word) {
				if (put(out, &o, '\0'))
					goto toolong;
				in_word = false;
			}
			if (!c)
				break;
			continue;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f) {
			snprintf(why, whylen, "a control byte 0x%02x in the command",
				 (unsigned char)c);
			return -EINVAL;
		}
		if (!in_word) {
			if (out->argc >= TRY_ARGV_MAX) {
				snprintf(why, whylen, "more than %d words", TRY_ARGV_MAX);
				return -E2BIG;
			}
			out->argv[out->argc++] = out->buf + o;
			in_word = true;
		}
		if (!q && (c == '\'' || c == '"')) {
			q = c;
			continue;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'') {
			if (!p[1]) {
				snprintf(why, whylen, "a '\\' ends the command");
				return -EINVAL;
			}
			if (put(out, &o, *++p))
				goto toolong;
			continue;
		}
		if (c == '{') {
			n = placeholder(p, s, out, &o, why, whylen);
			if (n < 0)
				return n;
			p += n - 1;
			continue;
		}
		if (put(out, &o, c))
			goto toolong;
	}
	if (!out->argc) {
		snprintf(why, whylen, "the command is empty");
		return -EINVAL;
	}
	out->argv[out->argc] = NULL;
	return 0;
toolong:
	snprintf(why, whylen, "the command is too long");
	return -E2BIG;
}

int try_split(const char *cmd, const struct try_subst *s, struct try_argv *out, char *why,
	      size_t whylen)
{
	return split(cmd, s, out, why, whylen);
}

int try_split_check(const char *cmd, char *why, size_t whylen)
{
	static struct try_argv a; /* large; the checks run once, before any thread */

	return split(cmd, NULL, &a, why, whylen);
}

void try_argv_line(const struct try_argv *a, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < a->argc && n < len; i++) {
		bool quote = strpbrk(a->argv[i], " \t'\"\\") || !a->argv[i][0];
		const char *c;

		if (i && n + 1 < len)
			buf[n++] = ' ';
		if (quote && n + 1 < len)
			buf[n++] = '\'';
		for (c = a->argv[i]; *c && n + 4 < len; c++) {
			if (*c == '\'' && quote) {
				memcpy(buf + n, "'\\''", 4);
				n += 4;
			} else {
				buf[n++] = *c;
			}
		}
		if (quote && n + 1 < len)
			buf[n++] = '\'';
		buf[n < len ? n : len - 1] = '\0';
	}
}
