// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache's pins: links and maps under <bpffs>/olab-kvcache-<netns>-<ifindex>, keyed by
 * the network namespace and the device, never by a name alone. Every program is attached
 * through a link (XDP, and tcx on egress), so removing the pins removes the programs, and a
 * bpffs that goes away takes them with it: the pins go where they outlive the command.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvcache/kvc_pins.h"
#include "lib/log.h"

#include "kvcache.skel.h"
#include "lib/util.h"

#define BPFFS_MAGIC 0xcafe4a11

unsigned long long kvc_netns_id(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (unsigned long long)st.st_ino;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPFFS_MAGIC;
}

/* Whether process pid (0: this one) is in the mount namespace of process other. */
static bool same_mounts(int pid, int other)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), pid ? "/proc/%d/ns/mnt" : "/proc/self/ns/mnt", pid);
	snprintf(b, sizeof(b), "/proc/%d/ns/mnt", other);
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_ino == sb.st_ino;
}

/* Whether root holds a kvcache of this network namespace. */
static bool has_pins(const char *root)
{
	return kvc_each_pins(root, NULL, NULL) > 0;
}

/*
 * Where pins already are (detach, stats): ours, the host's, or the one of the namespace the
 * command was started from, whichever holds this namespace's cache (a command run last in a
 * 'bash -c' replaces the shell, and its parent is then outside the shell's namespace).
 */
static int find_root(char *root, size_t len)
{
	char cand[3][64];
	int i, first = -1;

	snprintf(cand[0], sizeof(cand[0]), "/sys/fs/bpf");
	snprintf(cand[1], sizeof(cand[1]), "/proc/1/root/sys/fs/bpf");
	snprintf(cand[2], sizeof(cand[2]), "/proc/%d/root/sys/fs/bpf", (int)getppid());
	for (i = 0; i < 3; i++) {
		if (!is_bpffs(cand[i]))
			continue;
		if (first < 0)
			first = i;
		if (has_pins(cand[i])) {
			first = i;
			break;
		}
	}
	if (first < 0)
		return -ENOENT;
	snprintf(root, len, "%s", cand[first]);
	return 0;
}

int kvc_pin_root(char *root, size_t len, bool mount_it)
{
	int ppid = (int)getppid();
	char p[64];

	if (!mount_it)
		return find_root(root, len);
	/* the host's mount namespace: its bpffs stays as long as the host runs */
	if (same_mounts(0, 1) || (ppid > 1 && same_mounts(0, ppid))) {
		/* (or this mount namespace outlives the command: its parent shares it) */
		snprintf(root, len, "/sys/fs/bpf");
		if (is_bpffs(root))
			return 0;
		if (same_mounts(0, 1) || !is_bpffs("/proc/1/root/sys/fs/bpf")) {
			/* as bpftool does: mount it where tools expect it */
			if (mount("bpf", root, "bpf", 0, "mode=0700"))
				return log_errno(-errno, "mount the BPF filesystem on %s", root);
			log_info("mounted the BPF filesystem on %s", root);
			return 0;
		}
	}
	/*
	 * A mount namespace that ends with this command ('ip netns exec'): a bpffs there would
	 * take the pins, and the cache, with it. Pin in the host's, or in the one the command was
	 * started from, through /proc/PID/root.
	 */
	snprintf(root, len, "/proc/1/root/sys/fs/bpf");
	if (is_bpffs(root))
		return 0;
	snprintf(p, sizeof(p), "/proc/%d/root/sys/fs/bpf", ppid);
	if (ppid > 1 && is_bpffs(p)) {
		snprintf(root, len, "%s", p);
		return 0;
	}
	fprintf(stderr,
		"offloadlab kvcache: this command runs in a mount namespace of its own that "
		"ends with it (as under 'ip netns exec'), and the namespace it was started "
		"from has no BPF filesystem on /sys/fs/bpf to keep the cache in: nothing "
		"attached. Mount one there (mount -t bpf bpf /sys/fs/bpf), or run "
		"'nsenter --net=/run/netns/NS offloadlab kvcache ...'\n");
	return -ENOENT;
}

void kvc_pin_dir(const char *root, unsigned int ifindex, char *dir, size_t len)
{
	snprintf(dir, len, "%s/olab-kvcache-%llx-%u", root, kvc_netns_id(), ifindex);
}

static int read_info(const char *dir, struct kvc_attach_info *info)
{
	char p[600];
	__u32 zero = 0;
	int fd, err;

	snprintf(p, sizeof(p), "%s/attach_info", dir);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	err = bpf_map_lookup_elem(fd, &zero, info) ? -errno : 0;
	close(fd);
	return err;
}

