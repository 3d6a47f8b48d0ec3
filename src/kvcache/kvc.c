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

#include "lib/admit.h"
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
	[KVC_NOT_LOCAL] = "not on the attach device",
	[KVC_SRC_REFUSED] = "source not allowed",
	[KVC_RATE_LIMITED] = "source over its rate",
	[KVC_BAD_FRAME] = "bad ip version, length or sum",
	[KVC_UNTRACKED] = "tcp not followed (flush, hold)",
	[KVC_OPAQUE] = "fragment or ext header (flush)",
	[KVC_SERVER_GONE] = "memcached went away (flush)",
	[KVC_NO_SERVER] = "get while memcached is down",
	[KVC_BAD_SRC] = "source the kernel drops",
	[KVC_NO_ROUTE] = "not where the kernel replies",
	[KVC_BAD_CSUM] = "bad udp checksum",
	[KVC_IGNORED] = "datagram nobody runs (ignored)",
	[KVC_LATE_REPLY] = "reply after its window (flush)",
	[KVC_EXPIRED] = "window ended without reply",
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

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int kvc_configure(struct bpf_object *obj, const char *ifname, const struct kvc_opts *o)
{
	struct adm_opts ao = { .ifindex = (int)if_nametoindex(ifname) };
	struct kvc_cfg cfg = { 0 };
	__u32 zero = 0;
	int fd, i, cfd = map_fd(obj, "kvc_config");

	if (cfd < 0)
		return log_errno(-ENOENT, "find the kvcache's configuration map");
	if (!ao.ifindex)
		return log_errno(-ENODEV, "find device %s in this namespace", ifname);
	/* veth and other virtual devices carry a local sender's partial UDP checksum */
	ao.csum_partial = dev_is_virtual(ifname);
	if (o) {
		ao.rate = o->rate;
		ao.route_ttl_ms = o->route_ttl_ms;
		ao.nallow = o->nallow;
		for (i = 0; i < o->nallow && i < ADM_MAX_ALLOW; i++)
			ao.allow[i] = o->allow[i];
		cfg.max_age_ns = (uint64_t)o->max_age_ms * 1000000ULL;
	}
	/* whose sockets the stop/restart watch looks at: this network namespace's */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		socklen_t cl = sizeof(cfg.netns_cookie);

		if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cfg.netns_cookie, &cl))
			cfg.netns_cookie = 0;
		close(fd);
	}
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return log_errno(-errno, "configure the kvcache");
	return adm_configure(obj, &ao);
}

int kvc_configure_raw(struct bpf_object *obj, int ifindex, const uint8_t smac[6], uint32_t sip,
		      const uint8_t cmac[6], uint32_t cip)
{
	/* hand-made routes, not learnt from replies: trusted for an hour, whatever the clock */
	struct adm_opts ao = { .ifindex = ifindex, .route_ttl_ms = 3600000 };
	int err = adm_configure(obj, &ao);

	return err ? err : adm_seed_route(obj, 0, &cip, &sip, ifindex, smac, cmac);
}

int kvc_attach(const char *ifname, uint16_t port, uint32_t capacity, struct kvc *k)
{
	struct kvc_opts o = { .port = port, .capacity = capacity };

	return kvc_attach_opts(ifname, &o, k);
}

/*
 * The cache's programs on every other interface of this namespace (loopback included): a
 * write memcached takes from any of them must invalidate first, and its reply going out
 * there must close its window. Hits are answered only on the attach device (the admission).
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
		/* egress first: a write the XDP program sees has its reply seen too */
		x->tcx = att_tcx(bpf_program__fd(k->skel->progs.olab_kvc_tc), x->ifindex, x->ifname,
				 true);
		if (x->tcx < 0) {
			err = x->tcx;
			break;
		}
		x->xdp = att_xdp(k->skel->progs.olab_kvc_xdp, x->ifindex, x->ifname);
		k->nextra++;
		if (!x->xdp)
			err = log_errno(-errno,
					"follow writes on %s (memcached may receive there; another "
					"XDP program on it keeps the kvcache out)",
					x->ifname);
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

