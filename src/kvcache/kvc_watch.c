// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache watches memcached's own sockets: when its UDP socket or TCP listener closes (a
 * stop, a restart), everything cached goes and nothing is answered until it binds again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvcache/kvc.h"
#include "lib/log.h"

#include "kvcache.skel.h"
#include "lib/util.h"

/* Where the cgroup v2 hierarchy is mounted (its root), from /proc/self/mounts. */
static int cgroup2_root(char *out, size_t len)
{
	char dev[64], dir[512], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%63s %511s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup2")) {
			snprintf(out, len, "%s", dir);
			err = 0;
			break;
		}
	fclose(f);
	return err;
}

/* Inodes of this namespace's UDP sockets and TCP listeners on port, from /proc/net. */
static int port_inodes(uint16_t port, unsigned long *ino, int max)
{
	static const char *const files[] = { "/proc/net/udp", "/proc/net/udp6", "/proc/net/tcp",
					     "/proc/net/tcp6" };
	char line[512], local[128];
	unsigned int st, lport;
	unsigned long inode;
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		FILE *f = fopen(files[i], "r");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f) && n < max) {
			char *colon;

			/* sl local rem st tx:rx tr:tm retr uid timeout inode */
			if (sscanf(line, " %*s %127s %*s %x %*s %*s %*s %*s %*s %lu", local, &st,
				   &inode) != 3)
				continue;
			colon = strrchr(local, ':');
			if (!colon || sscanf(colon + 1, "%x", &lport) != 1 || lport != port)
				continue;
			if (i >= 2 && st != 0x0a) /* TCP: listeners only */
				continue;
			ino[n++] = inode;
		}
		fclose(f);
	}
	return n;
}

/*
 * memcached bound its sockets before the cache came: find them (by inode, in /proc/PID/fd),
 * borrow each with pidfd_getfd and note its cookie, so that their closing is seen. 0, or the
 * number it could not register.
 */
static int register_server_socks(struct kvc *k, uint16_t port)
{
	unsigned long ino[64];
	int n = port_inodes(port, ino, 64), found = 0, i;
	struct dirent *pd;
	DIR *proc;
	__u8 one = 1;

	if (!n) {
		log_info(
			"no socket on port %u in this namespace yet: the kvcache notes memcached's "
			"sockets when they bind",
			port);
		return 0;
	}
	proc = opendir("/proc");
	while (proc && (pd = readdir(proc)) && found < n) {
		char path[300], link[64], want[64];
		struct dirent *fe;
		DIR *fds;
		int pid = atoi(pd->d_name), pidfd; /* NOLINT: 0 for non-numbers, skipped */

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		pidfd = -1;
		while ((fe = readdir(fds))) {
			char fdpath[600];
			ssize_t l;

			snprintf(fdpath, sizeof(fdpath), "%s/%s", path, fe->d_name);
			l = readlink(fdpath, link, sizeof(link) - 1);
			if (l <= 0)
				continue;
			link[l] = '\0';
			for (i = 0; i < n; i++) {
				__u64 cookie;
				socklen_t cl = sizeof(cookie);
				int dup;

				snprintf(want, sizeof(want), "socket:[%lu]", ino[i]);
				if (strcmp(link, want))
					continue;
				if (pidfd < 0)
					pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
				dup = pidfd < 0 ? -1
						: (int)syscall(SYS_pidfd_getfd, pidfd,
							       atoi(fe->d_name), 0);
				if (dup >= 0 &&
				    !getsockopt(dup, SOL_SOCKET, SO_COOKIE, &cookie, &cl) &&
				    !bpf_map_update_elem(bpf_map__fd(k->skel->maps.server_socks),
							 &cookie, &one, BPF_ANY))
					found++;
				if (dup >= 0)
					close(dup);
			}
		}
		if (pidfd >= 0)
			close(pidfd);
		closedir(fds);
	}
	if (proc)
		closedir(proc);
	return n - found;
}

/*
 * Watch memcached's own sockets: when its UDP socket or TCP listener closes (a stop, a
 * restart), everything cached is dropped and nothing is answered until it binds again.
 */
int kvc_watch_server(struct kvc *k, uint16_t port)
{
	struct bpf_program *progs[KVC_NCG] = { k->skel->progs.olab_kvc_release,
					       k->skel->progs.olab_kvc_bind4,
					       k->skel->progs.olab_kvc_bind6,
					       k->skel->progs.olab_kvc_recv4,
					       k->skel->progs.olab_kvc_recv6 };
	char root[512];
	int fd, i, err = cgroup2_root(root, sizeof(root));

	if (err) {
		/*
		 * Not mounted here (under 'ip netns exec' /sys is mounted anew): mount the
		 * hierarchy on a private folder just long enough to open its root.
		 */
		snprintf(root, sizeof(root), "/tmp/olab-cgroup2.XXXXXX");
		if (!mkdtemp(root))
			return log_errno(-errno, "make a folder to mount cgroup2 on");
		if (mount("none", root, "cgroup2", 0, NULL)) {
			err = -errno;
			rmdir(root);
			return log_errno(err,
					 "mount the cgroup v2 hierarchy (to see memcached stop "
					 "or restart, which empties it)");
		}
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = fd < 0 ? -errno : 0;
		umount2(root, MNT_DETACH);
		rmdir(root);
		if (err)
			return log_errno(err, "open the cgroup v2 hierarchy");
	} else {
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return log_errno(-errno, "open %s", root);
	}
	for (i = 0; i < KVC_NCG; i++) {
		k->cg[i] = bpf_program__attach_cgroup(progs[i], fd);
		if (!k->cg[i]) {
			err = log_errno(-errno, "watch memcached's sockets from %s", root);
			break;
		}
	}
	close(fd);
	if (!err && (i = register_server_socks(k, port)) > 0)
		err = log_errno(-EPERM,
				"note %d of memcached's sockets on port %u (their closing, a stop "
				"or restart, would go unseen)",
				i, port);
	return err;
}
