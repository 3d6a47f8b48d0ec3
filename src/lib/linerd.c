// SPDX-License-Identifier: GPL-2.0
/* Bounded lines from a descriptor: see linerd.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/linerd.h"

int lr_init(struct linerd *lr, int fd, size_t max)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	lr->max = max;
	lr->buf = malloc(max + 1);
	return lr->buf ? 0 : -ENOMEM;
}

void lr_free(struct linerd *lr)
{
	free(lr->buf);
	lr->buf = NULL;
}

/* The line handed out last leaves the buffer. */
static void lr_drop_taken(struct linerd *lr)
{
	if (!lr->taken)
		return;
	lr->have -= lr->taken;
	memmove(lr->buf, lr->buf + lr->taken, lr->have);
	lr->taken = 0;
	lr->scanned = 0;
}

ssize_t lr_fill(struct linerd *lr)
{
	ssize_t n;

	lr_drop_taken(lr);
	if (lr->eof)
		return 0;
	if (lr->have > lr->max) /* a whole line is buffered: lr_next takes it first */
		return -ENOBUFS;
	n = read(lr->fd, lr->buf + lr->have, lr->max + 1 - lr->have);
	if (n < 0)
		return -errno;
	if (n == 0)
		lr->eof = true;
	lr->have += (size_t)n;
	return n;
}

enum lr_status lr_next(struct linerd *lr, char **line)
{
	char *nl;
	size_t l;

	lr_drop_taken(lr);
	*line = NULL;
	nl = memchr(lr->buf + lr->scanned, '\n', lr->have - lr->scanned);
	if (lr->skipping) {
		if (!nl) {
			lr->have = lr->scanned = 0;
			if (!lr->eof)
				return LR_MORE;
			lr->skipping = false;
			return LR_TOOLONG; /* the input ended inside it */
		}
		lr->taken = (size_t)(nl - lr->buf) + 1;
		lr->skipping = false;
		return LR_TOOLONG;
	}
	if (!nl) {
		lr->scanned = lr->have;
		if (lr->have > lr->max) {
			/* max + 1 bytes and no newline: over the limit, dropped to its end */
			lr->have = lr->scanned = 0;
			lr->skipping = true;
			return lr_next(lr, line);
		}
		if (!lr->eof)
			return LR_MORE;
		if (!lr->have)
			return LR_EOF;
		/* the last line, with no newline at the end of the input */
		nl = lr->buf + lr->have;
		lr->taken = lr->have;
	} else {
		lr->taken = (size_t)(nl - lr->buf) + 1;
	}
	l = (size_t)(nl - lr->buf);
	if (memchr(lr->buf, '\0', l))
		return LR_NUL;
	lr->buf[l] = '\0'; /* the newline's place, or the spare byte past the last line */
	*line = lr->buf;
	return LR_LINE;
}
