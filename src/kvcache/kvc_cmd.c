// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab kvcache attach|detach|stats: the kvcache pinned (kvc_pins.c) so that it
 * outlives the command; detach finds it by namespace and device, also once the device is gone.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvcache/kvc.h"
#include "kvcache/kvc_pins.h"
#include "kvcache/kvc_prom.h"
#include "lib/admit.h"
#include "lib/cli.h"
#include "lib/log.h"

#include "kvcache.skel.h"

int kvc_xsk_handoff_pinned(const char *dev)
{
	struct kvc_attach_info info;
	char root[256], dir[512], p[600];
	int cfd = -1, xfd = -1, err;

	err = kvc_pin_root(root, sizeof(root), false);
	if (!err)
		err = kvc_find_pins(root, dev, dir, sizeof(dir), &info);
	if (!err) {
		snprintf(p, sizeof(p), "%s/kvc_config", dir);
		cfd = bpf_obj_get(p);
		snprintf(p, sizeof(p), "%s/kvc_xsks", dir);
		xfd = cfd < 0 ? -1 : bpf_obj_get(p);
		err = cfd < 0 || xfd < 0 ? -errno : 0;
	}
	if (err) {
		fprintf(stderr,
			"offloadlab: no kvcache attached to %s in this namespace (%s): "
			"'offloadlab kvcache attach --dev %s --port PORT' first\n",
			dev, strerror(-err), dev);
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
	printf("  attach and detach lose no request: the programs come and go through links, no "
	       "qdisc is added or removed; hits start once memcached has answered a client "
	       "(where its reply goes is where the cache may answer)\n");
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

struct others {
	int n;
	char names[256];
};

/* A cache pinned in this namespace already (attached elsewhere, or to a device gone since). */
static void note_other(const char *dir, void *arg)
{
	struct kvc_attach_info info = { 0 };
	struct others *o = arg;
	char p[600], name[IF_NAMESIZE] = "";
	__u32 zero = 0;
	size_t used = strlen(o->names);
	int fd;

	snprintf(p, sizeof(p), "%s/attach_info", dir);
	fd = bpf_obj_get(p);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &zero, &info);
		close(fd);
	}
	o->n++;
	if (used + 64 < sizeof(o->names))
		snprintf(o->names + used, sizeof(o->names) - used, "%s%.15s%s", used ? ", " : "",
			 info.ifname[0] ? info.ifname : "?",
			 if_indextoname(info.ifindex, name) && !strcmp(name, info.ifname)
				 ? ""
				 : " (gone)");
}

/* MemAvailable from /proc/meminfo, in bytes (0 when unknown). */
static uint64_t mem_available(void)
{
	char line[128];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb * 1024;
}

static int cmd_attach(const char *dev, const struct kvc_opts *o)
{
	struct kvc_attach_info info = { .port = o->port };
	uint64_t need = kvc_map_bytes(o), avail = mem_available();
	struct others others = { 0 };
	char root[256], dir[512];
	struct kvc k;
	__u32 zero = 0;
	int err, i;

	if (!if_nametoindex(dev)) {
		log_errno(-ENODEV, "find device %s in this namespace", dev);
		return EXIT_FAIL;
	}
	/* its maps are allocated whole at load: say so before, not with the kernel's ENOMEM */
	if (avail && need > avail) {
		fprintf(stderr,
			"offloadlab kvcache: --capacity %u needs about %llu MiB of kernel memory "
			"for "
			"its maps, and %llu MiB are available: choose a smaller --capacity (about "
			"%llu MiB per 100000 items)\n",
			o->capacity, (unsigned long long)(need >> 20),
			(unsigned long long)(avail >> 20),
			(unsigned long long)((need / (o->capacity ? o->capacity : 1) * 100000) >>
					     20));
		return EXIT_FAIL;
	}
	if (kvc_pin_root(root, sizeof(root), true))
		return EXIT_FAIL;
	/* one cache per namespace: it follows writes on every interface */
	if (kvc_each_pins(root, note_other, &others)) {
		fprintf(stderr,
			"offloadlab kvcache: a kvcache is attached in this namespace already (to "
			"%s): 'offloadlab kvcache detach --dev DEV' (or --all) first\n",
			others.names);
		return EXIT_FAIL;
	}
	err = kvc_attach_opts(dev, o, &k);
	if (err) {
		if (err == -ENOMEM)
			fprintf(stderr,
				"offloadlab kvcache: not enough kernel memory for the maps of "
				"--capacity %u (about %llu MiB; a memory cgroup may limit it): "
				"choose a smaller --capacity\n",
				o->capacity, (unsigned long long)(need >> 20));
		return EXIT_FAIL;
	}
	info.ifindex = if_nametoindex(dev);
	info.netns = kvc_netns_id();
	snprintf(info.ifname, sizeof(info.ifname), "%s", dev);
	info.nextra = (__u32)k.nextra;
	for (i = 0; i < k.nextra; i++)
		info.extra_ifindex[i] = (__u32)k.extra[i].ifindex;
	bpf_map_update_elem(bpf_map__fd(k.skel->maps.attach_info), &zero, &info, BPF_ANY);
	kvc_pin_dir(root, info.ifindex, dir, sizeof(dir));
	err = kvc_pin_all(&k, dir);
	if (err) {
		log_errno(err, "pin the kvcache under %s", dir);
		kvc_unpin_all(dir);
		kvc_detach(&k);
		return EXIT_FAIL;
	}
	attached_say(&k, dev, dir, o);
	kvc_detach(&k);
	return EXIT_OK;
}

