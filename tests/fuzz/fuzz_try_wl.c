// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the workload readers of `offloadlab try` (src/try/try_wl.h): any input,
 * read as a requests file and as a pcap (UDP and TCP), is either refused with a reason or
 * gives requests that keep every bound: payloads inside the blob, 1..WL_PAYLOAD_MAX bytes,
 * weights in range, classes named and known. Built with -fsanitize=fuzzer,address,undefined.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "try/try_wl.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_wl(const struct workload *w, int err, const char *why)
{
	uint64_t total = 0;
	size_t i;

	if (err) {
		check(why[0] != '\0');
		return;
	}
	check(w->n >= 1 && w->n <= WL_REQS_MAX && w->ncls >= 1 && w->ncls <= WL_CLASSES_MAX);
	for (i = 0; i < w->n; i++) {
		const struct wl_req *r = &w->req[i];

		check(r->len >= 1 && r->len <= WL_PAYLOAD_MAX);
		check((size_t)r->off + r->len <= w->blob_len);
		check(r->weight >= 1 && r->weight <= WL_WEIGHT_MAX);
		check(r->cls < w->ncls);
		total += r->weight;
	}
	for (i = 0; i < w->ncls; i++)
		check(strlen(w->cls[i]) >= 1 && strlen(w->cls[i]) <= WL_CLASS_LEN);
	check(total == w->total_weight);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wl_class_by cb;
	struct workload w;
	char why[400];
	int err, tcp;

	if (!cb.n) {
		check(!wl_class_by_add(&cb, "^get =get", why, sizeof(why)));
		check(!wl_class_by_add(&cb, "^(set|add) =write", why, sizeof(why)));
	}
	why[0] = '\0';
	wl_init(&w);
	err = wl_parse_requests(&w, "f", data, size, why, sizeof(why));
	check_wl(&w, err, why);
	wl_free(&w);
	for (tcp = 0; tcp < 2; tcp++) {
		why[0] = '\0';
		wl_init(&w);
		err = wl_parse_pcap(&w, "f", data, size, 11211, tcp, &cb, why, sizeof(why));
		check_wl(&w, err, why);
		wl_free(&w);
	}
	return 0;
}
