// SPDX-License-Identifier: GPL-2.0
/* Control characters from elsewhere escaped before a terminal sees them: see termsafe.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/termsafe.h"

/* The bytes of the control character at s (0 when there is none there). */
static size_t ctl_len(const unsigned char *s)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) /* C1, as UTF-8 */
		return 2;
	return 0;
}

char *term_safe(char *dst, size_t len, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (!len)
		return dst;
	while (*s) {
		size_t c = ctl_len(s);
		char esc[8];
		size_t n;

		if (c == 1)
			n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", *s);
		else if (c == 2)
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", s[1]);
		else
			esc[0] = (char)*s, n = 1;
		if (o + n >= len)
			break;
		memcpy(dst + o, esc, n);
		o += n;
		s += c ? c : 1;
	}
	dst[o] = '\0';
	return dst;
}

int term_is_safe(const char *s)
{
	for (; *s; s++)
		if (ctl_len((const unsigned char *)s))
			return 0;
	return 1;
}

/* s escaped in a new buffer (the caller's), or NULL. */
static char *term_dup(const char *s)
{
	size_t len = strlen(s) * 6 + 1; /* at most six bytes per byte escaped */
	char *d = malloc(len);

	return d ? term_safe(d, len, s) : NULL;
}

int json_term_safe(json_t *j)
{
	const char *key;
	bool unsafe_keys = false;
	size_t i;
	int err = 0;
	json_t *v;

	if (json_is_string(j)) {
		char *d;

		if (term_is_safe(json_string_value(j)))
			return 0;
		d = term_dup(json_string_value(j));
		err = d && !json_string_set(j, d) ? 0 : -ENOMEM;
		free(d);
		return err;
	}
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			err = json_term_safe(v);
			if (err)
				return err;
		}
		return 0;
	}
	if (!json_is_object(j))
		return 0;
	json_object_foreach(j, key, v)
	{
		err = json_term_safe(v);
		if (err)
			return err;
		unsafe_keys |= !term_is_safe(key);
	}
	if (unsafe_keys) {
		/* the members again under escaped keys: keys are not changed in place */
		json_t *o = json_object();

		json_object_foreach(j, key, v)
		{
			char *d = term_dup(key);

			err = o && d && !json_object_set(o, d, v) ? 0 : -ENOMEM;
			free(d);
			if (err)
				break;
		}
		if (!err && (json_object_clear(j) || json_object_update(j, o)))
			err = -ENOMEM;
		json_decref(o);
	}
	return err;
}
