// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/sigclean.h"
#include "lib/util.h"

#define SIGCLEAN_MAX 8

static char paths[SIGCLEAN_MAX][256];
static const char *const *kids[SIGCLEAN_MAX];
static int nkids[SIGCLEAN_MAX];
static volatile sig_atomic_t used[SIGCLEAN_MAX];

/* path/name into buf, with no stdio (async-signal-safe) */
static void join(char *buf, size_t len, const char *dir, const char *name)
{
	size_t o = 0, i;

	for (i = 0; dir[i] && o + 1 < len; i++)
		buf[o++] = dir[i];
	if (o + 1 < len)
		buf[o++] = '/';
	for (i = 0; name[i] && o + 1 < len; i++)
		buf[o++] = name[i];
	buf[o] = '\0';
}
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction before[ARRAY_SIZE(sigs)];
static int installed;

/* async-signal-safe: unlink and rmdir only */
static void on_signal(int sig)
{
	char child[512];
	size_t i;
	int k;

	for (i = 0; i < SIGCLEAN_MAX; i++) {
		if (!used[i])
			continue;
		for (k = 0; k < nkids[i]; k++) {
			join(child, sizeof(child), paths[i], kids[i][k]);
			unlink(child);
		}
		if (unlink(paths[i]))
			rmdir(paths[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigs[i] == sig) {
			sigaction(sig, &before[i], NULL);
			break;
		}
	raise(sig);
}

void sigclean_add(const char *path)
{
	sigclean_add_dir(path, NULL, 0);
}

void sigclean_add_dir(const char *path, const char *const *children, int n)
{
	struct sigaction sa;
	size_t i;

	if (!installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &sa, &before[i]);
		installed = 1;
	}
	for (i = 0; i < SIGCLEAN_MAX; i++)
		if (!used[i]) {
			snprintf(paths[i], sizeof(paths[i]), "%s", path);
			kids[i] = children;
			nkids[i] = n;
			used[i] = 1;
			return;
		}
}

void sigclean_del(const char *path)
{
	size_t i;

	for (i = 0; i < SIGCLEAN_MAX; i++)
		if (used[i] && !strcmp(paths[i], path))
			used[i] = 0;
}
