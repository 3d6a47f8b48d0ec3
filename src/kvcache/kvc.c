// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache's user side: load and attach (XDP on the server's ingress, TC on its egress),
 * detach, counters, and 'offloadlab kvcache attach|detach|stats', which pins what it
 * attached under /sys/fs/bpf/olab-kvcache-<dev> so that it outlives the command.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>
#include <bpf/libbpf.h>

#include "lib/bpfutil.h"
#include "kvcache/kvc.h"
#include "kvcache/kvc_prom.h"
#include "lib/cli.h"
#include "lib/log.h"

#include "kvcache.skel.h"
#include "lib/util.h"

#define PIN_ROOT "/sys/fs/bpf"

static const char *const counter_names[KVC_NCOUNTERS] = {
	[KVC_HIT] = "hit",
	[KVC_MISS] = "miss",
	[KVC_TOO_BIG] = "too big",
	[KVC_NOT_CACHEABLE] = "not cacheable",
	[KVC_PARSE_PASS] = "parse pass",
	[KVC_INVALIDATION] = "invalidation",
	[KVC_FILL] = "fill",
	[KVC_FILL_FENCED] = "fill rejected by fence",
	[KVC_DESYNC] = "tcp desync",
	[KVC_NO_ROOM] = "hit without frame room",
	[KVC_UNREAD_DGRAM] = "datagram not read whole (flush)",
	[KVC_NOT_LOCAL] = "not addressed to this host",
	[KVC_SRC_REFUSED] = "source not allowed",
	[KVC_RATE_LIMITED] = "source over its rate",
	[KVC_BAD_FRAME] = "bad length or checksum",
	[KVC_UNTRACKED] = "tcp table full (fills stopped)",
	[KVC_OPAQUE] = "fragment or ext header (flush)",
	[KVC_SERVER_GONE] = "memcached went away (flush)",
	[KVC_NO_SERVER] = "get while memcached is down",
};

const char *kvc_counter_name(enum kvc_counter c)
{
	return c < KVC_NCOUNTERS ? counter_names[c] : "?";
}

int kvc_counters(int map_fd, uint64_t out[KVC_NCOUNTERS])
{
	int c, err;

	for (c = 0; c < KVC_NCOUNTERS; c++) {
		err = bpfu_percpu_sum(map_fd, (uint32_t)c, &out[c]);
		if (err)
			return err;
	}
	return 0;
}

int kvc_parse_cidr(const char *s, int *v6, uint8_t addr[16], int *prefix)
{
	char buf[64], *slash;
	uint64_t p;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*v6 = 0;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*v6 = 1;
	else
		return -EINVAL;
	if (!slash) {
		*prefix = *v6 ? 128 : 32;
		return 0;
	}
	if (cli_parse_u64(slash, 0, *v6 ? 128 : 32, &p))
		return -EINVAL;
	*prefix = (int)p;
	return 0;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int kvc_configure(struct bpf_object *obj, const char *ifname, const struct kvc_opts *o)
{
	struct kvc_cfg cfg = { 0 };
	struct ifaddrs *ifa = NULL, *i;
	struct ifreq ifr;
	__u32 zero = 0;
	__u8 one = 1;
	int fd, n, err, cfd = map_fd(obj, "kvc_config"), lfd = map_fd(obj, "local_addrs");

	if (cfd < 0 || lfd < 0)
		return log_errno(-ENOENT, "find the kvcache's configuration maps");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return log_errno(err, "read the address of %s", ifname);
	}
	close(fd);
	memcpy(cfg.mac, ifr.ifr_hwaddr.sa_data, sizeof(cfg.mac));
	cfg.rate = o ? o->rate : 0;
	cfg.max_age_ns = o ? (uint64_t)o->max_age_ms * 1000000ULL : 0;
	/* whose sockets the stop/restart watch looks at: this network namespace's */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		socklen_t cl = sizeof(cfg.netns_cookie);

		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cfg.netns_cookie, &cl))
			cfg.netns_cookie = 0;
		close(fd);
	}
	cfg.burst = cfg.rate ? cfg.rate / 10 + 1 : 0; /* 100 ms worth at once */
	/* the host's own unicast addresses, in this namespace: only those are answered */
	if (getifaddrs(&ifa))
		return log_errno(-errno, "list this host's addresses");
	for (i = ifa, n = 0; i; i = i->ifa_next) {
		struct kvc_addr_key k = { 0 };

		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			k.addr[0] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			k.v6 = 1;
			memcpy(k.addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		if (!bpf_map_update_elem(lfd, &k, &one, BPF_ANY))
			n++;
	}
	freeifaddrs(ifa);
	if (!n)
		log_info("no address on this host's interfaces: the kvcache will answer nobody");
	for (n = 0; o && n < o->nallow; n++) {
		uint8_t a[16];
		int v6, prefix;

		if (kvc_parse_cidr(o->allow[n], &v6, a, &prefix))
			return log_errno(-EINVAL, "read the allowed source '%s'", o->allow[n]);
		if (v6) {
			struct kvc_lpm6 k = { .prefixlen = (__u32)prefix };

			memcpy(k.addr, a, 16);
			err = bpf_map_update_elem(map_fd(obj, "allow6"), &k, &one, BPF_ANY);
		} else {
			struct kvc_lpm4 k = { .prefixlen = (__u32)prefix };

			memcpy(k.addr, a, 4);
			err = bpf_map_update_elem(map_fd(obj, "allow4"), &k, &one, BPF_ANY);
		}
		if (err)
			return log_errno(-errno, "add the allowed source %s", o->allow[n]);
		cfg.allow_only = 1;
	}
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return log_errno(-errno, "configure the kvcache");
	return 0;
}

