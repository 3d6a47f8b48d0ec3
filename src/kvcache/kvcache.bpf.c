// SPDX-License-Identifier: GPL-2.0
/*
 * kvcache: memcached GETs over UDP answered in XDP from a cache map (docs/kvcache.md).
 * - olab_kvc_xdp (ingress): a complete get/gets whose every key is cached, unexpired and of the
 *   current epoch gets memcached's exact reply by XDP_TX; a miss takes fill tickets; every
 *   write command (UDP or TCP) invalidates its keys and opens their write windows before
 *   memcached sees it. Everything passes on untouched unless answered.
 * - olab_kvc_tc (egress): memcached's replies close write windows (UDP by request id, TCP in
 *   order per connection) and fill the cache from UDP GET replies that hold a valid ticket.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_counters.bpf.h"
#include "olab_pkt.bpf.h"

/*
 * How the program is put together: as built, the parser and the other large pieces are
 * global functions and the per-key and per-byte loops run under bpf_loop, each verified once.
 * The chain experiment (Table 5) builds the same source two other ways: KVC_BPF2BPF makes them
 * static functions (verified at every call), KVC_INLINE inlines everything into one body.
 */
#if defined(KVC_INLINE)
#define KVC_FUNC static __always_inline
#define KVC_LOOP(n, cb, ctx)                                                                       \
	do {                                                                                       \
		__u32 _i;                                                                          \
		for (_i = 0; _i < (n); _i++)                                                       \
			if (cb(_i, ctx))                                                           \
				break;                                                             \
	} while (0)
#else
#define MC_TOKENIZE_EXTERNAL
#if defined(KVC_BPF2BPF)
#define KVC_FUNC static __noinline
#else
#define KVC_FUNC __noinline
#endif
#define KVC_LOOP(n, cb, ctx) bpf_loop(n, cb, ctx, 0)
#endif
#include "kvcache/kvcache.h"
#define OLAB_ADM_FUNC KVC_FUNC
#include "olab_admit.bpf.h"

#include "kvcache/bpf/kvc_maps.bpf.h"
#include "kvcache/bpf/kvc_parse.bpf.h"
#include "kvcache/bpf/kvc_reply.bpf.h"
#include "kvcache/bpf/kvc_window.bpf.h"
#include "kvcache/bpf/kvc_udp.bpf.h"
#include "kvcache/bpf/kvc_tcp.bpf.h"

static __always_inline int kvc_xdp_run(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, flen = (__u32)(data_end - data), hn;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	__u64 now = bpf_ktime_get_ns();
	struct flow f;
	int ret;

	if (!s)
		return XDP_PASS;
	hn = flen < 128 ? flen : 128;
	if (hn < 42 || bpf_xdp_load_bytes(ctx, 0, s->hdr, bounded(hn - 1, 127) + 1))
		return XDP_PASS;
	ret = parse_flow(s->hdr, flen, 1, &f);
	if (ret == PF_UNKNOWN) {
		/*
		 * It may carry a write (a fragment, perhaps), and nothing says which request or
		 * which source port: flush, forget the expiries learnt, hold fills until it can
		 * no longer be reassembled and run.
		 */
		__sync_fetch_and_add(&mepoch, 1);
		flush_hold(now, cfg_frag_hold_ns + cfg_reply_wait_ns, KVC_HOLD_FRAGMENT);
		count(KVC_OPAQUE);
		return XDP_PASS;
	}
	if (ret)
		return XDP_PASS;
	if (f.proto == IPPROTO_UDP)
		return udp_in(ctx, s, &f, now);
	return tcp_in(ctx, s, &f, now);
}

/*
 * A key-value server on AF_XDP instead of memcached (offloadlab afxdp-kv): what the cache
 * passes on for the port (an unfragmented UDP datagram over IPv4) goes to the server's socket
 * on the queue it arrived on; with no socket there, to the kernel as before.
 */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} kvc_xsks SEC(".maps");

