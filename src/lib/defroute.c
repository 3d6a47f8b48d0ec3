// SPDX-License-Identifier: GPL-2.0
/* Default routes through a device, in every table rules reach: see defroute.h. */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/defroute.h"

#define NL_BUF 65536

void defroute_init(struct defroute *d, int ifindex)
{
	memset(d, 0, sizeof(*d));
	d->ifindex = ifindex;
}

static int fam_ix(int family)
{
	return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

/* The attributes after a message's fixed header of hlen bytes, or NULL when it is short. */
static struct rtattr *attrs(const struct nlmsghdr *h, size_t hlen, int *len)
{
	if (h->nlmsg_len < NLMSG_LENGTH(hlen))
		return NULL;
	*len = (int)(h->nlmsg_len - NLMSG_SPACE(hlen));
	return (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hlen));
}

static uint32_t attr_u32(const struct rtattr *a)
{
	uint32_t v = 0;

	if (RTA_PAYLOAD(a) >= sizeof(v))
		memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

static bool has(const uint32_t *set, int n, uint32_t v)
{
	int i;

	for (i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

static void add(uint32_t *set, int *n, int max, uint32_t v, bool *full)
{
	if (has(set, *n, v))
		return;
	if (*n < max)
		set[(*n)++] = v;
	else
		*full = true;
}

void defroute_rule(struct defroute *d, const struct nlmsghdr *h)
{
	const struct fib_rule_hdr *fr = NLMSG_DATA(h);
	struct rtattr *a;
	uint32_t table;
	int len, f;

	a = attrs(h, sizeof(*fr), &len);
	if (!a || h->nlmsg_type != RTM_NEWRULE || (f = fam_ix(fr->family)) < 0)
		return;
	table = fr->table;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == FRA_TABLE)
			table = attr_u32(a);
		else if (a->rta_type == FRA_L3MDEV && RTA_PAYLOAD(a) >= 1 &&
			 *(uint8_t *)RTA_DATA(a))
			d->all_tables[f] = true; /* the table of whichever VRF the packet is in */
	}
	if (fr->action == FR_ACT_TO_TBL)
		add(d->tables[f], &d->ntables[f], DR_TABLES, table, &d->all_tables[f]);
}

static bool reached(const struct defroute *d, int f, uint32_t table)
{
	return d->all_tables[f] || table == RT_TABLE_MAIN ||
	       has(d->tables[f], d->ntables[f], table);
}

void defroute_route(struct defroute *d, const struct nlmsghdr *h)
{
	const struct rtmsg *rt = NLMSG_DATA(h);
	struct rtattr *a;
	uint32_t table, nh = 0;
	bool via = false;
	int len, f;

	a = attrs(h, sizeof(*rt), &len);
	if (!a || h->nlmsg_type != RTM_NEWROUTE || (f = fam_ix(rt->rtm_family)) < 0 ||
	    rt->rtm_dst_len != 0 || rt->rtm_type != RTN_UNICAST)
		return; /* not a default route, or one that sends nothing out */
	table = rt->rtm_table;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_TABLE) {
			table = attr_u32(a);
		} else if (a->rta_type == RTA_OIF) {
			via |= attr_u32(a) == (uint32_t)d->ifindex;
		} else if (a->rta_type == RTA_NH_ID) {
			nh = attr_u32(a);
		} else if (a->rta_type == RTA_MULTIPATH) {
			struct rtnexthop *n = RTA_DATA(a);
			int left = (int)RTA_PAYLOAD(a);

			while (left >= (int)sizeof(*n) && n->rtnh_len >= sizeof(*n) &&
			       n->rtnh_len <= left) {
				via |= n->rtnh_ifindex == d->ifindex;
				left -= (int)RTNH_ALIGN(n->rtnh_len);
				n = RTNH_NEXT(n);
			}
		}
	}
	if (!reached(d, f, table))
		return;
	if (via)
		d->yes = true;
	else if (nh)
		add(d->want, &d->nwant, DR_WANT, nh, &d->unsure);
}

void defroute_nexthop(struct defroute *d, const struct nlmsghdr *h)
{
	const struct nhmsg *nm = NLMSG_DATA(h);
	struct rtattr *a, *group = NULL;
	uint32_t id = 0, oif = 0;
	int len;

	a = attrs(h, sizeof(*nm), &len);
	if (!a || h->nlmsg_type != RTM_NEWNEXTHOP)
		return;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NHA_ID)
			id = attr_u32(a);
		else if (a->rta_type == NHA_OIF)
			oif = attr_u32(a);
		else if (a->rta_type == NHA_GROUP)
			group = a;
	}
	if (oif && oif == (uint32_t)d->ifindex)
		add(d->ondev, &d->nondev, DR_ONDEV, id, &d->unsure);
	if (group && has(d->want, d->nwant, id)) {
		const struct nexthop_grp *g = RTA_DATA(group);
		size_t i;

		/* groups hold plain nexthops only: one level */
		for (i = 0; i < RTA_PAYLOAD(group) / sizeof(*g); i++)
			add(d->want, &d->nwant, DR_WANT, g[i].id, &d->unsure);
	}
}

bool defroute_verdict(const struct defroute *d)
{
	int i;

	if (d->yes || (d->unsure && d->nwant))
		return true;
	for (i = 0; i < d->nwant; i++)
		if (has(d->ondev, d->nondev, d->want[i]))
			return true;
	return false;
}

/* One dump request of type with its fixed header; each message to take. 0 or -errno. */
static int nl_dump(int fd, uint16_t type, const void *hdr, size_t hlen, char *buf,
		   void (*take)(struct defroute *, const struct nlmsghdr *), struct defroute *d)
{
	static uint32_t seq;
	struct {
		struct nlmsghdr h;
		char body[64];
	} req;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(hlen);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++seq;
	memcpy(NLMSG_DATA(&req.h), hdr, hlen);
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		n = recv(fd, buf, NL_BUF, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > NL_BUF)
			return -EMSGSIZE;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req.h.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error
					       ? e->error
					       : -EPROTO;
			}
			take(d, h);
		}
	}
}

int defroute_via(int ifindex)
{
	struct defroute *d = malloc(sizeof(*d));
	char *buf = malloc(NL_BUF);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), err = 0, f;
	static const int fams[2] = { AF_INET, AF_INET6 };

	if (!d || !buf || fd < 0) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	defroute_init(d, ifindex);
	for (f = 0; f < 2; f++) {
		struct fib_rule_hdr rh = { .family = (uint8_t)fams[f] };

		/* rules that cannot be read: every table counts */
		if (nl_dump(fd, RTM_GETRULE, &rh, sizeof(rh), buf, defroute_rule, d))
			d->all_tables[f] = true;
	}
	for (f = 0; f < 2 && !err; f++) {
		struct rtmsg rm = { .rtm_family = (uint8_t)fams[f] };

		err = nl_dump(fd, RTM_GETROUTE, &rm, sizeof(rm), buf, defroute_route, d);
		if (err == -EAFNOSUPPORT || err == -EOPNOTSUPP)
			err = 0; /* no IPv6 on this host: no IPv6 routes */
	}
	if (!err && d->nwant) {
		struct nhmsg nm = { .nh_family = AF_UNSPEC };

		/* routes name nexthops, yet they cannot be read: unsure */
		if (nl_dump(fd, RTM_GETNEXTHOP, &nm, sizeof(nm), buf, defroute_nexthop, d))
			d->unsure = true;
	}
	if (!err)
		err = defroute_verdict(d);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(d);
	return err;
}
