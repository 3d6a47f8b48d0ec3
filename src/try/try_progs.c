// SPDX-License-Identifier: GPL-2.0
/*
 * The programs on a device (try_offload.h): what an --attach command put there, read back from
 * the kernel (XDP, tcx), from `tc -j filter show` (classic TC filters, which the kernel lists
 * only over netlink) and from the host's sockmaps (sk_skb and sk_msg programs run on sockets,
 * attached to a map, not to a device), and removed again when a --detach command leaves them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>
#include <linux/bpf.h>
#include <linux/if_link.h>

#include "lib/bpfutil.h"
#include "lib/util.h"
#include "try/try_offload.h"

#define TCX_INGRESS 46 /* BPF_TCX_INGRESS, newer than this libbpf's headers */
#define TCX_EGRESS 47
#define TC_JSON_MAX (1u << 20)

int try_prog_info(struct try_prog *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(p->id), err = 0;

	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
	} else {
		snprintf(p->name, sizeof(p->name), "%s", info.name[0] ? info.name : "(no name)");
		for (int i = 0; i < 8; i++)
			snprintf(p->tag + 2 * i, 3, "%02x", info.tag[i]);
		p->type = info.type;
	}
	close(fd);
	return err;
}

int try_prog_of_fd(int fd, struct try_prog *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(p, 0, sizeof(*p));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	p->id = info.id;
	return try_prog_info(p);
}

int try_prog_stats(const struct try_prog *p, uint64_t *run_ns, uint64_t *run_cnt)
{
	int fd = bpf_prog_get_fd_by_id(p->id), err;

	if (fd < 0)
		return -errno;
	err = bpfu_prog_stats(fd, run_ns, run_cnt);
	close(fd);
	return err;
}

static int add(struct try_prog *out, int n, int max, uint32_t id, const char *hook)
{
	int i;

	if (!id || n >= max)
		return n;
	for (i = 0; i < n; i++)
		if (out[i].id == id && !strcmp(out[i].hook, hook))
			return n;
	memset(&out[n], 0, sizeof(out[n]));
	out[n].id = id;
	snprintf(out[n].hook, sizeof(out[n].hook), "%s", hook);
	try_prog_info(&out[n]);
	return n + 1;
}

/* The programs of ifindex's tcx ingress or egress (BPF_PROG_QUERY on the device). */
static int tcx_progs(int ifindex, bool egress, struct try_prog *out, int n, int max)
{
	__u32 ids[TRY_PROGS_MAX], cnt = TRY_PROGS_MAX, i;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (__u32)ifindex; /* target_ifindex shares the word */
	attr.query.attach_type = egress ? TCX_EGRESS : TCX_INGRESS;
	attr.query.prog_ids = (__u64)(unsigned long)ids;
	attr.query.prog_cnt = cnt;
	if (syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)))
		return n; /* no tcx here (an older kernel): none */
	for (i = 0; i < attr.query.prog_cnt && i < TRY_PROGS_MAX; i++) {
		int k = add(out, n, max, ids[i], egress ? "tc-egress" : "tc-ingress");

		if (k > n)
			out[n].tcx = true;
		n = k;
	}
	return n;
}