int kvc_configure_raw(struct bpf_object *obj, const uint8_t mac[6], const struct kvc_addr_key *a,
		      int n)
{
	struct kvc_cfg cfg = { 0 };
	__u32 zero = 0;
	__u8 one = 1;
	int i, cfd = map_fd(obj, "kvc_config"), lfd = map_fd(obj, "local_addrs");

	if (cfd < 0 || lfd < 0)
		return -ENOENT;
	memcpy(cfg.mac, mac, sizeof(cfg.mac));
	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(lfd, &a[i], &one, BPF_ANY))
			return -errno;
	return bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY) ? -errno : 0;
}

int kvc_attach(const char *ifname, uint16_t port, uint32_t capacity, struct kvc *k)
{
	struct kvc_opts o = { .port = port, .capacity = capacity };

	return kvc_attach_opts(ifname, &o, k);
}

/*
 * The cache's programs on every other interface of this namespace (loopback included): a
 * write memcached takes from any of them must invalidate first, and its reply going out
 * there must close its window. Hits are answered only on the attach device (the MAC check).
 */
static int follow_everywhere(struct kvc *k, int main_ifindex)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	int err = 0;

	if (!ifs)
		return log_errno(-errno, "list this namespace's interfaces");
	for (i = ifs; i->if_index && !err; i++) {
		struct kvc_extra *x;

		if ((int)i->if_index == main_ifindex)
			continue;
		if (k->nextra == KVC_MAX_EXTRA) {
			err = log_errno(-E2BIG,
					"follow writes on %s: more than %d other interfaces; the "
					"kvcache must see every interface memcached may receive on",
					i->if_name, KVC_MAX_EXTRA);
			break;
		}
		x = &k->extra[k->nextra];
		x->ifindex = (int)i->if_index;
		snprintf(x->ifname, sizeof(x->ifname), "%s", i->if_name);
		x->xdp = att_xdp(k->skel->progs.olab_kvc_xdp, x->ifindex, x->ifname);
		if (!x->xdp) {
			err = log_errno(-errno,
					"follow writes on %s (memcached may receive there; another "
					"XDP program on it keeps the kvcache out)",
					x->ifname);
			break;
		}
		k->nextra++;
		err = att_tc_egress_at(x->ifindex, x->ifname,
				       bpf_program__fd(k->skel->progs.olab_kvc_tc), KVC_TC_HANDLE,
				       KVC_TC_PRIORITY, &x->tc);
	}
	if_freenameindex(ifs);
	return err;
}

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
static int watch_server(struct kvc *k, uint16_t port)
{
	struct bpf_program *progs[3] = { k->skel->progs.olab_kvc_release,
					 k->skel->progs.olab_kvc_bind4,
					 k->skel->progs.olab_kvc_bind6 };
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
	for (i = 0; i < 3; i++) {
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

static int handoff_on(int cfd)
{
	struct kvc_cfg cfg;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(cfd, &zero, &cfg))
		return log_errno(-errno, "read the cache's configuration");
	cfg.xsk_handoff = 1;
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return log_errno(-errno, "hand the cache's misses to AF_XDP sockets");
	return 0;
}

int kvc_xsk_handoff(struct kvc *k)
{
	int err = handoff_on(bpf_map__fd(k->skel->maps.kvc_config));

	return err ? err : bpf_map__fd(k->skel->maps.kvc_xsks);
}

int kvc_attach_opts(const char *ifname, const struct kvc_opts *o, struct kvc *k)
{
	int ifindex = (int)if_nametoindex(ifname), err;
	uint16_t port = o->port;
	uint32_t capacity = o->capacity;

	memset(k, 0, sizeof(*k));
	if (!ifindex)
		return log_errno(-ENODEV, "find device %s in this namespace", ifname);
	k->skel = kvcache_bpf__open();
	if (!k->skel)
		return log_errno(-errno, "open the kvcache BPF object");
	k->skel->rodata->cfg_port = port;
	bpf_map__set_max_entries(k->skel->maps.cache, capacity);
	bpf_map__set_max_entries(k->skel->maps.meta, capacity * 2 > 1024 ? capacity * 2 : 1024);
	if (o->connections)
		bpf_map__set_max_entries(k->skel->maps.conns, o->connections);
	err = kvcache_bpf__load(k->skel);
	if (err) {
		kvc_detach(k);
		return log_errno(err, "load the kvcache BPF programs");
	}
	err = kvc_configure(k->skel->obj, ifname, o);
	if (err) {
		kvc_detach(k);
		return err;
	}
	k->xdp = att_xdp(k->skel->progs.olab_kvc_xdp, ifindex, ifname);
	if (!k->xdp) {
		err = -errno;
		kvc_detach(k);
		return err;
	}
	err = att_tc_egress_at(ifindex, ifname, bpf_program__fd(k->skel->progs.olab_kvc_tc),
			       KVC_TC_HANDLE, KVC_TC_PRIORITY, &k->tc);
	if (err) {
		kvc_detach(k);
		return err;
	}
	err = follow_everywhere(k, ifindex);
	if (!err)
		err = watch_server(k, port);
	if (err)
		kvc_detach(k);
	return err;
}

void kvc_detach(struct kvc *k)
{
	int i;

	for (i = 0; i < 3; i++)
		bpf_link__destroy(k->cg[i]);
	for (i = 0; i < k->nextra; i++) {
		att_tc_detach(&k->extra[i].tc);
		bpf_link__destroy(k->extra[i].xdp);
	}
	att_tc_detach(&k->tc);
	bpf_link__destroy(k->xdp);
	kvcache_bpf__destroy(k->skel);
	memset(k, 0, sizeof(*k));
}

/* ---- the command ---- */

/* This network namespace's identity (the inode of /proc/self/ns/net); 0 if unknown. */
static unsigned long long netns_id(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (unsigned long long)st.st_ino;
}

/*
 * The pins of the cache on a device are keyed by the namespace and the ifindex, never by the
 * name alone: a device of the same name in another namespace is another device.
 */
static int pin_dir(const char *dev, char *buf, size_t len)
{
	unsigned int ifindex = if_nametoindex(dev);

	if (!ifindex)
		return -ENODEV;
	snprintf(buf, len, PIN_ROOT "/olab-kvcache-%llx-%u", netns_id(), ifindex);
	return 0;
}

int kvc_pin_path(const char *dev, const char *name, char *buf, size_t len)
{
	char dir[128];
	int err = pin_dir(dev, dir, sizeof(dir));

	if (!err)
		snprintf(buf, len, "%s/%s", dir, name);
	return err;
}

int kvc_xsk_handoff_pinned(const char *dev)
{
	char dir[128], p[192];
	int cfd, xfd, err;

	if (pin_dir(dev, dir, sizeof(dir)))
		return log_errno(-ENODEV, "find device %s in this namespace", dev);
	snprintf(p, sizeof(p), "%s/kvc_config", dir);
	cfd = bpf_obj_get(p);
	snprintf(p, sizeof(p), "%s/kvc_xsks", dir);
	xfd = cfd < 0 ? -1 : bpf_obj_get(p);
	if (cfd < 0 || xfd < 0) {
		err = -errno;
		fprintf(stderr,
			"offloadlab: no kvcache attached to %s in this namespace (%s: %s): "
			"'offloadlab kvcache attach --dev %s --port PORT' first\n",
			dev, p, strerror(errno), dev);
		if (cfd >= 0)
			close(cfd);
		return err;
	}
	err = handoff_on(cfd);
	close(cfd);
	if (err) {
		close(xfd);
		return err;
	}
	return xfd;
}

/* Our TC filter on dev's egress, whether or not its pins are still there. */
static bool our_filter(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = KVC_TC_HANDLE, .priority = KVC_TC_PRIORITY);
	libbpf_print_fn_t old = libbpf_set_print(NULL); /* "no qdisc" is an answer, not an error */
	int err = bpf_tc_query(&hook, &opts);

	libbpf_set_print(old);
	return !err;
}

