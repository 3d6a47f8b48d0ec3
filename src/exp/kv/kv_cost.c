// SPDX-License-Identifier: GPL-2.0
/*
 * kv: what each path of the kvcache costs, by both methods. test-run: a fresh copy of the
 * cache, frames made by hand (a hit, a miss, a reply with a fill ticket, the first fragment of
 * a large reply), the XDP_TX responder as the control. bpf-stats: the cache in the run, over a
 * run of hits and a run of misses. Where the two disagree, the note says why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "lib/bpfutil.h"
#include "lib/pkt.h"

#include "kvcache.skel.h"
#include "xdp_pass.skel.h"

void kv_cost_live(struct result *r, const char *id, const char *label, uint64_t t0, uint64_t c0,
		  uint64_t t1, uint64_t c1, const char *what)
{
	struct metric *m = result_add(r, id, label, "ns", METHOD_BPFSTATS);

	if (c1 > c0) {
		metric_set_value(m, (double)(t1 - t0) / (double)(c1 - c0));
		metric_note(m, "run_time_ns / run_cnt over %llu runs: %s",
			    (unsigned long long)(c1 - c0), what);
	} else {
		metric_unavailable(m, "no runs counted (bpf-stats could not be enabled)");
	}
}

/*
 * With the cache up: the hit run (every key cached) and a run of GETs for small values the
 * cache may never hold (stored before it was attached): the cost of each path as bpf-stats
 * count it, and the TC egress program's per reply.
 */
/* One closed-loop run of GETs for prefix's keys, the cache's program statistics around it. */
static int live_run(struct ctx *c, const char *prefix, unsigned int keys, struct progstat *a,
		    struct progstat *b)
{
	double kps;
	int err;

	kv_cache_progstat(c, a);
	err = kv_closed_run(c, prefix, keys, 0, &kps, NULL, NULL);
	kv_cache_progstat(c, b);
	return err;
}

int kv_costs_live(struct ctx *c, struct result *r)
{
	struct progstat a, b;
	int err = live_run(c, "kvA", SMALL_KEYS, &a, &b);

	if (err)
		return err;
	kv_cost_live(r, "kv.cost.hit.live", "kvcache XDP program per GET hit", a.xt, a.xc, b.xt,
		     b.xc,
		     "a closed-loop run of GETs for cached keys (the first GET of each key fills)");
	err = live_run(c, "kvC", MISS_KEYS, &a, &b);
	if (err)
		return err;
	kv_cost_live(r, "kv.cost.miss.live", "kvcache XDP program per GET miss", a.xt, a.xc, b.xt,
		     b.xc,
		     "GETs for 32-byte values the cache may not hold: parse, fill tickets, pass");
	kv_cost_live(r, "kv.cost.reply.live", "kvcache TC egress program per reply", a.tt, a.tc,
		     b.tt, b.tc,
		     "memcached's 32-byte VALUE replies to those GETs (tickets, no fill)");
	return 0;
}

/* The test frames' addresses: client 198.18.0.1:40000, server 198.18.0.2 (reply: reversed). */
static struct pkt_addrs addrs(bool reply)
{
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 1 },
			       .dst_mac = { 2, 0, 0, 0, 0, 2 },
			       .src_ip = htonl(0xc6120001),
			       .dst_ip = htonl(0xc6120002),
			       .src_port = htons(40000),
			       .dst_port = htons(KV_PORT) };
	struct pkt_addrs b = { .src_mac = { 2, 0, 0, 0, 0, 2 },
			       .dst_mac = { 2, 0, 0, 0, 0, 1 },
			       .src_ip = a.dst_ip,
			       .dst_ip = a.src_ip,
			       .src_port = a.dst_port,
			       .dst_port = a.src_port };

	return reply ? b : a;
}

static size_t frame_get(uint8_t *buf, size_t cap, const char *key)
{
	struct pkt_addrs a = addrs(false);
	char req[64];
	int n = snprintf(req, sizeof(req), "%c%c%c%c%c%c%c%cget %s\r\n", 0x12, 0x34, 0, 0, 0, 1, 0,
			 0, key);

	return pkt_build_udp4(buf, cap, &a, req, (size_t)n);
}

static size_t frame_reply(uint8_t *buf, size_t cap, const char *key)
{
	struct pkt_addrs a = addrs(true);
	char rep[160];
	int n = snprintf(rep, sizeof(rep), "%c%c%c%c%c%c%c%cVALUE %s 0 %d\r\n", 0x12, 0x34, 0, 0, 0,
			 1, 0, 0, key, SMALL_VALUE);

	memset(rep + n, 'v', SMALL_VALUE);
	n += SMALL_VALUE;
	memcpy(rep + n, "\r\nEND\r\n", 7);
	return pkt_build_udp4(buf, cap, &a, rep, (size_t)n + 7);
}