/* `tc -j filter show dev IFNAME DIR`'s output, parsed; NULL when tc cannot tell. */
static json_t *tc_json(const char *ifname, const char *dir)
{
	char *argv[] = { "tc", "-j", "filter", "show", "dev", (char *)ifname, (char *)dir, NULL };
	char *buf = malloc(TC_JSON_MAX + 1);
	size_t have = 0;
	int p[2], status;
	json_t *j = NULL;
	ssize_t r;
	pid_t pid;

	if (!buf || pipe2(p, O_CLOEXEC)) {
		free(buf);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(p[1], STDOUT_FILENO);
		if (nul >= 0)
			dup2(nul, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && have < TC_JSON_MAX) {
		r = read(p[0], buf + have, TC_JSON_MAX - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	close(p[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status)) {
		buf[have] = '\0';
		j = json_loads(buf, 0, NULL);
	}
	free(buf);
	return j;
}

/* Classic TC filters with a BPF program: {"pref": P, "options": {"handle": "0x1", "prog": {"id": N}}} */
static int tc_progs(const char *ifname, bool egress, struct try_prog *out, int n, int max)
{
	json_t *j = tc_json(ifname, egress ? "egress" : "ingress"), *f;
	size_t i;

	json_array_foreach(j, i, f)
	{
		json_t *opt = json_object_get(f, "options");
		json_int_t id =
			json_integer_value(json_object_get(json_object_get(opt, "prog"), "id"));
		json_int_t pref = json_integer_value(json_object_get(f, "pref"));
		const char *h = json_string_value(json_object_get(opt, "handle"));
		int k;

		if (id <= 0 || id > UINT32_MAX || pref <= 0 || pref > 65535 || !h)
			continue;
		k = add(out, n, max, (uint32_t)id, egress ? "tc-egress" : "tc-ingress");
		if (k > n) {
			out[n].tc_prio = (uint32_t)pref;
			out[n].tc_handle = (uint32_t)strtoul(h, NULL, 0);
		}
		n = k;
	}
	json_decref(j);
	return n;
}

/* One sockmap's programs of type at (BPF_PROG_QUERY on the map, Linux 5.19). */
static int map_progs(int map_fd, uint32_t map_id, enum bpf_attach_type at, const char *hook,
		     struct try_prog *out, int n, int max)
{
	__u32 ids[TRY_PROGS_MAX], cnt = TRY_PROGS_MAX, i;

	if (bpf_prog_query(map_fd, at, 0, NULL, ids, &cnt))
		return n;
	for (i = 0; i < cnt && i < TRY_PROGS_MAX; i++) {
		int k = add(out, n, max, ids[i], hook);

		if (k > n) {
			out[n].map_id = map_id;
			out[n].attach_type = (uint32_t)at;
		}
		n = k;
	}
	return n;
}

/*
 * The programs attached to the host's sockmaps and sockhashes (bpftool's way: every map, its
 * programs queried). Not the device's, the host's: the caller keeps those that appeared while
 * the --attach command ran.
 */
static int sockmap_progs(struct try_prog *out, int n, int max)
{
	static const struct {
		enum bpf_attach_type at;
		const char *hook;
	} kinds[] = {
		{ BPF_SK_SKB_STREAM_PARSER, "sk-skb" },
		{ BPF_SK_SKB_STREAM_VERDICT, "sk-skb" },
		{ BPF_SK_SKB_VERDICT, "sk-skb" },
		{ BPF_SK_MSG_VERDICT, "sk-msg" },
	};
	__u32 id = 0;
	size_t k;

	while (n < max && !bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info mi;
		__u32 ml = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue; /* gone meanwhile */
		memset(&mi, 0, sizeof(mi));
		if (!bpf_obj_get_info_by_fd(fd, &mi, &ml) &&
		    (mi.type == BPF_MAP_TYPE_SOCKMAP || mi.type == BPF_MAP_TYPE_SOCKHASH))
			for (k = 0; k < ARRAY_SIZE(kinds); k++)
				n = map_progs(fd, id, kinds[k].at, kinds[k].hook, out, n, max);
		close(fd);
	}
	return n;
}

int try_progs_on_dev(int ifindex, const char *ifname, struct try_prog *out, int max)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, xq);
	int n = 0;

	if (!bpf_xdp_query(ifindex, 0, &xq)) {
		n = add(out, n, max, xq.drv_prog_id, "xdp");
		n = add(out, n, max, xq.skb_prog_id, "xdp");
		n = add(out, n, max, xq.hw_prog_id, "xdp");
	}
	n = tcx_progs(ifindex, false, out, n, max);
	n = tcx_progs(ifindex, true, out, n, max);
	n = tc_progs(ifname, false, out, n, max);
	n = tc_progs(ifname, true, out, n, max);
	n = sockmap_progs(out, n, max);
	return n;
}

#define LINK_TYPE_TCX 11 /* BPF_LINK_TYPE_TCX, newer than this libbpf's headers */

/*
 * The links that hold p on the device, detached (a link held by another process, or pinned,
 * cannot be removed any other way). How many.
 */
static int detach_links(int ifindex, const struct try_prog *p)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.prog_id == p->id &&
		    ((info.type == BPF_LINK_TYPE_XDP && (int)info.xdp.ifindex == ifindex) ||
		     (int)info.type == LINK_TYPE_TCX) &&
		    !bpf_link_detach(fd))
			n++;
		close(fd);
	}
	return n;
}

/* An sk_skb or sk_msg program off its sockmap. */
static int sockmap_detach(const struct try_prog *p)
{
	int map_fd = bpf_map_get_fd_by_id(p->map_id), fd, err = 0;

	if (map_fd < 0)
		return -errno;
	fd = bpf_prog_get_fd_by_id(p->id);
	if (fd < 0 || bpf_prog_detach2(fd, map_fd, (enum bpf_attach_type)p->attach_type))
		err = -errno;
	if (fd >= 0)
		close(fd);
	close(map_fd);
	return err;
}

int try_prog_remove(int ifindex, const struct try_prog *p)
{
	union bpf_attr attr;
	int fd, err = 0;

	if (p->map_id)
		return sockmap_detach(p);
	if ((!strcmp(p->hook, "xdp") || p->tcx) && detach_links(ifindex, p) > 0)
		return 0;

	if (!strcmp(p->hook, "xdp")) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, xo);

		/* every mode: a link or a plain attachment, drv or skb */
		if (bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, &xo) &&
		    bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, &xo))
			err = -errno;
		return err;
	}
	if (p->tcx) {
		fd = bpf_prog_get_fd_by_id(p->id);
		if (fd < 0)
			return -errno;
		memset(&attr, 0, sizeof(attr));
		attr.attach_bpf_fd = (__u32)fd;
		attr.target_fd = (__u32)ifindex;
		attr.attach_type = !strcmp(p->hook, "tc-egress") ? TCX_EGRESS : TCX_INGRESS;
		if (syscall(__NR_bpf, BPF_PROG_DETACH, &attr, sizeof(attr)))
			err = -errno;
		close(fd);
		return err;
	}
	{
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex);
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = p->tc_handle, .priority = p->tc_prio);

		hook.attach_point = !strcmp(p->hook, "tc-egress") ? BPF_TC_EGRESS : BPF_TC_INGRESS;
		return bpf_tc_detach(&hook, &o);
	}
}
