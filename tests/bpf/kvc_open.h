/* SPDX-License-Identifier: GPL-2.0 */
/* The kvcache loaded for test-run: told which MAC and addresses are the test server's. */
#ifndef OLAB_KVC_OPEN_H
#define OLAB_KVC_OPEN_H

#include <arpa/inet.h>

#include "kvcache/kvc.h"
#include "kvcache/kvcache.h"
#include "kvcache.skel.h"

#ifndef SERVER_IP
#define SERVER_IP 0xc6120002u
#endif

/* The server's addresses in these tests: what the cache is told is this host's. */
static const uint8_t kv_server_mac[6] = { 2, 0, 0, 0, 0, 2 };

/* memcached's UDP frame header: request id, sequence number, total datagrams, reserved. */
static inline void kv_frame_hdr(uint8_t *p, uint16_t reqid, uint16_t seq, uint16_t total)
{
	p[0] = (uint8_t)(reqid >> 8);
	p[1] = (uint8_t)reqid;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(total >> 8);
	p[5] = (uint8_t)total;
	p[6] = p[7] = 0;
}

/* Load the kvcache and tell it the test server's MAC and addresses (v4 and 2001:db8::2). */
static inline struct kvcache_bpf *kv_open(void)
{
	struct kvcache_bpf *sk = kvcache_bpf__open_and_load();
	struct kvc_addr_key a[2] = { { .v6 = 0 }, { .v6 = 1 } };

	if (!sk)
		return NULL;
	a[0].addr[0] = htonl(SERVER_IP);
	a[1].addr[0] = htonl(0x20010db8);
	a[1].addr[3] = htonl(2);
	if (kvc_configure_raw(sk->obj, kv_server_mac, a, 2)) {
		kvcache_bpf__destroy(sk);
		return NULL;
	}
	return sk;
}

#endif
