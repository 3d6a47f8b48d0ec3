// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomicfile.h"
#include "lib/sigclean.h"

int atomic_write(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
	char tmp[4200];
	int n, fd, err = 0;
	FILE *f;

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
