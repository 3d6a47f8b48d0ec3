/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_STOPSIG_H
#define OLAB_STOPSIG_H

/*
 * A long-running command's stop flag: the signals it is told to catch set it (the first one
 * caught is kept), and the command's loop looks at it. Handlers are installed without
 * SA_RESTART, so that a blocking call returns EINTR and the loop sees the flag at once.
 */

#include <signal.h>

/* Catches each signal of the 0-terminated list; 0, or -errno (nothing changed for the rest). */
int stopsig_catch(const int *sigs);
/* SIGINT, SIGTERM, SIGHUP and SIGQUIT: what a server stops on. */
int stopsig_catch_default(void);
/* The signal that asked to stop, 0 while none has. */
int stopsig_pending(void);
/* The flag itself, for code that takes a stop flag (lg_opts.stop): non-zero once asked. */
volatile sig_atomic_t *stopsig_flag(void);

#endif
