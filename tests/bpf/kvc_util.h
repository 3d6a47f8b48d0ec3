/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the kvcache BPF tests: packets in both directions, test-runs, map helpers. */
#ifndef OLAB_KVC_UTIL_H
#define OLAB_KVC_UTIL_H

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvcache/kvcache.h"
#include "kvc_open.h"
#include "lib/pkt.h"
#include "kvcache.skel.h"

#define CLIENT_IP 0xc6120001u
#define SERVER_IP 0xc6120002u
#define CLIENT_PORT 40000
#define MC_PORT 11211

static uint8_t kv_pkt[4096];
static size_t kv_len;

/* UDP with memcached's frame header; to_server: client -> server, else the reply. */
static inline void kv_udp(int to_server, uint16_t reqid, uint16_t seq, uint16_t total,
			  const void *text, size_t n)
{
	uint8_t payload[2048];
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 } };

	a.src_ip = htonl(to_server ? CLIENT_IP : SERVER_IP);
	a.dst_ip = htonl(to_server ? SERVER_IP : CLIENT_IP);
	a.src_port = htons(to_server ? CLIENT_PORT : MC_PORT);
	a.dst_port = htons(to_server ? MC_PORT : CLIENT_PORT);
	kv_frame_hdr(payload, reqid, seq, total);
	memcpy(payload + 8, text, n);
	kv_len = pkt_build_udp4(kv_pkt, sizeof(kv_pkt), &a, payload, 8 + n);
}

/* TCP between the client's port cport and memcached. */
static inline void kv_tcp(int to_server, uint16_t cport, uint32_t seq, int syn, int fin,
			  const void *text, size_t n)
{
	struct ethhdr *eth = (void *)kv_pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *t = (void *)(ip + 1);

	memset(kv_pkt, 0, 14 + 20 + 20);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = 6;
	ip->tot_len = htons((uint16_t)(20 + 20 + n));
	ip->saddr = htonl(to_server ? CLIENT_IP : SERVER_IP);
	ip->daddr = htonl(to_server ? SERVER_IP : CLIENT_IP);
	ip->check = pkt_csum(ip, 20, 0) ^ 0xffff;
	ip->check = (uint16_t)~pkt_csum(ip, 20, 0);
	t->source = htons(to_server ? cport : MC_PORT);
	t->dest = htons(to_server ? MC_PORT : cport);
	t->seq = htonl(seq);
	t->doff = 5;
	t->syn = syn;
	t->ack = !syn || !to_server;
	t->fin = fin;
	memcpy(t + 1, text, n);
	kv_len = 14 + 20 + 20 + n;
}

static inline uint32_t kv_run(int prog_fd)
{
	static uint8_t out[8192];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = kv_pkt, .data_size_in = (uint32_t)kv_len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return 0xffffffff;
	return o.retval;
}

static inline uint64_t kv_counter(struct kvcache_bpf *s, enum kvc_counter c)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t v[256] = { 0 }, sum = 0;
	uint32_t k = c;

	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.counters), &k, v))
		return 0;
	for (i = 0; i < ncpu && i < 256; i++)
		sum += v[i];
	return sum;
}

static inline void kv_key(struct kvc_key *k, const char *key)
{
	memset(k, 0, sizeof(*k));
	k->len = (uint8_t)strlen(key);
	memcpy(k->b, key, k->len);
}

/* key = val in sk's cache, in its current epoch, never expiring. */
static inline int kv_put(struct kvcache_bpf *sk, const char *key, const char *val)
{
	static struct kvc_val v;
	struct kvc_key k;

	kv_key(&k, key);
	memset(&v, 0, sizeof(v));
	v.len = (uint32_t)strlen(val);
	v.epoch = sk->data->epoch;
	memcpy(v.data, val, v.len);
	return bpf_map_update_elem(bpf_map__fd(sk->maps.cache), &k, &v, BPF_ANY);
}

/* The cached value of key (NULL when absent). */
static inline const struct kvc_val *kv_cached(struct kvcache_bpf *s, const char *key)
{
	static struct kvc_val v;
	struct kvc_key k;

	kv_key(&k, key);
	return bpf_map_lookup_elem(bpf_map__fd(s->maps.cache), &k, &v) ? NULL : &v;
}

#define TXT(s) s, sizeof(s) - 1

#endif
