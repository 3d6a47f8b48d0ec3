// SPDX-License-Identifier: GPL-2.0
/* offloadlab kvcache stats --format prometheus: the cache's counters for an operator's scrape. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kvcache/kvc.h"
#include "kvcache/kvc_prom.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "lib/util.h"

enum fam {
	F_NONE, /* a counter not mapped yet: exported as an event, by its name */
	F_UP,
	F_HITS,
	F_MISSES,
	F_PASSED,
	F_INVAL,
	F_FILLS,
	F_FILLS_REJ,
	F_FLUSHES,
	F_TCP_LOST,
	F_ITEMS,
	F_LIMIT,
	F_MEMORY,
	F_EVENTS,
	F_COUNT,
};

static const struct {
	const char *name, *label, *help;
	enum prom_type type;
} fams[F_COUNT] = {
	[F_UP] = { "offloadlab_kvcache_up", NULL,
		   "1 when a kvcache is attached to the device and its counters were read",
		   PROM_GAUGE },
	[F_HITS] = { "offloadlab_kvcache_hits_total", NULL,
		     "GET requests answered in XDP from the cache", PROM_COUNTER },
	[F_MISSES] = { "offloadlab_kvcache_misses_total", NULL,
		       "GET requests passed to memcached because a key was not cached",
		       PROM_COUNTER },
	[F_PASSED] = { "offloadlab_kvcache_passed_total", "reason",
		       "Requests passed to memcached untouched, by why the cache did not answer",
		       PROM_COUNTER },
	[F_INVAL] = { "offloadlab_kvcache_invalidations_total", NULL,
		      "Writes whose keys were invalidated before memcached saw them",
		      PROM_COUNTER },
	[F_FILLS] = { "offloadlab_kvcache_fills_total", NULL,
		      "Items filled from memcached's replies", PROM_COUNTER },
	[F_FILLS_REJ] = { "offloadlab_kvcache_fills_rejected_total", "reason",
			  "Fills refused: a write to the key may have been applied after the "
			  "reply was made",
			  PROM_COUNTER },
	[F_FLUSHES] = { "offloadlab_kvcache_flushes_total", "reason",
			"Whole-cache flushes, by what the cache could not follow", PROM_COUNTER },
	[F_TCP_LOST] = { "offloadlab_kvcache_tcp_connections_lost_total", "reason",
			 "TCP connections the cache could not follow (fills stop while they "
			 "last)",
			 PROM_COUNTER },
	[F_ITEMS] = { "offloadlab_kvcache_current_items", NULL,
		      "Entries in the cache map (expired or flushed ones included: never served)",
		      PROM_GAUGE },
	[F_LIMIT] = { "offloadlab_kvcache_limit_items", NULL,
		      "Items the cache map holds at most (--capacity)", PROM_GAUGE },
	[F_MEMORY] = { "offloadlab_kvcache_memory_bytes", NULL,
		       "Kernel memory of the cache map (memlock)", PROM_GAUGE },
	[F_EVENTS] = { "offloadlab_kvcache_events_total", "event",
		       "Other counters of the cache, by their name in 'kvcache stats'",
		       PROM_COUNTER },
};

/* Every counter of enum kvc_counter: its family and label value (test_prom checks all). */
static const struct {
	enum fam fam;
	const char *value;
} ctrs[KVC_NCOUNTERS] = {
	[KVC_HIT] = { F_HITS, NULL },
	[KVC_MISS] = { F_MISSES, NULL },
	[KVC_TOO_BIG] = { F_PASSED, "too_big" },
	[KVC_NOT_CACHEABLE] = { F_PASSED, "not_cacheable" },
	[KVC_PARSE_PASS] = { F_PASSED, "not_parsed" },
	[KVC_INVALIDATION] = { F_INVAL, NULL },
	[KVC_FILL] = { F_FILLS, NULL },
	[KVC_FILL_FENCED] = { F_FILLS_REJ, "fence" },
	[KVC_DESYNC] = { F_TCP_LOST, "desync" },
	[KVC_NO_ROOM] = { F_PASSED, "no_frame_room" },
	[KVC_UNREAD_DGRAM] = { F_FLUSHES, "datagram_not_read_whole" },
	[KVC_NOT_LOCAL] = { F_PASSED, "not_on_attach_device" },
	[KVC_SRC_REFUSED] = { F_PASSED, "source_not_allowed" },
	[KVC_RATE_LIMITED] = { F_PASSED, "source_over_rate" },
	[KVC_BAD_FRAME] = { F_PASSED, "bad_frame" },
	[KVC_UNTRACKED] = { F_TCP_LOST, "table_full" },
	[KVC_OPAQUE] = { F_FLUSHES, "fragment_or_ext_header" },
	[KVC_SERVER_GONE] = { F_FLUSHES, "memcached_gone" },
	[KVC_NO_SERVER] = { F_PASSED, "memcached_down" },
	[KVC_BAD_SRC] = { F_PASSED, "source_kernel_drops" },
	[KVC_NO_ROUTE] = { F_PASSED, "not_where_kernel_replies" },
	[KVC_BAD_CSUM] = { F_PASSED, "bad_udp_checksum" },
	[KVC_IGNORED] = { F_EVENTS, "datagram_ignored" },
	[KVC_LATE_REPLY] = { F_FLUSHES, "reply_after_window" },
	[KVC_EXPIRED] = { F_EVENTS, "window_ended_without_reply" },
};

