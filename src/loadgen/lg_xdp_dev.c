// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP engine's device: its MAC and MTU, the route and next hop to a server, whether it can
 * transmit XDP frames (the netdev family's XDP features), and how large a live frame may be.
 * Everything in the calling thread's network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib/bpfutil.h"
#include "loadgen/lg_xdp_int.h"

static int dev_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

int lgx_dev_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int err = dev_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

int lgx_dev_mtu(const char *ifname)
{
	struct ifreq ifr;
	int err = dev_ioctl(ifname, SIOCGIFMTU, &ifr);

	return err ? err : ifr.ifr_mtu;
}

uint32_t lgx_netns_ino(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) ? 0 : (uint32_t)st.st_ino;
}

int lgx_route(uint32_t dst, char ifname[16], uint32_t *src, uint32_t *nexthop)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	socklen_t sl = sizeof(sa);
	FILE *f = fopen("/proc/thread-self/net/route", "re");
	char line[256], dev[IF_NAMESIZE + 1];
	int best = -1, fd;
	unsigned int best_metric = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long d, g, m;
		unsigned int flags, metric;

		if (sscanf(line, "%16s %lx %lx %x %*d %*u %u %lx", dev, &d, &g, &flags, &metric,
			   &m) != 6 ||
		    !(flags & 1) || (dst & (uint32_t)m) != (uint32_t)d)
			continue; /* not up (RTF_UP), or not a route to dst */
		if (__builtin_popcountl(m) > best ||
		    (__builtin_popcountl(m) == best && metric < best_metric)) {
			best = __builtin_popcountl(m);
			best_metric = metric;
			memcpy(ifname, dev, 15);
			ifname[15] = '\0';
			*nexthop = g ? (uint32_t)g : dst;
		}
	}
	fclose(f);
	if (best < 0)
		return -ENETUNREACH;
	/* the source address the kernel would pick */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = dst;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	*src = sa.sin_addr.s_addr;
	return 0;
}

static int arp_lookup(const char *ifname, uint32_t ip, uint8_t mac[6])
{
	FILE *f = fopen("/proc/thread-self/net/arp", "re");
	char line[256], ips[32], hw[32], dev[IF_NAMESIZE + 1];
	unsigned int flags, m[6];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		struct in_addr a;
		int i;

		if (sscanf(line, "%31s %*x %x %31s %*s %16s", ips, &flags, hw, dev) != 4 ||
		    strcmp(dev, ifname) || inet_pton(AF_INET, ips, &a) != 1 || a.s_addr != ip ||
		    !(flags & 2) || /* ATF_COM: resolved */
		    sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
			continue;
		for (i = 0; i < 6; i++)
			mac[i] = (uint8_t)m[i];
		err = 0;
	}
	fclose(f);
	return err;
}

int lgx_neigh_mac(const char *ifname, uint32_t ip, uint8_t mac[6])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	int i, fd, err = arp_lookup(ifname, ip, mac);

	if (err != -ENOENT)
		return err;
	/* one empty datagram to the discard port makes the kernel resolve the next hop */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = ip;
	sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	for (i = 0; i < 40 && err == -ENOENT; i++) {
		usleep(25000);
		err = arp_lookup(ifname, ip, mac);
	}
	return err;
}

/* ---- the netdev family (generic netlink): the device's XDP features ---- */

#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3

struct nlreq {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static void put_attr(struct nlreq *r, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send r, take the answer's attribute want into out (len bytes). 0, -ENOENT or -errno. */
static int genl_ask(int fd, struct nlreq *r, uint16_t want, void *out, size_t len)
{
	char buf[8192];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *a;
	ssize_t n;
	int rest;

	if (send(fd, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (unsigned int)n))
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -ENOENT;
	}
	a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	rest = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	while (rest >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rest) {
		if ((a->nla_type & NLA_TYPE_MASK) == want && a->nla_len - NLA_HDRLEN >= (int)len) {
			memcpy(out, (char *)a + NLA_HDRLEN, len);
			return 0;
		}
		rest -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -ENOENT;
}

int lgx_xdp_features(int ifindex, uint64_t *features)
{
	struct nlreq r;
	uint16_t family;
	uint32_t idx = (uint32_t)ifindex;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC), err;
	struct timeval tv = { .tv_sec = 2 };

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&r, 0, sizeof(r));
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = GENL_ID_CTRL;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.g.cmd = CTRL_CMD_GETFAMILY;
	r.g.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, "netdev", 7);
	err = genl_ask(fd, &r, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (err) {
		close(fd);
		return -ENOENT; /* before Linux 6.3: the kernel does not say */
	}
	memset(&r, 0, sizeof(r));
	r.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.n.nlmsg_type = family;
	r.n.nlmsg_flags = NLM_F_REQUEST;
	r.g.cmd = NETDEV_CMD_DEV_GET;
	r.g.version = 1;
	put_attr(&r, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	err = genl_ask(fd, &r, NETDEV_A_DEV_XDP_FEATURES, features, sizeof(*features));
	close(fd);
	return err;
}

/* ---- live frames: how large ---- */

static long btf_struct_size(const struct btf *btf, const char *name)
{
	__s32 id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) : -1;

	return id > 0 ? (long)btf__resolve_size(btf, id) : -1;
}

size_t lg_xdp_frame_max(void)
{
	static size_t cached;
	struct btf *btf;
	long xb, si;

	if (cached)
		return cached;
	/*
	 * net/bpf/test_run.c: a page less XDP_PACKET_HEADROOM (256), its xdp_page_head (two
	 * struct xdp_buff) and the cache-aligned struct skb_shared_info at its end
	 */
	btf = btf__load_vmlinux_btf();
	xb = btf_struct_size(libbpf_get_error(btf) ? NULL : btf, "xdp_buff");
	si = btf_struct_size(libbpf_get_error(btf) ? NULL : btf, "skb_shared_info");
	if (!libbpf_get_error(btf))
		btf__free(btf);
	if (xb > 0 && si > 0 && 256 + 2 * xb + ((si + 63) & ~63L) < 4096)
		cached = (size_t)(4096 - 256 - 2 * xb - ((si + 63) & ~63L));
	else
		cached = 4096 - 256 - 2 * 64 - 384; /* without BTF: room for larger structs */
	return cached;
}