static void remove_filter(int ifindex, bool clsact_made)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = KVC_TC_HANDLE, .priority = KVC_TC_PRIORITY);

	bpf_tc_detach(&hook, &opts);
	/* the clsact goes only if attach made it and nobody else put a filter on it since */
	if (clsact_made && !att_tc_has_filters(ifindex)) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

/*
 * 'ip netns exec' runs a command in a mount namespace of its own, thrown away when it ends:
 * pins made there vanish, and the XDP link with them. Not pid 1's mount namespace: say so.
 */
static bool private_mounts(void)
{
	struct stat a, b;

	return !stat("/proc/self/ns/mnt", &a) && !stat("/proc/1/ns/mnt", &b) &&
	       a.st_ino != b.st_ino;
}

/* Remove every pin in dir (links, maps), then dir itself. */
static void unpin_all(const char *dir)
{
	struct dirent *de;
	char p[512];
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

/* Pins need the BPF filesystem: mount it where tools expect it, as bpftool does. */
static int ensure_bpffs(void)
{
	struct statfs st;

	if (!statfs(PIN_ROOT, &st) && st.f_type == 0xcafe4a11 /* BPF_FS_MAGIC */)
		return 0;
	if (mount("bpf", PIN_ROOT, "bpf", 0, "mode=0700"))
		return log_errno(-errno, "mount the BPF filesystem on " PIN_ROOT);
	log_info("mounted the BPF filesystem on " PIN_ROOT);
	return 0;
}

/* Pins the links and maps that keep the cache in place once this process ends. 0 or -errno. */
static int pin_all(struct kvc *k, const char *dir)
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
	};
	char p[512];
	size_t m;
	int err, i;

	snprintf(p, sizeof(p), "%s/xdp_link", dir);
	err = bpf_link__pin(k->xdp, p);
	for (m = 0; !err && m < ARRAY_SIZE(maps); m++) {
		snprintf(p, sizeof(p), "%s/%s", dir, maps[m].name);
		err = bpf_map__pin(maps[m].map, p);
	}
	for (i = 0; !err && i < k->nextra; i++) {
		snprintf(p, sizeof(p), "%s/xdp_link_%d", dir, k->extra[i].ifindex);
		err = bpf_link__pin(k->extra[i].xdp, p);
	}
	for (i = 0; !err && i < 3; i++) {
		snprintf(p, sizeof(p), "%s/cgroup_link_%d", dir, i);
		err = bpf_link__pin(k->cg[i], p);
	}
	if (err)
		return err;
	/* the pinned links keep XDP, the filters keep TC: let go of this process's handles */
	bpf_link__disconnect(k->xdp);
	k->tc.attached = false;
	k->tc.hook_made = false;
	for (i = 0; i < k->nextra; i++) {
		bpf_link__disconnect(k->extra[i].xdp);
		k->extra[i].tc.attached = false;
		k->extra[i].tc.hook_made = false;
	}
	for (i = 0; i < 3; i++)
		bpf_link__disconnect(k->cg[i]);
	return 0;
}

