// SPDX-License-Identifier: GPL-2.0
/* Lines from another program, escaped, on one of ours: see safecopy.h. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/linerd.h"
#include "lib/safecopy.h"
#include "lib/termsafe.h"

#define SAFECOPY_LINE 4096

struct safecopy {
	int fd;
	FILE *out;
	pthread_t th;
	atomic_bool stop;
	char shown[SAFECOPY_LINE * 6 + 1]; /* at most six bytes per byte escaped */
};

/* Every whole line buffered, shown; false at the end of the input. */
static bool show_lines(struct safecopy *c, struct linerd *lr)
{
	for (;;) {
		char *line;

		switch (lr_next(lr, &line)) {
		case LR_LINE:
			fprintf(c->out, "%s\n", term_safe(c->shown, sizeof(c->shown), line));
			break;
		case LR_TOOLONG:
			fprintf(c->out,
				"offloadlab: (a line over %d bytes from the other host, not "
				"shown)\n",
				SAFECOPY_LINE);
			break;
		case LR_NUL:
			fprintf(c->out, "offloadlab: (a line with a NUL byte from the other host, "
					"not shown)\n");
			break;
		case LR_MORE:
			fflush(c->out);
			return true;
		case LR_EOF:
			fflush(c->out);
			return false;
		}
	}
}

static void *copy_thread(void *arg)
{
	struct safecopy *c = arg;
	struct linerd lr;

	if (lr_init(&lr, c->fd, SAFECOPY_LINE))
		return NULL;
	while (show_lines(c, &lr)) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		int n = poll(&p, 1, 100);
		ssize_t got;

		if (n == 0 && atomic_load(&c->stop))
			break; /* asked to stop, and nothing more came */
		if (n <= 0)
			continue;
		got = lr_fill(&lr);
		if (got < 0 && got != -EINTR && got != -EAGAIN)
			break;
	}
	lr_free(&lr);
	return NULL;
}

struct safecopy *safecopy_start(int fd, FILE *out)
{
	struct safecopy *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->out = out;
	if (pthread_create(&c->th, NULL, copy_thread, c)) {
		free(c);
		return NULL;
	}
	return c;
}

void safecopy_stop(struct safecopy *c)
{
	if (!c)
		return;
	atomic_store(&c->stop, true);
	pthread_join(c->th, NULL);
	close(c->fd);
	free(c);
}