/* One whole number of seconds from a sysctl file; -1 when it cannot be read. */
static long sysctl_secs(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

uint64_t kvc_frag_hold_ns(void)
{
	long v4 = sysctl_secs("/proc/sys/net/ipv4/ipfrag_time"),
	     v6 = sysctl_secs("/proc/sys/net/ipv6/ip6frag_time"), t = v4 > v6 ? v4 : v6;

	if (t < 0 || t > 86400)
		t = 30; /* the kernel's default */
	return ((uint64_t)t + 1) * 1000000000ULL;
}

int kvc_attach_opts(const char *ifname, const struct kvc_opts *o, struct kvc *k)
{
	int ifindex = (int)if_nametoindex(ifname), err;
	uint16_t port = o->port;
	uint32_t capacity = o->capacity;

	memset(k, 0, sizeof(*k));
	k->tcx = -1;
	if (!ifindex)
		return log_errno(-ENODEV, "find device %s in this namespace", ifname);
	k->skel = kvcache_bpf__open();
	if (!k->skel)
		return log_errno(-errno, "open the kvcache BPF object");
	k->skel->rodata->cfg_port = port;
	/* a fragment may be reassembled as late as this namespace's reassembly timeout */
	k->skel->rodata->cfg_frag_hold_ns = kvc_frag_hold_ns();
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
	/* egress first: a write the XDP program sees has its reply seen too */
	k->tcx = att_tcx(bpf_program__fd(k->skel->progs.olab_kvc_tc), ifindex, ifname, true);
	if (k->tcx < 0) {
		err = k->tcx;
		kvc_detach(k);
		return err;
	}
	k->xdp = att_xdp(k->skel->progs.olab_kvc_xdp, ifindex, ifname);
	if (!k->xdp) {
		err = -errno;
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

/* A preallocated hash map element: key and value rounded to 8, and the kernel's htab_elem. */
static uint64_t elem(size_t key, size_t value)
{
	return (uint64_t)((key + 7) / 8 * 8 + (value + 7) / 8 * 8 + 48);
}

uint64_t kvc_map_bytes(const struct kvc_opts *o)
{
	uint64_t cap = o->capacity, meta = cap * 2 > 1024 ? cap * 2 : 1024,
		 conns = o->connections ? o->connections : 16384;

	return cap * elem(sizeof(struct kvc_key), sizeof(struct kvc_val)) +
	       meta * elem(sizeof(struct kvc_key), sizeof(struct kvc_meta)) +
	       conns * elem(sizeof(struct kvc_conn_key), sizeof(struct kvc_conn)) +
	       65536 * (elem(sizeof(struct kvc_ticket_key), sizeof(struct kvc_ticket)) +
			elem(sizeof(struct kvc_req_key), sizeof(struct kvc_pending)) +
			2 * elem(sizeof(struct olab_adm_addr), sizeof(struct olab_adm_route))) +
	       (uint64_t)KVC_BUCKETS * sizeof(struct kvc_fence);
}

void kvc_detach(struct kvc *k)
{
	int i;

	/* a zeroed struct (never attached): its fds of 0 are not ours to close */
	if (!k->skel) {
		memset(k, 0, sizeof(*k));
		k->tcx = -1;
		return;
	}
	for (i = 0; i < KVC_NCG; i++)
		bpf_link__destroy(k->cg[i]);
	for (i = 0; i < k->nextra; i++) {
		if (k->extra[i].tcx >= 0)
			close(k->extra[i].tcx);
		bpf_link__destroy(k->extra[i].xdp);
	}
	if (k->tcx >= 0)
		close(k->tcx);
	bpf_link__destroy(k->xdp);
	kvcache_bpf__destroy(k->skel);
	memset(k, 0, sizeof(*k));
	k->tcx = -1;
}