/* What `kvcache attach` did and the limits the user should know. */
static void attached_say(const struct kvc *k, const char *dev, const char *dir,
			 const struct kvc_opts *o)
{
	int i;

	printf("kvcache attached to %s (memcached port %u, %u items); pinned in %s\n", dev, o->port,
	       o->capacity, dir);
	if (k->nextra) {
		printf("  it follows writes on every interface memcached may receive on:");
		for (i = 0; i < k->nextra; i++)
			printf(" %s", k->extra[i].ifname);
		printf(" (hits are answered on %s only)\n", dev);
	}
	if (o->max_age_ms)
		printf("  limits (docs/kvcache.md): memcached's own evictions are not seen: an "
		       "evicted item's last value is served for at most %u ms (--max-age); ",
		       o->max_age_ms);
	else
		printf("  limits (docs/kvcache.md): memcached's own evictions are not seen (an "
		       "evicted item's last value may still be served; --max-age bounds it); ");
	printf("interfaces added later are not followed; only UDP gets are answered, values up "
	       "to %d bytes\n",
	       KVC_VAL_MAX);
}

static int cmd_attach(const char *dev, const struct kvc_opts *o)
{
	struct kvc_attach_info info = { .port = o->port };
	char dir[256];
	struct kvc k;
	__u32 zero = 0;
	int err, i;

	if (!if_nametoindex(dev)) {
		log_errno(-ENODEV, "find device %s in this namespace", dev);
		return EXIT_FAIL;
	}
	if (pin_dir(dev, dir, sizeof(dir)))
		return EXIT_FAIL;
	if (our_filter((int)if_nametoindex(dev))) {
		fprintf(stderr,
			"offloadlab kvcache: already attached to %s, or an earlier attach left its "
			"TC filter behind (offloadlab kvcache detach --dev %s first)\n",
			dev, dev);
		return EXIT_FAIL;
	}
	if (ensure_bpffs())
		return EXIT_FAIL;
	if (!access(dir, F_OK)) {
		fprintf(stderr,
			"offloadlab kvcache: already attached to %s (offloadlab kvcache "
			"detach --dev %s first)\n",
			dev, dev);
		return EXIT_FAIL;
	}
	err = kvc_attach_opts(dev, o, &k);
	if (err)
		return EXIT_FAIL;
	info.ifindex = if_nametoindex(dev);
	info.netns = netns_id();
	info.tc_handle = k.tc.opts.handle;
	info.tc_priority = k.tc.opts.priority;
	info.clsact_made = k.tc.hook_made;
	info.nextra = (__u32)k.nextra;
	for (i = 0; i < k.nextra; i++) {
		info.extra_ifindex[i] = (__u32)k.extra[i].ifindex;
		info.extra_clsact_made[i] = k.extra[i].tc.hook_made;
	}
	bpf_map_update_elem(bpf_map__fd(k.skel->maps.attach_info), &zero, &info, BPF_ANY);
	if (mkdir(dir, 0700)) {
		err = -errno;
		goto fail;
	}
	err = pin_all(&k, dir);
	if (err)
		goto fail;
	attached_say(&k, dev, dir, o);
	kvc_detach(&k);
	if (private_mounts())
		fprintf(stderr,
			"offloadlab kvcache: warning: this command runs in a mount namespace of "
			"its "
			"own (as under 'ip netns exec'): the pins, and the cache's XDP program "
			"with "
			"them, go when it ends. To keep the cache, attach with 'nsenter "
			"--net=/run/netns/NS offloadlab kvcache attach ...'; 'detach' removes what "
			"is left either way\n");
	return EXIT_OK;
fail:
	log_errno(err, "pin the kvcache under %s", dir);
	unpin_all(dir);
	kvc_detach(&k);
	return EXIT_FAIL;
}

