// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab kvcache attach|detach|stats: the kvcache pinned under
 * /sys/fs/bpf/olab-kvcache-<netns>-<ifindex> so that it outlives the command.
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
#include <jansson.h>

#include "kvcache/kvc.h"
#include "lib/cli.h"
#include "lib/log.h"

#include "kvcache.skel.h"
#include "lib/util.h"

#define PIN_ROOT "/sys/fs/bpf"

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
	err = kvc_handoff_enable(cfd);
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
		"Usage: offloadlab kvcache attach --dev DEV [--port PORT] [--capacity N]\n"
		"                  [--allow CIDR]... [--rate N]\n"
		"       offloadlab kvcache detach --dev DEV\n"
		"       offloadlab kvcache stats --dev DEV [--json]\n\n"
		"  --allow CIDR  answer only these sources (repeat; IPv4 or IPv6); others go to\n"
		"                memcached, which answers them as it always would\n"
		"  --rate N      answer at most N requests a second to one source address\n"
		"                (beyond it memcached answers); default: no limit\n"
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
		"  offloadlab kvcache detach --dev eth0\n"
		"Needs root. Exit status: 0 ok, 1 failure, 64 usage error.\n");
}

int kvcache_main(int argc, char **argv)
{
	const char *sub, *dev = NULL;
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
	return cmd_stats(dev, as_json);
}
