/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_SIGCLEAN_H
#define OLAB_SIGCLEAN_H

/*
 * Temporary files and folders to remove if SIGINT, SIGTERM, SIGHUP or SIGQUIT ends the
 * process while they exist; whatever handler was there before runs after (the testbed's
 * teardown, or the default). A handful at a time; paths are copied.
 */
void sigclean_add(const char *path);
/* A folder: the files named in children (a static list of n names) go first, then it. */
void sigclean_add_dir(const char *path, const char *const *children, int n);
void sigclean_del(const char *path);

#endif