static __always_inline int handoff(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 zero = 0, hn, v;
	struct kvc_cfg *cfg = bpf_map_lookup_elem(&kvc_config, &zero);
	struct scratch *s;

	if (!cfg || !cfg->xsk_handoff || (void *)(ip + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(cfg_port))
		return XDP_PASS;
	/*
	 * The server answers what it takes from its socket by itself, as the hit path does:
	 * the same admission, or the kernel's path (its UDP socket) takes the request.
	 */
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	hn = (__u32)(data_end - data);
	if (!s || hn < 42)
		return XDP_PASS;
	if (bpf_xdp_load_bytes(ctx, 0, s->hdr, bounded((hn > 128 ? 128 : hn) - 1, 127) + 1))
		return XDP_PASS;
	v = olab_adm_check(ctx, s->hdr, sizeof(s->hdr), (__u32)(data_end - data),
			   (struct olab_adm_buf *)s->out, bpf_ktime_get_ns());
	if (v) {
		count(adm_counter(v));
		return XDP_PASS;
	}
	return bpf_redirect_map(&kvc_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int olab_kvc_xdp(struct xdp_md *ctx)
{
	int v = kvc_xdp_run(ctx);

	return v == XDP_PASS ? handoff(ctx) : v;
}

#include "kvcache/bpf/kvc_egress.bpf.h"

SEC("tc")
int olab_kvc_tc(struct __sk_buff *skb)
{
	__u32 zero = 0, hn = skb->len < 128 ? skb->len : 128;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	__u64 now = bpf_ktime_get_ns();
	struct flow f;

	if (!s || hn < 42 || bpf_skb_load_bytes(skb, 0, s->hdr, bounded(hn - 1, 127) + 1))
		return TC_ACT_UNSPEC;
	if (parse_flow(s->hdr, skb->len, 0, &f) || f.opaque)
		return TC_ACT_UNSPEC;
	/* memcached's own reply: where the kernel sends it is where hits may be answered */
	olab_adm_learn(skb, s->hdr, hn, cfg_port, now);
	if (f.proto == IPPROTO_UDP)
		udp_out(skb, s, &f, now);
	else
		tcp_out(skb, s, &f, now);
	/* only a reader: the programs after it (tcx, or filters) still run */
	return TC_ACT_UNSPEC;
}

/* Pinned with the cache so that detach and stats find what attach did. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kvc_attach_info);
} attach_info SEC(".maps");

/* ---- memcached's own sockets: a stop or a restart empties it, so the cache empties too ---- */

static __always_inline int our_netns(void *ctx)
{
	__u32 zero = 0;
	struct kvc_cfg *cfg = bpf_map_lookup_elem(&kvc_config, &zero);

	return cfg && cfg->netns_cookie == bpf_get_netns_cookie(ctx);
}

/* memcached's sockets on cfg_port, by socket cookie: seen when they bind */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} server_socks SEC(".maps");

static __always_inline int bound(struct bpf_sock *sk)
{
	__u64 cookie;
	__u8 one = 1;

	if (sk->src_port != cfg_port || !our_netns(sk))
		return 1;
	cookie = bpf_get_socket_cookie(sk);
	bpf_map_update_elem(&server_socks, &cookie, &one, BPF_ANY);
	if (server_gone) {
		/* a new server, empty: nothing filled while the old one went survives */
		__sync_fetch_and_add(&epoch, 1);
		server_gone = 0;
	}
	return 1;
}

SEC("cgroup/post_bind4")
int olab_kvc_bind4(struct bpf_sock *sk)
{
	return bound(sk);
}

SEC("cgroup/post_bind6")
int olab_kvc_bind6(struct bpf_sock *sk)
{
	return bound(sk);
}

/*
 * memcached reads a datagram from a source whose first fragment the cache could not read
 * (suspect): it may be that datagram, reassembled, and change any item's expiry. Runs in its
 * recvmsg, before memcached sees the datagram.
 */
static __always_inline int received(struct bpf_sock_addr *ctx, int v6)
{
	struct kvc_suspect_key k = { .port = (__u16)ctx->user_port, .v6 = (__u8)v6 };
	__u64 cookie = bpf_get_socket_cookie(ctx), now;
	struct kvc_suspect *v;

	if (!bpf_map_lookup_elem(&server_socks, &cookie))
		return 1;
	if (v6) {
		k.addr[0] = ctx->user_ip6[0];
		k.addr[1] = ctx->user_ip6[1];
		k.addr[2] = ctx->user_ip6[2];
		k.addr[3] = ctx->user_ip6[3];
	} else {
		k.addr[0] = ctx->user_ip4;
	}
	v = bpf_map_lookup_elem(&suspects, &k);
	if (!v) {
		k.port = 0;
		v = bpf_map_lookup_elem(&suspects, &k);
	}
	now = bpf_ktime_get_ns();
	if (v && now < v->until_ns)
		__sync_fetch_and_add(&mepoch, 1);
	return 1;
}

SEC("cgroup/recvmsg4")
int olab_kvc_recv4(struct bpf_sock_addr *ctx)
{
	return received(ctx, 0);
}

SEC("cgroup/recvmsg6")
int olab_kvc_recv6(struct bpf_sock_addr *ctx)
{
	return received(ctx, 1);
}

/* One of the sockets memcached bound closes: it is stopping (or restarting, empty). */
SEC("cgroup/sock_release")
int olab_kvc_release(struct bpf_sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);

	if (!bpf_map_lookup_elem(&server_socks, &cookie))
		return 1;
	bpf_map_delete_elem(&server_socks, &cookie);
	__sync_fetch_and_add(&epoch, 1);
	server_gone = 1;
	count(KVC_SERVER_GONE);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
