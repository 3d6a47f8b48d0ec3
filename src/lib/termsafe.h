/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TERMSAFE_H
#define OLAB_TERMSAFE_H

/*
 * Text from elsewhere (the agent's events, errors, labels) made safe for a terminal: every
 * control character, C0 (tab and newline included), DEL and C1 (U+0080..U+009F, as UTF-8), is
 * written as \xNN or \u00NN, so that no escape sequence another host sends reaches the
 * terminal as one.
 */

#include <stddef.h>

#include <jansson.h>

/* src escaped into dst (len bytes, always terminated, cut at a whole escape); dst. */
char *term_safe(char *dst, size_t len, const char *src);
/* Whether s holds nothing term_safe would escape. */
int term_is_safe(const char *s);
/* Every string in a JSON tree, object keys included, rewritten as term_safe does; 0 or -ENOMEM. */
int json_term_safe(json_t *j);

#endif