static void detach_one(const char *dir, void *arg)
{
	struct kvc_attach_info info = { 0 };
	char p[600], name[IF_NAMESIZE] = "";
	__u32 zero = 0;
	int fd;

	(void)arg;
	snprintf(p, sizeof(p), "%s/attach_info", dir);
	fd = bpf_obj_get(p);
	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &zero, &info);
		close(fd);
	}
	kvc_unpin_all(dir);
	printf("kvcache detached from %.15s%s\n", info.ifname[0] ? info.ifname : dir,
	       if_indextoname(info.ifindex, name) && !strcmp(name, info.ifname)
		       ? ""
		       : " (the device was gone: its programs on the other interfaces removed)");
}

static int cmd_detach(const char *dev, bool all)
{
	struct kvc_attach_info info;
	char root[256], dir[512];
	int err;

	if (kvc_pin_root(root, sizeof(root), false)) {
		fprintf(stderr, "offloadlab kvcache: not attached in this namespace (no BPF "
				"filesystem holds a kvcache)\n");
		return EXIT_FAIL;
	}
	if (all) {
		if (!kvc_each_pins(root, detach_one, NULL)) {
			fprintf(stderr, "offloadlab kvcache: not attached in this namespace\n");
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	err = kvc_find_pins(root, dev, dir, sizeof(dir), &info);
	if (err == -ENODEV) {
		fprintf(stderr,
			"offloadlab kvcache: the pins in %s name another device (ifindex %u in "
			"namespace %llx): not touching them\n",
			dir, info.ifindex, (unsigned long long)info.netns);
		return EXIT_FAIL;
	}
	if (err) {
		fprintf(stderr, "offloadlab kvcache: not attached to %s in this namespace\n", dev);
		return EXIT_FAIL;
	}
	detach_one(dir, NULL);
	return EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: offloadlab kvcache attach --dev DEV [OPTION...]\n"
		"  or:  offloadlab kvcache detach --dev DEV | --all\n"
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
		"  --route-ttl MS    trust the route of memcached's last reply to a client this\n"
		"                    long (default 1000)\n"
		"  --all             (detach) every kvcache of this namespace, its device there\n"
		"                    or not\n"
		"  --json            stats as JSON, for scripts\n"
		"  --format FMT      stats as text (default), json or prometheus (the text\n"
		"                    exposition format: offloadlab_kvcache_hits_total{dev=...})\n"
		"  --textfile DIR    write the prometheus metrics to\n"
		"                    DIR/offloadlab_kvcache_DEV.prom, whole, for node_exporter's\n"
		"                    textfile collector (offloadlab_kvcache_up 0 when not "
		"attached)\n"
		"\n"
		"The cache answers only what memcached's kernel would deliver to it, from where "
		"the\n"
		"kernel sends memcached's own replies (their route, learnt from them): never a\n"
		"spoofed source on the link, a broadcast, or a datagram the kernel drops.\n\n"
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
		"  offloadlab kvcache detach --all\n"
		"Needs root. Exit status: 0 ok, 1 failure, 64 usage error.\n");
}

int kvcache_main(int argc, char **argv)
{
	const char *sub, *dev = NULL, *textfile = NULL;
	bool prom = false;
	uint64_t port = 11211, cap = 65536, rate = 0, conns = 0, max_age = 0, ttl = 0;
	struct kvc_opts o = { 0 };
	bool as_json = false, all = false;
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
		if (!strcmp(argv[i], "--all")) {
			all = true;
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

			if (adm_parse_cidr(v, &v6, a, &prefix) || o.nallow >= KVC_MAX_ALLOW) {
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
		} else if (!strcmp(argv[i], "--route-ttl")) {
			if (cli_parse_u64(v, 1, 3600000, &ttl)) {
				fprintf(stderr,
					"offloadlab kvcache: --route-ttl takes 1..3600000 ms, not "
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
	if (strcmp(sub, "attach") && strcmp(sub, "detach") && strcmp(sub, "stats")) {
		fprintf(stderr,
			"offloadlab kvcache: unknown command '%s' (attach, detach, stats)\n", sub);
		return EXIT_USAGE;
	}
	if (all && (strcmp(sub, "detach") || dev)) {
		fprintf(stderr, "offloadlab kvcache: --all goes with detach, without --dev\n");
		return EXIT_USAGE;
	}
	if (!all && (!dev || !dev[0] || strlen(dev) >= IF_NAMESIZE || strchr(dev, '/'))) {
		fprintf(stderr, "offloadlab kvcache: give the server's device: --dev DEV\n");
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
	o.route_ttl_ms = (uint32_t)ttl;
	if (!strcmp(sub, "attach"))
		return cmd_attach(dev, &o);
	if (!strcmp(sub, "detach"))
		return cmd_detach(dev, all);
	if (prom)
		return kvc_stats_prom(dev, textfile);
	return kvc_cmd_stats(dev, as_json);
}