static int cmd_detach(const char *dev)
{
	struct kvc_attach_info info = { 0 };
	char dir[256], p[512];
	int ifindex = (int)if_nametoindex(dev), fd;
	__u32 zero = 0, i;
	bool pinned, filter;

	if (pin_dir(dev, dir, sizeof(dir))) {
		log_errno(-ENODEV, "find device %s in this namespace", dev);
		return EXIT_FAIL;
	}
	snprintf(p, sizeof(p), "%s/attach_info", dir);
	fd = bpf_obj_get(p);
	pinned = fd >= 0;
	if (pinned) {
		bpf_map_lookup_elem(fd, &zero, &info);
		close(fd);
		if (info.ifindex != (__u32)ifindex || info.netns != netns_id()) {
			fprintf(stderr,
				"offloadlab kvcache: the pins in %s name another device (ifindex "
				"%u "
				"in namespace %llx): not touching it\n",
				dir, info.ifindex, (unsigned long long)info.netns);
			return EXIT_FAIL;
		}
	}
	filter = our_filter(ifindex);
	if (!pinned && !filter) {
		fprintf(stderr, "offloadlab kvcache: not attached to %s (nothing in %s)\n", dev,
			dir);
		return EXIT_FAIL;
	}
	/* only our own filters, found by their handle and priority; a qdisc only if empty */
	if (filter)
		remove_filter(ifindex, info.clsact_made);
	/* and from every other interface it followed writes on (all of them, pins or not) */
	{
		struct if_nameindex *ifs = if_nameindex(), *x;

		for (x = ifs; x && x->if_index; x++) {
			bool made = false;

			if ((int)x->if_index == ifindex || !our_filter((int)x->if_index))
				continue;
			for (i = 0; pinned && i < info.nextra && i < 15; i++)
				if (info.extra_ifindex[i] == x->if_index)
					made = info.extra_clsact_made[i];
			remove_filter((int)x->if_index, made);
		}
		if (ifs)
			if_freenameindex(ifs);
	}
	if (pinned)
		unpin_all(dir); /* the last reference to the XDP link goes: XDP is detached */
	printf("kvcache detached from %s%s\n", dev,
	       pinned ? "" : " (its pins were gone: removed the TC filter left behind)");
	return EXIT_OK;
}

