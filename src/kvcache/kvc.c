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

int kvc_handoff_enable(int cfd)
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
	int err = kvc_handoff_enable(bpf_map__fd(k->skel->maps.kvc_config));

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
		err = kvc_watch_server(k, port);
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
