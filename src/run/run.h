/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_RUN_H
#define OLAB_RUN_H

/* offloadlab run: experiments, their tables, results.json and report.html in a run folder. */
int run_main(int argc, char **argv);

/*
 * Create a fresh folder PARENT/STAMP (PARENT made if missing): PARENT/STAMP-2, -3 ... when
 * taken, so two runs in one second never share one. Writes its path to dir; 0 or -errno.
 */
int run_folder_create(const char *parent, const char *stamp, char *dir, size_t len);

/*
 * Take the machine-wide run lock at path: 0, or -EBUSY with *holder set to the pid of the run
 * that holds it, as the lock itself says (F_GETLK), or 0 when unknown (a holder in another
 * pid namespace). Two runs at once spoil each other's figures. The lock goes with the
 * process (a POSIX record lock: not inherited by fork; one call per process).
 */
int run_lock(const char *path, int *holder);

#endif