static int cmd_stats(const char *dev, bool as_json)
{
	uint64_t c[KVC_NCOUNTERS];
	char dir[256], p[512];
	int fd, i, err;

	if (pin_dir(dev, dir, sizeof(dir))) {
		log_errno(-ENODEV, "find device %s in this namespace", dev);
		return EXIT_FAIL;
	}
	snprintf(p, sizeof(p), "%s/counters", dir);
	fd = bpf_obj_get(p);
	if (fd < 0) {
		fprintf(stderr, "offloadlab kvcache: not attached to %s\n", dev);
		return EXIT_FAIL;
	}
	err = kvc_counters(fd, c);
	close(fd);
	if (err)
		return log_errno(err, "read the kvcache counters"), EXIT_FAIL;
	if (as_json) {
		/* for scripts: {"device": ..., "counters": {"hit": N, ...}} */
		json_t *o = json_object(), *cs = json_object();

		for (i = 0; i < KVC_NCOUNTERS; i++)
			json_object_set_new(cs, kvc_counter_name(i),
					    json_integer((json_int_t)c[i]));
		json_object_set_new(o, "device", json_string(dev));
		json_object_set_new(o, "counters", cs);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return EXIT_OK;
	}
	for (i = 0; i < KVC_NCOUNTERS; i++)
		printf("%-32s %llu\n", kvc_counter_name(i), (unsigned long long)c[i]);
	return EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: offloadlab kvcache attach --dev DEV [OPTION...]\n"
		"  or:  offloadlab kvcache detach --dev DEV\n"
		"  or:  offloadlab kvcache stats --dev DEV [--json | --format FMT] [--textfile "
		"DIR]\n"
		"\n"
		"  --dev DEV         the server's device: hits are answered there\n"
		"  --port PORT       memcached's port (default 11211)\n"
		"  --capacity N      items the cache holds, 16..16777216 (default 65536)\n"
		"  --allow CIDR      answer only these sources (repeat; IPv4 or IPv6); others go\n"
		"                    to memcached, which answers them as it always would\n"
		"  --rate N          answer at most N requests a second to one source address\n"
		"                    (beyond it memcached answers); default: no limit\n"
		"  --max-age MS      serve a fill for at most MS ms (bounds how long an item\n"
		"                    memcached evicted on its own may still be served)\n"
		"  --connections N   TCP connections followed, 2..1048576 (default 16384)\n"
		"  --json            stats as JSON, for scripts\n"
		"  --format FMT      stats as text (default), json or prometheus (the text\n"
		"                    exposition format: offloadlab_kvcache_hits_total{dev=...})\n"
		"  --textfile DIR    write the prometheus metrics to\n"
		"                    DIR/offloadlab_kvcache_DEV.prom, whole, for node_exporter's\n"
		"                    textfile collector (offloadlab_kvcache_up 0 when not "
		"attached)\n"
		"\n"
		"The cache answers only requests sent to this host (the device's MAC and one of\n"
		"its unicast addresses) from plausible unicast sources: never a broadcast.\n\n"
		"An XDP cache in front of an unmodified memcached on this host: UDP get/gets "
		"whose\n"
		"keys are all cached are answered in XDP; every write (UDP or TCP) invalidates "
		"first;\n"
		"fills come from memcached's own UDP replies, fenced against concurrent writes\n"
		"(docs/kvcache.md). Attach before clients connect over TCP.\n\n"
		"Examples:\n"
		"  offloadlab kvcache attach --dev eth0 --port 11211 --capacity 100000\n"
		"  offloadlab kvcache attach --dev eth0 --allow 10.0.0.0/8 --rate 50000\n"
		"  offloadlab kvcache stats --dev eth0\n"
		"  offloadlab kvcache stats --dev eth0 --format prometheus\n"
		"  offloadlab kvcache detach --dev eth0\n"
		"Needs root. Exit status: 0 ok, 1 failure, 64 usage error.\n");
}