int kvc_each_pins(const char *root, void (*fn)(const char *dir, void *arg), void *arg)
{
	char prefix[64], dir[512];
	struct dirent *de;
	DIR *d = opendir(root);
	int n = 0;

	snprintf(prefix, sizeof(prefix), "olab-kvcache-%llx-", kvc_netns_id());
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
		n++;
		if (fn)
			fn(dir, arg);
	}
	if (d)
		closedir(d);
	return n;
}

struct by_name {
	const char *dev;
	char *dir;
	size_t len;
	struct kvc_attach_info *info;
	int found;
};

static void match_name(const char *dir, void *arg)
{
	struct by_name *b = arg;
	struct kvc_attach_info info = { 0 };

	if (b->found || read_info(dir, &info) ||
	    strncmp(info.ifname, b->dev, sizeof(info.ifname)) ||
	    if_nametoindex(b->dev) == info.ifindex)
		return;
	snprintf(b->dir, b->len, "%s", dir);
	*b->info = info;
	b->found = 1;
}

int kvc_find_pins(const char *root, const char *dev, char *dir, size_t len,
		  struct kvc_attach_info *info)
{
	unsigned int ifindex = if_nametoindex(dev);
	struct by_name b = { .dev = dev, .dir = dir, .len = len, .info = info };

	memset(info, 0, sizeof(*info));
	if (ifindex) {
		kvc_pin_dir(root, ifindex, dir, len);
		if (!access(dir, F_OK)) {
			if (read_info(dir, info))
				return 0; /* pins without their info: removable all the same */
			if (info->ifindex != ifindex || info->netns != kvc_netns_id())
				return -ENODEV;
			return 0;
		}
	}
	/* the device is gone (or was renamed since): the pins named it at attach */
	kvc_each_pins(root, match_name, &b);
	return b.found ? 0 : -ENOENT;
}

int kvc_pin_path(const char *dev, const char *name, char *buf, size_t len)
{
	struct kvc_attach_info info;
	char root[256], dir[512];
	int err = kvc_pin_root(root, sizeof(root), false);

	if (!err)
		err = kvc_find_pins(root, dev, dir, sizeof(dir), &info);
	if (!err)
		snprintf(buf, len, "%s/%s", dir, name);
	return err;
}

/* A tcx link's fd, pinned at path. */
static int pin_fd(int fd, const char *path)
{
	return bpf_obj_pin(fd, path) ? -errno : 0;
}

int kvc_pin_all(struct kvc *k, const char *dir)
{
	struct {
		const char *name;
		struct bpf_map *map;
	} maps[] = {
		{ "counters", k->skel->maps.counters },
		{ "cache", k->skel->maps.cache },
		{ "attach_info", k->skel->maps.attach_info },
		/* for a key-value server on AF_XDP behind the cache (offloadlab afxdp-kv) */
		{ "kvc_config", k->skel->maps.kvc_config },
		{ "kvc_xsks", k->skel->maps.kvc_xsks },
		/* what stats shows of the cache's state: the epoch, holds, windows */
		{ "data", k->skel->maps.data },
		{ "bss", k->skel->maps.bss },
		{ "fence", k->skel->maps.fence },
		{ "gwin", k->skel->maps.gwin },
		{ "suspects", k->skel->maps.suspects },
	};
	char p[600];
	size_t m;
	int err, i;

	if (mkdir(dir, 0700))
		return -errno;
	snprintf(p, sizeof(p), "%s/xdp_link", dir);
	err = bpf_link__pin(k->xdp, p);
	if (!err) {
		snprintf(p, sizeof(p), "%s/tcx_link", dir);
		err = pin_fd(k->tcx, p);
	}
	for (m = 0; !err && m < ARRAY_SIZE(maps); m++) {
		snprintf(p, sizeof(p), "%s/%s", dir, maps[m].name);
		err = bpf_map__pin(maps[m].map, p);
	}
	for (i = 0; !err && i < k->nextra; i++) {
		snprintf(p, sizeof(p), "%s/xdp_link_%d", dir, k->extra[i].ifindex);
		err = bpf_link__pin(k->extra[i].xdp, p);
		snprintf(p, sizeof(p), "%s/tcx_link_%d", dir, k->extra[i].ifindex);
		if (!err)
			err = pin_fd(k->extra[i].tcx, p);
	}
	for (i = 0; !err && i < KVC_NCG; i++) {
		snprintf(p, sizeof(p), "%s/cgroup_link_%d", dir, i);
		err = bpf_link__pin(k->cg[i], p);
	}
	if (err)
		return err;
	/* the pinned links keep the programs: let go of this process's handles */
	bpf_link__disconnect(k->xdp);
	for (i = 0; i < k->nextra; i++)
		bpf_link__disconnect(k->extra[i].xdp);
	for (i = 0; i < KVC_NCG; i++)
		bpf_link__disconnect(k->cg[i]);
	return 0;
}

void kvc_unpin_all(const char *dir)
{
	struct dirent *de;
	char p[600];
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}
