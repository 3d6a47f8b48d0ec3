/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ATOMICFILE_H
#define OLAB_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Output paths given on the command line (-o, --json) are written one of two ways, and every
 * other kind of path is refused with the reason, never replaced:
 *   OUT_FILE    nothing there yet, or a regular file: written whole or not at all (below);
 *   OUT_STREAM  this command's own stdout or stderr (/dev/stdout, /dev/fd/2 ...), a FIFO, a
 *               terminal or /dev/null, also through a symbolic link: written through, as is.
 * Refused: a symbolic link to a regular file or to nothing (not followed: name the file
 * itself), a folder, a socket, any other device, and a symbolic link owned by someone other
 * than this user or root (it could send the output anywhere).
 */
enum out_kind { OUT_FILE = 0, OUT_STREAM = 1 };

/*
 * How path would be written: OUT_FILE, OUT_STREAM, or -errno with the reason in why (a whole
 * sentence naming path): -ELOOP (a link not followed), -EISDIR, -ENXIO (a socket, or a FIFO
 * no process reads yet), -ENODEV (another device), -EACCES (someone else's link).
 */
int out_check(const char *path, char *why, size_t len);

/*
 * Write path as out_check says: fill(f, arg) writes into a temporary file created
 * exclusively beside path (mkstemp: a name planted by someone else is never followed), which
 * then replaces path; or into the stream itself. fill returns 0 or -errno. 0, or -errno of
 * what failed (EFBIG, ENOSPC, ... as the system said it; a refusal says why on stderr first);
 * on failure a file path is untouched and nothing is left behind.
 */
int atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/*
 * A folder to create things in (run -o): 1 when the path goes through a symbolic link (then
 * why says where it leads), 0 when not, or -EACCES when one of those links belongs to
 * someone other than this user or root (why says which).
 */
int out_dir_check(const char *path, char *why, size_t len);

#endif