/*
 * The first IP fragment of memcached's reply with a LARGE_VALUE value: the packet TC egress
 * sees first for each uncacheable request (the others are fragments without a UDP header).
 */
static size_t frame_reply_frag(uint8_t *buf, size_t cap)
{
	struct pkt_addrs a = addrs(true);
	char rep[1472];
	int n = snprintf(rep, sizeof(rep), "%c%c%c%c%c%c%c%cVALUE kvB0 0 %d\r\n", 0x12, 0x34, 0, 0,
			 0, 1, 0, 0, LARGE_VALUE);
	size_t len, whole = (size_t)n + LARGE_VALUE + 7;
	uint8_t *ip = buf + 14, *udp = buf + 34;
	uint16_t v;

	memset(rep + n, 'v', sizeof(rep) - (size_t)n);
	len = pkt_build_udp4(buf, cap, &a, rep, sizeof(rep));
	if (!len)
		return 0;
	v = htons(0x2000); /* more fragments, offset 0 */
	memcpy(ip + 6, &v, 2);
	memset(ip + 10, 0, 2);
	v = pkt_csum(ip, 20, 0);
	memcpy(ip + 10, &v, 2);
	v = htons((uint16_t)(8 + whole)); /* the whole datagram's UDP length */
	memcpy(udp + 4, &v, 2);
	memset(udp + 6, 0, 2); /* no UDP checksum */
	return len;
}

/*
 * n single test-runs of prog on fresh copies of frame, less an empty program's; ret wanted.
 * With pre, each run follows one of pre on its frame (the GET that takes a reply's ticket).
 */
struct tr_pre {
	int prog;
	const uint8_t *frame;
	size_t len;
};

static int tr_samples(int prog, int empty_prog, const uint8_t *frame, size_t len, int n,
		      uint32_t want, const struct tr_pre *pre, struct stats_samples *s)
{
	int i;

	for (i = 0; i < n; i++) {
		uint8_t copy[1600];
		uint32_t ret = 0, ns = 0, ens = 0;

		if (pre) {
			memcpy(copy, pre->frame, pre->len);
			if (bpfu_test_run(pre->prog, copy, pre->len, 1, NULL, NULL, NULL))
				return -EIO;
		}

		memcpy(copy, frame, len);
		if (bpfu_test_run(empty_prog, copy, len, 1, NULL, NULL, &ens))
			return -EIO;
		memcpy(copy, frame, len);
		if (bpfu_test_run(prog, copy, len, 1, NULL, &ret, &ns) || ret != want)
			return -EPROTO;
		stats_samples_add(s, (double)ns - (double)ens);
	}
	return 0;
}

void kv_costs_testrun(struct result *r, bool quick)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	static struct kvc_val val;
	static const uint8_t cmac[6] = { 2, 0, 0, 0, 0, 1 };
	struct kvc_key key = { .len = 4, .b = "hitk" };
	struct kvcache_bpf *sk = kvcache_bpf__open_and_load();
	struct xdp_pass_bpf *ep = xdp_pass_bpf__open_and_load();
