// SPDX-License-Identifier: GPL-2.0
/* offloadlab kvcache stats: the counters of the pinned cache, and the state of its device. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "kvcache/kvc.h"
#include "kvcache/kvc_pins.h"
#include "lib/cli.h"
#include "lib/log.h"

int kvc_cmd_stats(const char *dev, bool as_json)
{
	struct kvc_attach_info info;
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
	if (as_json) {
		/* for scripts: {"device": ..., "device_gone": false, "counters": {"hit": N, ...}} */
		json_t *o = json_object(), *cs = json_object();

		for (i = 0; i < KVC_NCOUNTERS; i++)
			json_object_set_new(cs, kvc_counter_name(i),
					    json_integer((json_int_t)c[i]));
		json_object_set_new(o, "device", json_string(dev));
		json_object_set_new(o, "device_gone", json_boolean(gone));
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
	for (i = 0; i < KVC_NCOUNTERS; i++)
		printf("%-32s %llu\n", kvc_counter_name(i), (unsigned long long)c[i]);
	return EXIT_OK;
}
