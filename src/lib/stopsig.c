// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "lib/stopsig.h"

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
}

int stopsig_catch(const int *sigs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (; *sigs; sigs++)
		if (sigaction(*sigs, &sa, NULL))
			return -errno;
	return 0;
}

int stopsig_catch_default(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, 0 };

	return stopsig_catch(sigs);
}

int stopsig_pending(void)
{
	return stop_sig;
}

volatile sig_atomic_t *stopsig_flag(void)
{
	return &stop_sig;
}
