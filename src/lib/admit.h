/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LIB_ADMIT_H
#define OLAB_LIB_ADMIT_H

/*
 * User side of the admission rules shared by the kvcache and the AF_XDP key-value server
 * (src/include/olab_admit.bpf.h): who the program answers itself, set in its adm_* maps.
 */
#include <stdbool.h>
#include <stdint.h>

#include "include/olab_admit.h"

struct bpf_object;

#define ADM_MAX_ALLOW 32
struct adm_opts {
	int ifindex;	       /* the device answered on */
	bool csum_partial;     /* it is virtual: take a local sender's partial UDP checksum */
	uint32_t rate;	       /* answers per second to one source; 0: no limit */
	uint32_t route_ttl_ms; /* trust in a learnt reply route; 0: the default (1 s) */
	int nallow;	       /* 0: any source */
	const char *allow[ADM_MAX_ALLOW]; /* CIDRs: 198.18.0.0/15, 2001:db8::/32, 10.0.0.1 */
};

/* Parse "ADDR[/LEN]" (IPv4 or IPv6); 0 or -EINVAL. */
int adm_parse_cidr(const char *s, int *v6, uint8_t addr[16], int *prefix);

/* Set obj's adm_cfg and allow-lists from o; 0 or -errno (printed). */
int adm_configure(struct bpf_object *obj, const struct adm_opts *o);

/*
 * Tell obj the kernel's route to a client, as its TC program would learn it from a reply
 * (test-run and the experiments' hand-made frames): the client at addr (4 or 16 bytes, v6)
 * reached through ifindex at dmac, answered from local (same family) by a device of smac.
 * 0 or -errno.
 */
int adm_seed_route(struct bpf_object *obj, int v6, const void *addr, const void *local, int ifindex,
		   const uint8_t smac[6], const uint8_t dmac[6]);

/* Counter names for the verdicts, for whoever counts them. */
const char *adm_verdict_name(enum olab_adm_verdict v);

#endif
