/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LINERD_H
#define OLAB_LINERD_H

/*
 * Lines read from a descriptor that someone else writes (the agent's requests, its answers),
 * each at most max bytes before its newline. A longer line is refused whole: its bytes are
 * dropped up to its newline and it is reported once, never parsed in pieces. A line holding a
 * NUL byte is refused whole too (a C string would end there and the rest go unseen).
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum lr_status {
	LR_LINE,    /* the next line, NUL-terminated, without its newline */
	LR_MORE,    /* no whole line buffered: lr_fill, then ask again */
	LR_TOOLONG, /* a line over max bytes was dropped whole (said at its end) */
	LR_NUL,	    /* a line holding a NUL byte was dropped whole */
	LR_EOF,	    /* the input ended and every line was taken */
};

struct linerd {
	int fd;
	size_t max;	/* bytes in a line, its newline not counted */
	char *buf;	/* max + 1 bytes: a whole line and its newline */
	size_t have;	/* bytes buffered */
	size_t scanned; /* of which hold no newline */
	size_t taken;	/* the line handed out last, dropped at the next call */
	bool skipping;	/* inside a line over max: dropping up to its newline */
	bool eof;
};

/* 0 or -ENOMEM. */
int lr_init(struct linerd *lr, int fd, size_t max);
void lr_free(struct linerd *lr);
/* One read(): the bytes read, 0 at the end of the input, or -errno (-EAGAIN: none now). */
ssize_t lr_fill(struct linerd *lr);
/* The next line in *line (valid until the next call), or why there is none. */
enum lr_status lr_next(struct linerd *lr, char **line);

#endif
