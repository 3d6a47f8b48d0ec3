// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/atomicfile.h"
#include "lib/log.h"
#include "lib/sigclean.h"

/* This command's own stdout or stderr: the same file, whatever the path to it. */
static bool own_stream(const struct stat *st, int *fd)
{
	struct stat o;
	int i;

	for (i = STDOUT_FILENO; i <= STDERR_FILENO; i++)
		if (!fstat(i, &o) && o.st_dev == st->st_dev && o.st_ino == st->st_ino) {
			*fd = i;
			return true;
		}
	return false;
}

/* /dev/null, or a terminal (tty, console, pts): devices a stream may go to. */
static bool plain_chardev(const struct stat *st)
{
	unsigned int ma = major(st->st_rdev), mi = minor(st->st_rdev);

	return S_ISCHR(st->st_mode) &&
	       ((ma == 1 && mi == 3) || ma == 4 || ma == 5 || (ma >= 136 && ma <= 143));
}

static bool trusted_link(const struct stat *l)
{
	return l->st_uid == geteuid() || l->st_uid == 0;
}

int out_check(const char *path, char *why, size_t len)
{
	struct stat l, st;
	char real[PATH_MAX];
	int fd;

	if (lstat(path, &l)) {
		if (errno == ENOENT)
			return OUT_FILE;
		snprintf(why, len, "cannot look at %s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISREG(l.st_mode))
		return OUT_FILE;
	if (S_ISLNK(l.st_mode) && !trusted_link(&l)) {
		snprintf(why, len,
			 "%s is a symbolic link of uid %u's: refused (it could send the output "
			 "anywhere); name the file itself",
			 path, (unsigned int)l.st_uid);
		return -EACCES;
	}
	if (stat(path, &st)) {
		snprintf(why, len,
			 "%s is a symbolic link to nothing: not followed; remove it, or name "
			 "another file",
			 path);
		return -ELOOP;
	}
	if (own_stream(&st, &fd) || S_ISFIFO(st.st_mode) || plain_chardev(&st))
		return OUT_STREAM;
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s is a folder: give a file name", path);
		return -EISDIR;
	}
	if (S_ISREG(st.st_mode)) {
		snprintf(why, len,
			 "%s is a symbolic link to the file %s: not followed (it would be replaced "
			 "by a file); name that file itself, or remove the link",
			 path, realpath(path, real) ? real : "?");
		return -ELOOP;
	}
	if (S_ISSOCK(st.st_mode)) {
		snprintf(why, len, "%s is a socket: refused; give a file name", path);
		return -ENXIO;
	}
	snprintf(why, len,
		 "%s is a device: refused (only a terminal, /dev/null, a FIFO or this command's "
		 "own stdout or stderr are written through); give a file name",
		 path);
	return -ENODEV;
}

/* Open the stream out_check allowed, and check it is still what was looked at. */
static int open_stream(const char *path, char *why, size_t len)
{
	struct stat st, o;
	int fd;

	if (stat(path, &st))
		return -errno;
	if (own_stream(&st, &fd)) {
		fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	/* non-blocking: a FIFO no process reads is refused at once, not waited for */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO && S_ISFIFO(st.st_mode))
			snprintf(why, len,
				 "%s is a FIFO no process reads: start its reader first, or give a "
				 "file name",
				 path);
		return -errno;
	}
	if (fstat(fd, &o) || o.st_dev != st.st_dev || o.st_ino != st.st_ino ||
	    !(S_ISFIFO(o.st_mode) || plain_chardev(&o)) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		close(fd);
		snprintf(why, len, "%s changed while it was opened: not written", path);
		return -EAGAIN;
	}
	return fd;
}

static int write_stream(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char why[512] = "";
	int fd = open_stream(path, why, sizeof(why)), err;
	FILE *f;

	if (fd < 0) {
		if (why[0])
			log_info("%s", why);
		return fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	errno = 0;
	err = fill(f, arg);
	if (!err && (fflush(f) || ferror(f)))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char tmp[4200], why[512];
	int n, fd, err = 0, kind = out_check(path, why, sizeof(why));
	FILE *f;

	if (kind < 0) {
		log_info("%s", why);
		return kind;
	}
	if (kind == OUT_STREAM)
		return write_stream(path, fill, arg);
	n = snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	sigclean_add(tmp); /* a run interrupted here leaves no half-written file */
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		sigclean_del(tmp);
		return err;
	}
	errno = 0;
	err = fill(f, arg);
	if (!err && (fflush(f) || ferror(f)))
		err = errno ? -errno : -EIO;
	if (err == -EIO && errno)
		err = -errno; /* the cause the system gave, not a generic I/O error */
	if (!err && fchmod(fd, 0644))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	sigclean_del(tmp);
	return err;
}

int out_dir_check(const char *path, char *why, size_t len)
{
	char part[PATH_MAX], real[PATH_MAX];
	size_t i, n = strlen(path), last = 0;

	if (n >= sizeof(part))
		return -ENAMETOOLONG;
	/* every prefix: a/b/c looks at a, a/b and a/b/c */
	for (i = 1; i <= n; i++) {
		struct stat l;

		if (i < n && path[i] != '/')
			continue;
		memcpy(part, path, i);
		part[i] = '\0';
		if (lstat(part, &l) || !S_ISLNK(l.st_mode))
			continue;
		if (!trusted_link(&l)) {
			snprintf(
				why, len,
				"%s is a symbolic link of uid %u's: refused (it could send a run's "
				"files anywhere); give the folder it leads to",
				part, (unsigned int)l.st_uid);
			return -EACCES;
		}
		last = i;
	}
	if (!last)
		return 0;
	/* where the last link leads, and the rest of the path (which may not exist yet) */
	memcpy(part, path, last);
	part[last] = '\0';
	snprintf(why, len, "%s leads through a symbolic link to %s%s", path,
		 realpath(part, real) ? real : part, path + last);
	return 1;
}
