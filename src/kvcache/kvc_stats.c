// SPDX-License-Identifier: GPL-2.0
/* offloadlab kvcache stats: the counters of the pinned cache, and the state of its device. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "kvcache/kvc.h"
#include "kvcache/kvc_pins.h"
#include "lib/cli.h"
#include "lib/log.h"

#include "kvcache.skel.h"
#include "lib/util.h"

/* What holds fills now, and for how much longer (ms; 0: nothing). */
struct holds {
	uint64_t fills_ms; /* fill_block_until */
	uint32_t why;	   /* enum kvc_hold */
	uint32_t global_open;
	uint64_t global_ms;
	uint32_t buckets; /* buckets with a window that still holds */
	uint64_t buckets_ms;
	uint32_t suspects; /* sources of unread fragments */
	bool server_gone;
};

static const char *const hold_names[] = {
	[KVC_HOLD_NONE] = "-",
	[KVC_HOLD_FLUSH_DELAY] = "a flush_all with a delay",
	[KVC_HOLD_UNREAD] = "a datagram not read whole",
	[KVC_HOLD_FRAGMENT] = "a packet whose ports could not be read (fragment)",
	[KVC_HOLD_TCP] = "a TCP connection not followed",
	[KVC_HOLD_LATE] = "a reply after its window had ended",
	[KVC_HOLD_NOT_COUNTED] = "a window that could not be counted",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns()'s clock */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ms from now until the window's bound, 0 when it holds nothing (kvc_win, as the BPF side). */
static uint64_t win_left(const struct kvc_win *w, uint32_t now_ms)
{
	int32_t d = (int32_t)(w->hold_ms - now_ms);

	return w->open && d > 0 ? (uint64_t)d : 0;
}

static int pinned_fd(const char *dir, const char *name)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return bpf_obj_get(p);
}

static void read_holds(const char *dir, struct holds *h)
{
	struct kvcache_bpf__bss bss;
	uint64_t now = now_ns();
	uint32_t now_ms = (uint32_t)(now / 1000000), zero = 0, i, n = 0;
	struct kvc_fence *f = calloc(KVC_BUCKETS, sizeof(*f));
	struct kvc_suspect_key k, next;
	struct kvc_win w;
	int fd;

	memset(h, 0, sizeof(*h));
	fd = pinned_fd(dir, "bss");
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &bss)) {
		h->fills_ms =
			bss.fill_block_until > now ? (bss.fill_block_until - now) / 1000000 : 0;
		h->why = h->fills_ms && bss.hold_why < ARRAY_SIZE(hold_names) ? bss.hold_why : 0;
		h->server_gone = bss.server_gone;
	}
	if (fd >= 0)
		close(fd);
	fd = pinned_fd(dir, "gwin");
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &w)) {
		h->global_ms = win_left(&w, now_ms);
		h->global_open = h->global_ms ? w.open : 0;
	}
	if (fd >= 0)
		close(fd);
	fd = pinned_fd(dir, "fence");
	for (i = 0; f && fd >= 0 && i < KVC_BUCKETS; i++) {
		uint64_t left;

		if (bpf_map_lookup_elem(fd, &i, &f[i]))
			break;
		left = win_left(&f[i].w, now_ms);
		if (left) {
			h->buckets++;
			if (left > h->buckets_ms)
				h->buckets_ms = left;
		}
	}
	free(f);
	if (fd >= 0)
		close(fd);
	fd = pinned_fd(dir, "suspects");
	while (fd >= 0 && !bpf_map_get_next_key(fd, n ? &k : NULL, &next) && n < 100000) {
		k = next;
		n++;
	}
	h->suspects = n;
	if (fd >= 0)
		close(fd);
}