int kvcache_main(int argc, char **argv)
{
	const char *sub, *dev = NULL, *textfile = NULL;
	bool prom = false;
	uint64_t port = 11211, cap = 65536, rate = 0, conns = 0, max_age = 0;
	struct kvc_opts o = { 0 };
	bool as_json = false;
	int i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	sub = argv[1];
	for (i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--json")) {
			as_json = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "offloadlab kvcache: %s needs a value\n", argv[i]);
			return EXIT_USAGE;
		}
		if (!strcmp(argv[i], "--dev")) {
			dev = v;
		} else if (!strcmp(argv[i], "--format")) {
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "prometheus")) {
				fprintf(stderr,
					"offloadlab kvcache: --format takes text, json or "
					"prometheus, not '%s'\n",
					v);
				return EXIT_USAGE;
			}
			as_json = !strcmp(v, "json");
			prom = !strcmp(v, "prometheus");
		} else if (!strcmp(argv[i], "--textfile")) {
			textfile = v;
			prom = true;
		} else if (!strcmp(argv[i], "--port")) {
			if (cli_parse_u64(v, 1, 65535, &port)) {
				fprintf(stderr,
					"offloadlab kvcache: --port takes 1..65535, not '%s'\n", v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--allow")) {
			uint8_t a[16];
			int v6, prefix;

			if (kvc_parse_cidr(v, &v6, a, &prefix) || o.nallow >= KVC_MAX_ALLOW) {
				fprintf(stderr,
					"offloadlab kvcache: --allow takes an address or CIDR "
					"(198.18.0.0/15, 2001:db8::/32), at most %d, not '%s'\n",
					KVC_MAX_ALLOW, v);
				return EXIT_USAGE;
			}
			o.allow[o.nallow++] = v;
		} else if (!strcmp(argv[i], "--rate")) {
			if (cli_parse_u64(v, 1, 100000000, &rate)) {
				fprintf(stderr,
					"offloadlab kvcache: --rate takes answers per second per "
					"source, 1..100000000, not '%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--max-age")) {
			if (cli_parse_u64(v, 1, 86400000, &max_age)) {
				fprintf(stderr,
					"offloadlab kvcache: --max-age takes 1..86400000 ms, not "
					"'%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--connections")) {
			if (cli_parse_u64(v, 2, 1u << 20, &conns)) {
				fprintf(stderr,
					"offloadlab kvcache: --connections takes 2..1048576, not "
					"'%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--capacity")) {
			if (cli_parse_u64(v, 16, 16u << 20, &cap)) {
				fprintf(stderr,
					"offloadlab kvcache: --capacity takes 16..16777216 items, "
					"not "
					"'%s'\n",
					v);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "offloadlab kvcache: unknown option '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		i++;
	}
	if (!dev || !dev[0] || strlen(dev) >= IF_NAMESIZE || strchr(dev, '/')) {
		fprintf(stderr, "offloadlab kvcache: give the server's device: --dev DEV\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "attach") && strcmp(sub, "detach") && strcmp(sub, "stats")) {
		fprintf(stderr,
			"offloadlab kvcache: unknown command '%s' (attach, detach, stats)\n", sub);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "offloadlab kvcache: needs root (it loads BPF programs)\n");
		return EXIT_FAIL;
	}
	log_setup_libbpf();
	o.port = (uint16_t)port;
	o.capacity = (uint32_t)cap;
	o.rate = (uint32_t)rate;
	o.connections = (uint32_t)conns;
	o.max_age_ms = (uint32_t)max_age;
	if (!strcmp(sub, "attach"))
		return cmd_attach(dev, &o);
	if (!strcmp(sub, "detach"))
		return cmd_detach(dev);
	if (prom)
		return kvc_stats_prom(dev, textfile);
	return cmd_stats(dev, as_json);
}
