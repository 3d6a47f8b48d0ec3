// SPDX-License-Identifier: GPL-2.0
/* The admission rules' user side: configuration and route seeding (lib/admit.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/admit.h"
#include "lib/cli.h"
#include "lib/log.h"

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int adm_parse_cidr(const char *s, int *v6, uint8_t addr[16], int *prefix)
{
	char buf[64], *slash;
	uint64_t p;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		*v6 = 0;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*v6 = 1;
	else
		return -EINVAL;
	if (!slash) {
		*prefix = *v6 ? 128 : 32;
		return 0;
	}
	if (cli_parse_u64(slash, 0, *v6 ? 128 : 32, &p))
		return -EINVAL;
	*prefix = (int)p;
	return 0;
}

int adm_configure(struct bpf_object *obj, const struct adm_opts *o)
{
	struct olab_adm_cfg cfg = { 0 };
	int cfd = map_fd(obj, "adm_cfg"), a4 = map_fd(obj, "adm_allow4"),
	    a6 = map_fd(obj, "adm_allow6"), i, err;
	__u32 zero = 0;
	__u8 one = 1;

	if (cfd < 0 || a4 < 0 || a6 < 0)
		return log_errno(-ENOENT, "find the admission maps of the BPF object");
	cfg.ifindex = (__u32)o->ifindex;
	cfg.csum_partial = o->csum_partial;
	cfg.rate = o->rate;
	cfg.burst = o->rate ? o->rate / 10 + 1 : 0; /* 100 ms worth at once */
	cfg.route_ttl_ns = (uint64_t)o->route_ttl_ms * 1000000ULL;
	for (i = 0; i < o->nallow; i++) {
		uint8_t a[16];
		int v6, prefix;

		if (adm_parse_cidr(o->allow[i], &v6, a, &prefix))
			return log_errno(-EINVAL, "read the allowed source '%s'", o->allow[i]);
		if (v6) {
			struct olab_adm_lpm6 k = { .prefixlen = (__u32)prefix };

			memcpy(k.addr, a, 16);
			err = bpf_map_update_elem(a6, &k, &one, BPF_ANY);
		} else {
			struct olab_adm_lpm4 k = { .prefixlen = (__u32)prefix };

			memcpy(k.addr, a, 4);
			err = bpf_map_update_elem(a4, &k, &one, BPF_ANY);
		}
		if (err)
			return log_errno(-errno, "add the allowed source %s", o->allow[i]);
		cfg.allow_only = 1;
	}
	if (bpf_map_update_elem(cfd, &zero, &cfg, BPF_ANY))
		return log_errno(-errno, "configure who the program answers");
	return 0;
}

int adm_seed_route(struct bpf_object *obj, int v6, const void *addr, const void *local, int ifindex,
		   const uint8_t smac[6], const uint8_t dmac[6])
{
	struct olab_adm_addr k = { .v6 = (__u8)v6 };
	struct olab_adm_route r = { .ifindex = (__u32)ifindex };
	struct timespec ts;
	int fd = map_fd(obj, "adm_routes");

	if (fd < 0)
		return fd;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r.learnt_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	memcpy(k.addr, addr, v6 ? 16 : 4);
	memcpy(r.local, local, v6 ? 16 : 4);
	memcpy(r.smac, smac, 6);
	memcpy(r.dmac, dmac, 6);
	return bpf_map_update_elem(fd, &k, &r, BPF_ANY) ? -errno : 0;
}

const char *adm_verdict_name(enum olab_adm_verdict v)
{
	static const char *const names[OLAB_ADM_NVERDICTS] = {
		[OLAB_ADM_OK] = "answered",
		[OLAB_ADM_NOT_LOCAL] = "not for the device answered on",
		[OLAB_ADM_UNUSUAL] = "ip options, fragment or other protocol",
		[OLAB_ADM_BAD_FRAME] = "bad ip version, length or checksum",
		[OLAB_ADM_BAD_SRC] = "source the kernel drops",
		[OLAB_ADM_NO_ROUTE] = "not where the kernel would reply",
		[OLAB_ADM_BAD_CSUM] = "bad udp checksum",
		[OLAB_ADM_REFUSED] = "source not allowed",
		[OLAB_ADM_RATE] = "source over its rate",
	};

	return (unsigned int)v < OLAB_ADM_NVERDICTS ? names[v] : "?";
}
