/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_SAFECOPY_H
#define OLAB_SAFECOPY_H

/*
 * Another program's output shown on ours, line by line, with its control characters escaped
 * (termsafe.h): the agent's standard error, and ssh's, reach the terminal without driving it.
 */

#include <stdio.h>

struct safecopy;

/* A thread copying fd's lines to out; fd is then its to close. NULL (fd still the caller's). */
struct safecopy *safecopy_start(int fd, FILE *out);
/* What is there copied, the thread stopped and fd closed (also when a writer keeps it open). */
void safecopy_stop(struct safecopy *c);

#endif