#define NPATH 4
	static const char *const ids[NPATH] = { "kv.cost.hit.testrun", "kv.cost.miss.testrun",
						"kv.cost.reply.testrun",
						"kv.cost.reply_frag.testrun" };
	static const char *const labels[NPATH] = {
		"kvcache XDP program per GET hit", "kvcache XDP program per GET miss",
		"kvcache TC egress program per reply",
		"kvcache TC egress program, first fragment of a 4 KB reply"
	};
	static const char *const frames[NPATH] = {
		"a GET for a cached 32-byte value", "a GET for a key not cached",
		"a 32-byte VALUE reply to a GET that took a fill ticket",
		"the first IP fragment of a 4 KB VALUE reply"
	};
	struct metric *m[NPATH];
	static uint8_t fh[256], fm[256], fr[256], ff[1600];
	size_t lh = frame_get(fh, sizeof(fh), "hitk"), lm = frame_get(fm, sizeof(fm), "miss"),
	       lr = frame_reply(fr, sizeof(fr), "miss"), lf = frame_reply_frag(ff, sizeof(ff));
	int i, n = quick ? 50 : 200, err = 0;
	struct tr_pre get = { .frame = fm, .len = lm };

	for (i = 0; i < NPATH; i++)
		m[i] = result_add(r, ids[i], labels[i], "ns", METHOD_TESTRUN);
	if (sk)
		get.prog = bpf_program__fd(sk->progs.olab_kvc_xdp);
	if (!sk || !ep ||
	    kvc_configure_raw(sk->obj, 1, mac, htonl(0xc6120002), cmac, htonl(0xc6120001))) {
		for (i = 0; i < NPATH; i++)
			metric_unavailable(m[i],
					   "could not load a copy of the kvcache to test-run");
		goto out;
	}
	val.len = SMALL_VALUE;
	val.epoch = 1;
	memset(val.data, 'v', SMALL_VALUE);
	bpf_map_update_elem(bpf_map__fd(sk->maps.cache), &key, &val, BPF_ANY);
	for (i = 0; i < NPATH && !err; i++) {
		struct stats_samples s;
		int prog = bpf_program__fd(i >= 2 ? sk->progs.olab_kvc_tc : sk->progs.olab_kvc_xdp);

		stats_samples_init(&s);
		if (i == 0)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fh, lh, n,
					 XDP_TX, NULL, &s);
		else if (i == 1)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fm, lm, n,
					 XDP_PASS, NULL, &s);
		else if (i == 2)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fr, lr, n,
					 (uint32_t)-1 /* TC_ACT_UNSPEC: a reader */, &get, &s);
		else
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), ff, lf, n,
					 (uint32_t)-1 /* TC_ACT_UNSPEC: a reader */, NULL, &s);
		if (err)
			metric_unavailable(m[i], "the test frame did not take the path (%s)",
					   strerror(-err));
		else
			metric_set_samples(m[i], &s, (size_t)n);
		stats_samples_free(&s);
		metric_note(
			m[i],
			"one run per test-run on a fresh frame (%s), less an empty XDP program's "
			"run",
			frames[i]);
	}
	/* the control: the same frame through the XDP_TX responder */
	{
		struct kv_ceiling_bpf *cb = kv_ceiling_load(SMALL_VALUE, KV_PORT);
		struct metric *mc =
			result_add(r, "kv.cost.ceiling.testrun",
				   "XDP_TX responder per GET (the control)", "ns", METHOD_TESTRUN);
		struct stats_samples s;

		stats_samples_init(&s);
		if (!cb ||
		    tr_samples(kv_ceiling_prog_fd(cb), bpf_program__fd(ep->progs.olab_xdp_pass), fh,
			       lh, n, XDP_TX, NULL, &s))
			metric_unavailable(mc, "the responder did not answer the test GET");
		else
			metric_set_samples(mc, &s, (size_t)n);
		stats_samples_free(&s);
		kv_ceiling_destroy(cb);
	}
out:
	kvcache_bpf__destroy(sk);
	xdp_pass_bpf__destroy(ep);
}

/*
 * The two methods' figures for each path side by side: they agree within 30 %, or the note
 * says why. The control, the XDP_TX responder, touches no map: where it agrees and the
 * cache does not, the difference is the cache's memory, not the live path.
 */
void kv_costs_compare(struct result *r)
{
	static const char *const path[4] = { "ceiling", "hit", "miss", "reply" };
	static const char *const what[4] = { "the control (XDP_TX responder)", "a hit", "a miss",
					     "a reply (TC egress)" };
	bool control_agrees = false;
	int i;

	for (i = 0; i < 4; i++) {
		char a[48], b[48];
		struct metric *t, *l;
		double lo, hi;

		snprintf(a, sizeof(a), "kv.cost.%s.testrun", path[i]);
		snprintf(b, sizeof(b), "kv.cost.%s.live", path[i]);
		t = result_find(r, a);
		l = result_find(r, b);
		if (!t || !l || t->unavailable[0] || l->unavailable[0] || !(t->s.p50 > 0) ||
		    !(l->s.p50 > 0))
			continue;
		lo = fmin(t->s.p50, l->s.p50);
		hi = fmax(t->s.p50, l->s.p50);
		if (hi <= 1.3 * lo) {
			control_agrees |= i == 0;
			result_note(r,
				    "cost of %s: test-run %.0f ns and bpf-stats %.0f ns agree "
				    "within 30 %%",
				    what[i], t->s.p50, l->s.p50);
		} else if (i > 0 && control_agrees) {
			result_note(
				r,
				"cost of %s: test-run %.0f ns and bpf-stats %.0f ns differ by "
				"%.0f %%; the control agrees, so the live path adds nothing by "
				"itself: the cache's own memory does (scratch, fences, tickets "
				"and entries, evicted by the stack and memcached between packets "
				"live, warm when test-run repeats one frame)",
				what[i], t->s.p50, l->s.p50, (hi / lo - 1) * 100);
		} else {
			result_note(r,
				    "cost of %s: test-run %.0f ns and bpf-stats %.0f ns differ by "
				    "%.0f %%: test-run repeats one frame on warm caches; live, "
				    "interrupts and cold caches are in the run",
				    what[i], t->s.p50, l->s.p50, (hi / lo - 1) * 100);
		}
	}
}
