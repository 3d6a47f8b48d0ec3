// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the memcached parser (src/kvcache/mcproto.h): any input either parses
 * into a request whose keys lie inside its line and hold no space or line end, or is not
 * understood. Built with -fsanitize=fuzzer,address,undefined (make fuzz).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kvcache/mcproto.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u8 buf[MC_BUF];
	struct mc_req r;
	struct mc_value v;
	__u32 len = size > MC_BUF ? MC_BUF : (__u32)size, i, j;
	enum mc_cmd c;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, len);
	c = mc_parse_req(buf, len, &r);
	check(c < MC_NCMDS && c == r.cmd);
	if (c == MC_UNKNOWN) {
		check(r.nkeys == 0);
		check(r.line_len == 0 || (r.line_len <= len && buf[r.line_len - 1] == '\n'));
	} else if (c == MC_BAD_WRITE) {
		/* a write it cannot read: no keys, and a line end only if it saw one */
		check(r.nkeys == 0);
		check(r.line_len == 0 || (r.line_len <= len && buf[r.line_len - 1] == '\n'));
	} else {
		check(r.line_len >= 2 && r.line_len <= len && buf[r.line_len - 1] == '\n');
		check(r.nkeys <= MC_MAX_KEYS);
		for (i = 0; i < r.nkeys; i++) {
			check(r.klen[i] >= 1 && r.klen[i] <= MC_KEY_MAX);
			check(r.koff[i] + r.klen[i] < r.line_len);
			for (j = 0; j < r.klen[i]; j++)
				check(buf[r.koff[i] + j] != ' ' && buf[r.koff[i] + j] != '\n');
		}
		if (c == MC_GET || c == MC_GETS || c == MC_GAT || c == MC_GATS)
			check(r.nkeys >= 1);
	}
	if (mc_parse_value(buf, len, &v) == 0) {
		check(v.head_len <= len && buf[v.head_len - 1] == '\n');
		check(v.klen >= 1 && v.koff + v.klen < v.head_len);
	}
	return 0;
}