const char *kvc_prom_family(int counter, const char **label_value)
{
	*label_value = NULL;
	if (counter < 0 || counter >= KVC_NCOUNTERS || ctrs[counter].fam == F_NONE)
		return NULL;
	*label_value = ctrs[counter].value;
	return fams[ctrs[counter].fam].name;
}

static void one(struct prom *p, const char *dev, enum fam f, const char *value, uint64_t v)
{
	const char *labels[] = { "dev", dev, fams[f].label, value, NULL };

	if (!fams[f].label)
		labels[2] = NULL;
	prom_sample(p, labels, v);
}

int kvc_prom_write(FILE *f, const char *dev, bool up, const uint64_t c[KVC_NCOUNTERS],
		   const struct kvc_gauges *g)
{
	struct prom p;
	int i;
	enum fam fam;

	prom_init(&p, f);
	prom_family(&p, fams[F_UP].name, fams[F_UP].type, fams[F_UP].help);
	one(&p, dev, F_UP, NULL, up);
	if (!up)
		return prom_end(&p);
	for (fam = F_HITS; fam < F_COUNT; fam = (enum fam)(fam + 1)) {
		bool any = false;

		for (i = 0; i < KVC_NCOUNTERS; i++) {
			const char *v = ctrs[i].fam == F_NONE ? kvc_counter_name(i) : ctrs[i].value;

			if (ctrs[i].fam != fam && !(fam == F_EVENTS && ctrs[i].fam == F_NONE))
				continue;
			if (!any)
				prom_family(&p, fams[fam].name, fams[fam].type, fams[fam].help);
			any = true;
			one(&p, dev, fam, v, c[i]);
		}
		if (any || fam == F_EVENTS)
			continue;
		prom_family(&p, fams[fam].name, fams[fam].type, fams[fam].help);
		one(&p, dev, fam, NULL,
		    fam == F_ITEMS   ? g->items
		    : fam == F_LIMIT ? g->capacity
				     : g->memory);
	}
	return prom_end(&p);
}

/* The map's kernel memory, as its fdinfo says (memlock: bytes). */
static uint64_t map_memlock(int fd)
{
	char path[64], line[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int read_gauges(const char *dev, struct kvc_gauges *g)
{
	struct bpf_map_info info = { 0 };
	__u32 ilen = sizeof(info);
	struct kvc_key k, next;
	char p[512];
	void *prev = NULL;
	int fd, err = 0;

	if (kvc_pin_path(dev, "cache", p, sizeof(p)))
		return -ENODEV;
	fd = bpf_obj_get(p);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
		err = -errno;
		goto out;
	}
	g->capacity = info.max_entries;
	g->memory = map_memlock(fd);
	/* a walk of the keys: the map keeps no count */
	for (g->items = 0; !bpf_map_get_next_key(fd, prev, &next) && g->items <= g->capacity;
	     g->items++) {
		k = next;
		prev = &k;
	}
out:
	close(fd);
	return err;
}

struct prom_job {
	const char *dev;
	bool up;
	uint64_t c[KVC_NCOUNTERS];
	struct kvc_gauges g;
};

static int fill(FILE *f, void *arg)
{
	struct prom_job *j = arg;

	return kvc_prom_write(f, j->dev, j->up, j->c, &j->g);
}

int kvc_stats_prom(const char *dev, const char *textfile_dir)
{
	struct prom_job j = { .dev = dev };
	char p[512], name[64];
	size_t i;
	int fd, err;

	err = kvc_pin_path(dev, "counters", p, sizeof(p));
	fd = err ? -1 : bpf_obj_get(p);
	if (fd >= 0) {
		err = kvc_counters(fd, j.c);
		close(fd);
		if (!err)
			err = read_gauges(dev, &j.g);
		if (err)
			return log_errno(err, "read the kvcache's counters on %s", dev), EXIT_FAIL;
		j.up = true;
	}
	if (!textfile_dir) {
		if (!j.up) {
			fprintf(stderr, "offloadlab kvcache: not attached to %s\n", dev);
			return EXIT_FAIL;
		}
		err = fill(stdout, &j);
		if (err)
			return log_errno(err, "write the metrics"), EXIT_FAIL;
		return EXIT_OK;
	}
	/* the file's name carries the device's, in characters safe in any file name */
	snprintf(name, sizeof(name), "offloadlab_kvcache_%s.prom", dev);
	for (i = strlen("offloadlab_kvcache_"); name[i + 5]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
			    name[i]))
			name[i] = '_';
	err = prom_textfile(textfile_dir, name, fill, &j);
	if (err)
		return log_errno(err, "write %s/%s", textfile_dir, name), EXIT_FAIL;
	if (!j.up) {
		fprintf(stderr,
			"offloadlab kvcache: not attached to %s (wrote offloadlab_kvcache_up 0 to "
			"%s/%s)\n",
			dev, textfile_dir, name);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