static void print_holds(const struct holds *h)
{
	if (h->server_gone)
		printf("memcached's socket closed: nothing answered until it binds again\n");
	if (!h->fills_ms && !h->global_ms && !h->buckets && !h->suspects) {
		printf("fills held: no\n");
		return;
	}
	if (h->fills_ms)
		printf("fills held: %llu.%03llu s more, after %s\n",
		       (unsigned long long)(h->fills_ms / 1000),
		       (unsigned long long)(h->fills_ms % 1000), hold_names[h->why]);
	if (h->global_ms)
		printf("fills held: %u write(s) read whole by nobody (flush_all, a write not read, "
		       "a fragment) until their reply, %llu.%03llu s more at most\n",
		       h->global_open, (unsigned long long)(h->global_ms / 1000),
		       (unsigned long long)(h->global_ms % 1000));
	if (h->buckets)
		printf("fills held: keys of %u bucket(s) being written, until their replies, "
		       "%llu.%03llu s more at most\n",
		       h->buckets, (unsigned long long)(h->buckets_ms / 1000),
		       (unsigned long long)(h->buckets_ms % 1000));
	if (h->suspects)
		printf("unread fragments from %u source(s): the expiries learnt are forgotten if "
		       "memcached receives their datagram\n",
		       h->suspects);
}

static json_t *holds_json(const struct holds *h)
{
	return json_pack("{s:I, s:s, s:i, s:I, s:i, s:I, s:i, s:b}", "fills_held_ms",
			 (json_int_t)h->fills_ms, "why", h->fills_ms ? hold_names[h->why] : "",
			 "global_windows", (int)h->global_open, "global_ms",
			 (json_int_t)h->global_ms, "bucket_windows", (int)h->buckets, "bucket_ms",
			 (json_int_t)h->buckets_ms, "suspect_sources", (int)h->suspects,
			 "server_gone", h->server_gone);
}

int kvc_cmd_stats(const char *dev, bool as_json)
{
	struct kvc_attach_info info;
	struct holds h;
	uint64_t c[KVC_NCOUNTERS];
	char root[256], dir[512], p[600], name[IF_NAMESIZE] = "";
	bool gone;
	int fd, i, err;

	err = kvc_pin_root(root, sizeof(root), false);
	if (!err)
		err = kvc_find_pins(root, dev, dir, sizeof(dir), &info);
	if (err) {
		fprintf(stderr, "offloadlab kvcache: not attached to %s in this namespace\n", dev);
		return EXIT_FAIL;
	}
	snprintf(p, sizeof(p), "%s/counters", dir);
	fd = bpf_obj_get(p);
	if (fd < 0)
		return log_errno(-errno, "read the kvcache counters in %s", dir), EXIT_FAIL;
	err = kvc_counters(fd, c);
	close(fd);
	if (err)
		return log_errno(err, "read the kvcache counters"), EXIT_FAIL;
	/* removed while attached: the cache's programs on the other interfaces are still there */
	gone = !if_indextoname(info.ifindex, name) || strcmp(name, info.ifname);
	read_holds(dir, &h);
	if (as_json) {
		/* for scripts: {"device": ..., "device_gone": false, "counters": {"hit": N, ...}} */
		json_t *o = json_object(), *cs = json_object();

		for (i = 0; i < KVC_NCOUNTERS; i++)
			json_object_set_new(cs, kvc_counter_name(i),
					    json_integer((json_int_t)c[i]));
		json_object_set_new(o, "device", json_string(dev));
		json_object_set_new(o, "device_gone", json_boolean(gone));
		json_object_set_new(o, "holds", holds_json(&h));
		json_object_set_new(o, "counters", cs);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return EXIT_OK;
	}
	if (gone)
		printf("device %s is gone (removed while the cache was attached): nothing is "
		       "answered; its programs still follow writes on the other interfaces until "
		       "'offloadlab kvcache detach --dev %s'\n",
		       dev, dev);
	print_holds(&h);
	for (i = 0; i < KVC_NCOUNTERS; i++)
		printf("%-32s %llu\n", kvc_counter_name(i), (unsigned long long)c[i]);
	return EXIT_OK;
}
