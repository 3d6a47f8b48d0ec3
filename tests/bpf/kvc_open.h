/* SPDX-License-Identifier: GPL-2.0 */
/* The kvcache loaded for test-run: told which MAC and addresses are the test server's. */
#ifndef OLAB_KVC_OPEN_H
#define OLAB_KVC_OPEN_H

#include <arpa/inet.h>

#include "kvcache/kvc.h"
#include "kvcache/kvcache.h"
#include "kvcache.skel.h"

#include "lib/admit.h"

#include "bpf_fixture.h"

#ifndef SERVER_IP
#define SERVER_IP 0xc6120002u
#endif
#ifndef CLIENT_IP
#define CLIENT_IP 0xc6120001u
#endif

/* The server's and the client's MACs in these tests. */
static const uint8_t kv_server_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t kv_client_mac[6] = { 2, 0, 0, 0, 0, 1 };
/* The IPv6 client and server: 2001:db8::1 and ::2. */
static const uint8_t kv_client6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t kv_server6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/*
 * Tell sk that memcached just answered the test client (v4 and v6) from the test server on
 * the loopback (where test-run's frames come in): the route its TC program would learn.
 */
static inline int kv_routes(struct kvcache_bpf *sk)
{
	int err = kvc_configure_raw(sk->obj, 1, kv_server_mac, htonl(SERVER_IP), kv_client_mac,
				    htonl(CLIENT_IP));

	return err ? err
		   : adm_seed_route(sk->obj, 1, kv_client6, kv_server6, 1, kv_server_mac,
				    kv_client_mac);
}

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

/* Load the kvcache and tell it the test server and client (kv_routes). */
static inline struct kvcache_bpf *kv_open(void)
{
	struct kvcache_bpf *sk = kvcache_bpf__open_and_load();

	if (!sk)
		return NULL;
	if (kv_routes(sk)) {
		kvcache_bpf__destroy(sk);
		return NULL;
	}
	return sk;
}

/*
 * static struct kvcache_bpf *VAR for a group of cases, loaded once (kv_group_load, kv_open) and
 * put back before each case (kv_fresh) into the state kv_open left it in (bpft_reset, then the
 * routes again): what one case changed, the next never sees.
 */
#define KV_GROUP_SKELETON(var)                                                                     \
	static struct kvcache_bpf *var;                                                            \
	static struct bpft_saved kv_loaded;                                                        \
	static int kv_group_load(void **state)                                                     \
	{                                                                                          \
		(void)state;                                                                       \
		var = kv_open();                                                                   \
		return var && !bpft_save(var->obj, &kv_loaded) ? 0 : -1;                           \
	}                                                                                          \
	static int kv_group_unload(void **state)                                                   \
	{                                                                                          \
		(void)state;                                                                       \
		bpft_saved_free(&kv_loaded);                                                       \
		kvcache_bpf__destroy(var);                                                         \
		return 0;                                                                          \
	}                                                                                          \
	static int kv_fresh(void **state)                                                          \
	{                                                                                          \
		(void)state;                                                                       \
		return bpft_reset(var->obj, &kv_loaded) || kv_routes(var) ? -1 : 0;                \
	}

#endif
