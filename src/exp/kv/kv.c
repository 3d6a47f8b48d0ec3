// SPDX-License-Identifier: GPL-2.0
/*
 * kv (paper Fig. 4-6): memcached (one worker thread) in the dut namespace, without and with
 * the kvcache in front: single-key GET throughput (Fig. 4), and the latency of a cacheable
 * flow (50 K req/s) beside an uncacheable large-value flow (5 K req/s) (Fig. 5, 6): what the
 * cache gives the hits and what it costs the requests it cannot serve.
 *
 * Placement (the paper's, the default): the dut's veth runs threaded NAPI pinned to the dut
 * CPU, where memcached's worker runs too, as one server core takes the NIC's interrupts and
 * runs the server; the generator's veth NAPI runs on the generator's CPU. The shared
 * placement (veth's default: the dut's XDP runs in the sender's softirq, on the generator's
 * CPU) is measured too and labelled ".shared". In each placement three servers take turns,
 * repetition by repetition: memcached alone (behind an XDP_PASS program, for the same NAPI
 * path), memcached with the kvcache, and an XDP_TX responder of the same request and reply
 * sizes, the cheapest server there is: the generator's ceiling.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "advise/advise.h"
#include "exp/kv/kv.h"
#include "kvcache/kvc.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "lib/stats.h"
#include "loadgen/loadgen.h"
#include "testbed/testbed.h"

#include "kv_ceiling.skel.h"
#include "kv_sched.skel.h"
#include "kvcache.skel.h"
#include "xdp_pass.skel.h"

#define KV_PORT 11211
#define SMALL_KEYS 1000
#define SMALL_VALUE 32
#define LARGE_KEYS 50
#define LARGE_VALUE 4000 /* over the cache's limit: always memcached's */
#define MISS_KEYS 100	 /* small values stored before any cache: never cacheable */
#define GENBOUND 1.5	 /* a throughput within this factor of the ceiling may be the generator's */
#define KV_SCHED_SAMPLES 65536 /* kv_sched.bpf.c */
/*
 * Requests in flight in the closed-loop runs: enough that the generator sends and receives
 * in batches (with 32, its ceiling on this VM kind was 10-20 % lower).
 */
#define KV_OUTSTANDING 128
/*
 * The two flows' load as a share of memcached's own capacity: the paper offered 55 K req/s
 * to a memcached that served 126.5 K alone (43 %); a slower machine gets the same share.
 */
#define PAPER_FLOW_RATE 55000.0
#define PAPER_FLOW_SHARE (55.0 / 126.5)

enum server { SV_ALONE, SV_CACHE, SV_CEIL, SV_MAX };
static const struct {
	const char *key, *label;
} sv_info[SV_MAX] = {
	[SV_ALONE] = { "nocache", "memcached alone (1 thread)" },
	[SV_CACHE] = { "cache", "memcached with the kvcache" },
	[SV_CEIL] = { "ceiling", "XDP_TX responder, same sizes (generator's ceiling)" },
};

enum placement { PL_PAPER, PL_SHARED, PL_MAX };
static const char *const pl_suffix[PL_MAX] = { "", ".shared" };
static const char *const pl_label[PL_MAX] = { "paper placement", "shared placement" };

/* the two-flow latency, paper placement: without the cache, with it, with it and the cure */
enum lcfg { LC_ALONE, LC_CACHE, LC_CURED, LC_MAX };
static const char *const lc_key[LC_MAX] = { "nocache", "cache", "cache_spin" };
static const char *const lc_label[LC_MAX] = { "memcached alone", "with kvcache",
					      "with kvcache and an idle-class spinner" };

struct ctx {
	struct tb tb;
	const struct run_opts *o;
	uint64_t dur_ns;
	int reps;
	enum placement pl;
	int mc_pid, mc_worker;
	struct kvc_peer peer; /* XDP_PASS on the generator's veth: XDP_TX replies reach it */
	/* what runs on the dut's veth now */
	int up; /* enum server, or -1 */
	struct kvc k;
	struct kvc_peer pass;
	struct kv_ceiling_bpf *ceil;
	struct bpf_link *ceil_link;
	int dut_napi, gen_napi;
	int stats_fd;
	struct kv_sched_bpf *sched;	 /* wake-up tracer, NULL where tp_btf is refused */
	char where[2][200];		 /* where each piece ran, per placement */
	double flow_rate;		 /* the two flows' requests per second */
	double dut_busy;		 /* the last closed-loop run: the dut CPU's busy share, % */
	uint64_t kc_total[KC_NCOUNTERS]; /* the kvcache's counters over every time it ran */
};

static void lg_base(struct ctx *c, struct lg_opts *lo, struct lg_mc *mc, struct lg_app *app,
		    const char *prefix, unsigned int keys, size_t vsize)
{
	struct sockaddr_in *dst = (struct sockaddr_in *)&lo->dst;

	lg_opts_default(lo);
	lo->l4 = LG_UDP;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(KV_PORT);
	dst->sin_addr.s_addr = c->tb.dut.addr;
	lo->dstlen = sizeof(*dst);
	lo->duration_ns = c->dur_ns;
	lo->timeout_ns = 50000000ULL;
	lo->cpu = c->tb.gen_cpu;
	memset(mc, 0, sizeof(*mc));
	mc->keys = keys;
	mc->value_size = vsize;
	mc->udp = true;
	mc->rng = 12345;
	snprintf(mc->prefix, sizeof(mc->prefix), "%s", prefix);
	lg_mc_app(app, mc);
	lo->app = app;
}

/* Store every key over TCP (while the cache is attached, so that it learns their expiry). */
static int preload(struct ctx *c, const char *prefix, unsigned int keys, size_t vsize)
{
	char *buf = malloc(vsize + 128), rep[64];
	int fd = tb_connect(&c->tb, KV_PORT, 5000000000ULL), err = fd < 0 ? fd : 0;
	unsigned int k;

	if (!buf)
		err = -ENOMEM;
	for (k = 0; !err && k < keys; k++) {
		int h = snprintf(buf, 128, "set %s%u 0 0 %zu\r\n", prefix, k, vsize);

		memset(buf + h, 'v', vsize);
		memcpy(buf + h + vsize, "\r\n", 2);
		if (send(fd, buf, (size_t)h + vsize + 2, MSG_NOSIGNAL) < 0 ||
		    recv(fd, rep, sizeof(rep), 0) < 8 || memcmp(rep, "STORED", 6))
			err = -EPROTO;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

struct flow_run {
	struct ctx *c;
	struct lg_opts lo;
	struct lg_mc mc;
	struct lg_app app;
	struct lg_result res;
	int err;
};

static void flow_go(struct flow_run *f)
{
	f->err = tb_enter(&f->c->tb, TB_GEN);
	if (!f->err)
		f->err = lg_run(&f->lo, &f->res);
	tb_leave(&f->c->tb);
}

/* Make every every-th request, or pct % of them, ask for a large (uncacheable) value. */
static void mix_large(struct flow_run *f, unsigned int every, unsigned int pct)
{
	f->mc.alt_every = every;
	f->mc.alt_pct = pct;
	f->mc.alt_keys = LARGE_KEYS;
	snprintf(f->mc.alt_prefix, sizeof(f->mc.alt_prefix), "kvB");
	lg_mc_app(&f->app, &f->mc);
	f->lo.app = &f->app;
}

/*
 * One closed-loop GET run (KV_OUTSTANDING in flight) for prefix's keys; uncacheable_pct % of the
 * requests ask for large values the cache never holds. kreq/s into *kps; each path's
 * latency into lat_hit / lat_miss when given (closed loop: queueing included).
 */
/* how busy the dut CPU was between two readings, % */
struct cpu_use {
	unsigned long long b, t;
};

static void cpu_use_read(const struct ctx *c, struct cpu_use *u)
{
	memset(u, 0, sizeof(*u));
	cpu_ticks(c->tb.dut_cpu, &u->b, &u->t);
}

static double cpu_use_pct(const struct cpu_use *a, const struct cpu_use *b)
{
	unsigned long long t = b->t - a->t;

	return t ? 100.0 * (double)(b->b - a->b) / (double)t : NAN;
}

static int closed_run(struct ctx *c, const char *prefix, unsigned int keys,
		      unsigned int uncacheable_pct, double *kps, struct metric *lat_hit,
		      struct metric *lat_miss)
{
	struct flow_run f = { .c = c };
	struct cpu_use u0, u1;

	lg_base(c, &f.lo, &f.mc, &f.app, prefix, keys, SMALL_VALUE);
	if (uncacheable_pct)
		mix_large(&f, 0, uncacheable_pct);
	f.lo.mode = LG_CLOSED;
	f.lo.outstanding = KV_OUTSTANDING;
	f.lo.batch = 64;
	cpu_use_read(c, &u0);
	flow_go(&f);
	cpu_use_read(c, &u1);
	c->dut_busy = cpu_use_pct(&u0, &u1);
	if (!f.err) {
		*kps = f.res.achieved_rps / 1e3;
		if (lat_hit && f.res.lat)
			metric_set_hist(lat_hit, f.res.lat, 0);
		if (lat_miss && f.res.lat_alt)
			metric_set_hist(lat_miss, f.res.lat_alt, 0);
	}
	lg_result_free(&f.res);
	return f.err;
}

/* ---- the servers on the dut's veth ---- */

struct kv_ceiling_bpf *kv_ceiling_load(unsigned int value_size, unsigned short port)
{
	struct kv_ceiling_bpf *sk;
	char tail[sizeof(sk->rodata->tail) + 1];
	int n = snprintf(tail, sizeof(tail), " 0 %u\r\n", value_size), err;

	if (n < 0 || (size_t)n + value_size + 7 > sizeof(tail) - 1) {
		errno = EINVAL;
		return NULL;
	}
	sk = kv_ceiling_bpf__open();
	if (!sk)
		return NULL;
	memset(tail + n, 'v', value_size);
	memcpy(tail + n + value_size, "\r\nEND\r\n", 7);
	memcpy((void *)sk->rodata->tail, tail, (size_t)n + value_size + 7);
	sk->rodata->tail_len = (__u32)(n + value_size + 7);
	sk->rodata->port = port;
	err = kv_ceiling_bpf__load(sk);
	if (err) {
		log_errno(err, "load the XDP_TX responder");
		kv_ceiling_bpf__destroy(sk);
		errno = -err;
		return NULL;
	}
	return sk;
}

static int ceiling_attach(struct ctx *c)
{
	c->ceil = kv_ceiling_load(SMALL_VALUE, KV_PORT);
	if (!c->ceil)
		return -errno;
	c->ceil_link = att_xdp(c->ceil->progs.olab_kv_ceiling, c->tb.dut.ifindex, c->tb.dut.ifname);
	return c->ceil_link ? 0 : -errno;
}

static void sv_down(struct ctx *c)
{
	if (c->up < 0)
		return;
	if (c->up == SV_CACHE && c->k.skel) {
		uint64_t cnt[KC_NCOUNTERS];
		int i;

		if (!kvc_counters(bpf_map__fd(c->k.skel->maps.counters), cnt))
			for (i = 0; i < KC_NCOUNTERS; i++)
				c->kc_total[i] += cnt[i];
	}
	if (!tb_enter(&c->tb, TB_DUT)) {
		kvc_detach(&c->k);
		kvc_peer_detach(&c->pass);
		bpf_link__destroy(c->ceil_link);
		tb_leave(&c->tb);
	}
	kv_ceiling_bpf__destroy(c->ceil);
	memset(&c->k, 0, sizeof(c->k));
	memset(&c->pass, 0, sizeof(c->pass));
	c->ceil = NULL;
	c->ceil_link = NULL;
	c->dut_napi = 0;
	c->up = -1;
}

/*
 * Put one server on the dut's veth; in the paper placement, its NAPI thread on the dut CPU
 * (veth has NAPI only while XDP runs, so every attach makes a new thread to pin).
 */
static int sv_up(struct ctx *c, enum server sv, char *why, size_t whylen)
{
	int err = tb_enter(&c->tb, TB_DUT);

	if (err)
		return err;
	c->up = sv;
	if (sv == SV_ALONE)
		err = kvc_peer_attach(c->tb.dut.ifname, &c->pass);
	else if (sv == SV_CACHE)
		err = kvc_attach(c->tb.dut.ifname, KV_PORT, 65536, &c->k);
	else
		err = ceiling_attach(c);
	tb_leave(&c->tb);
	/* written again while attached: the cache learns their expiry */
	if (!err && sv == SV_CACHE)
		err = preload(c, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (!err && sv == SV_CACHE)
		err = preload(c, "kvB", LARGE_KEYS, LARGE_VALUE);
	if (!err && c->pl == PL_PAPER) {
		c->dut_napi = tb_napi_pin(&c->tb, TB_DUT, c->tb.dut_cpu, true);
		if (c->dut_napi <= 0) {
			snprintf(why, whylen,
				 "threaded NAPI could not be enabled on the dut's veth");
			err = -EOPNOTSUPP;
		}
	}
	if (err)
		sv_down(c);
	return err;
}

/* Where each piece ran during the last measurement, for the results. */
static void note_where(struct ctx *c)
{
	int w = cpu_of_task(c->mc_worker);

	if (c->pl == PL_PAPER)
		snprintf(c->where[c->pl], sizeof(c->where[0]),
			 "dut NAPI thread %d on cpu %d, memcached worker %d on cpu %d, generator "
			 "pinned to cpu %d with its veth's NAPI thread %d on cpu %d",
			 c->dut_napi, c->dut_napi > 0 ? cpu_of_task(c->dut_napi) : -1, c->mc_worker,
			 w, c->tb.gen_cpu, c->gen_napi,
			 c->gen_napi > 0 ? cpu_of_task(c->gen_napi) : -1);
	else
		snprintf(c->where[c->pl], sizeof(c->where[0]),
			 "both veths' NAPI in softirq on the sending CPU, memcached worker %d on "
			 "cpu %d, generator pinned to cpu %d",
			 c->mc_worker, w, c->tb.gen_cpu);
}

/* ---- cost per path (bpf-stats, live) ---- */

struct progstat {
	uint64_t xt, xc, tt, tc;
};

static void progstat_read(struct ctx *c, struct progstat *p)
{
	memset(p, 0, sizeof(*p));
	if (c->up != SV_CACHE || c->stats_fd < 0)
		return;
	bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.kvc_xdp), &p->xt, &p->xc);
	bpfu_prog_stats(bpf_program__fd(c->k.skel->progs.kvc_tc), &p->tt, &p->tc);
}

static void cost_live(struct result *r, const char *id, const char *label, uint64_t t0, uint64_t c0,
		      uint64_t t1, uint64_t c1, const char *what)
{
	struct metric *m = result_add(r, id, label, "ns", METHOD_BPFSTATS);

	if (c1 > c0) {
		metric_set_value(m, (double)(t1 - t0) / (double)(c1 - c0));
		snprintf(m->note, sizeof(m->note), "run_time_ns / run_cnt over %llu runs: %s",
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
static int costs_live(struct ctx *c, struct result *r, double hit_kps_unused)
{
	struct progstat a, b;
	double kps;
	int err;

	(void)hit_kps_unused;
	progstat_read(c, &a);
	err = closed_run(c, "kvA", SMALL_KEYS, 0, &kps, NULL, NULL);
	progstat_read(c, &b);
	if (err)
		return err;
	cost_live(r, "kv.cost.hit.live", "kvcache XDP program per GET hit", a.xt, a.xc, b.xt, b.xc,
		  "a closed-loop run of GETs for cached keys (the first GET of each key fills)");
	progstat_read(c, &a);
	err = closed_run(c, "kvC", MISS_KEYS, 0, &kps, NULL, NULL);
	progstat_read(c, &b);
	if (err)
		return err;
	cost_live(r, "kv.cost.miss.live", "kvcache XDP program per GET miss", a.xt, a.xc, b.xt,
		  b.xc,
		  "GETs for 32-byte values the cache may not hold: parse, fill tickets, pass");
	cost_live(r, "kv.cost.reply.live", "kvcache TC egress program per reply", a.tt, a.tc, b.tt,
		  b.tc, "memcached's 32-byte VALUE replies to those GETs (tickets, no fill)");
	return 0;
}

/* ---- cost per path (test-run): a fresh copy of the cache, frames made by hand ---- */

static size_t frame_get(uint8_t *buf, size_t cap, const char *key)
{
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 1 },
			       .dst_mac = { 2, 0, 0, 0, 0, 2 },
			       .src_ip = htonl(0xc6120001),
			       .dst_ip = htonl(0xc6120002),
			       .src_port = htons(40000),
			       .dst_port = htons(KV_PORT) };
	char req[64];
	int n = snprintf(req, sizeof(req), "%c%c%c%c%c%c%c%cget %s\r\n", 0x12, 0x34, 0, 0, 0, 1, 0,
			 0, key);

	return pkt_build_udp4(buf, cap, &a, req, (size_t)n);
}

static size_t frame_reply(uint8_t *buf, size_t cap, const char *key)
{
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 2 },
			       .dst_mac = { 2, 0, 0, 0, 0, 1 },
			       .src_ip = htonl(0xc6120002),
			       .dst_ip = htonl(0xc6120001),
			       .src_port = htons(KV_PORT),
			       .dst_port = htons(40000) };
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
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 2 },
			       .dst_mac = { 2, 0, 0, 0, 0, 1 },
			       .src_ip = htonl(0xc6120002),
			       .dst_ip = htonl(0xc6120001),
			       .src_port = htons(KV_PORT),
			       .dst_port = htons(40000) };
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

static void costs_testrun(struct result *r, bool quick)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 2 };
	static struct kc_val val;
	struct kc_addr_key dst = { .addr = { htonl(0xc6120002) } };
	struct kc_key key = { .len = 4, .b = "hitk" };
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
		get.prog = bpf_program__fd(sk->progs.kvc_xdp);
	if (!sk || !ep || kvc_configure_raw(sk->obj, mac, &dst, 1)) {
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
		int prog = bpf_program__fd(i >= 2 ? sk->progs.kvc_tc : sk->progs.kvc_xdp);

		stats_samples_init(&s);
		if (i == 0)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fh, lh, n,
					 XDP_TX, NULL, &s);
		else if (i == 1)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fm, lm, n,
					 XDP_PASS, NULL, &s);
		else if (i == 2)
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), fr, lr, n,
					 0 /* TC_ACT_OK */, &get, &s);
		else
			err = tr_samples(prog, bpf_program__fd(ep->progs.olab_xdp_pass), ff, lf, n,
					 0 /* TC_ACT_OK */, NULL, &s);
		if (err)
			metric_unavailable(m[i], "the test frame did not take the path (%s)",
					   strerror(-err));
		else
			metric_set_samples(m[i], &s, (size_t)n);
		stats_samples_free(&s);
		snprintf(m[i]->note, sizeof(m[i]->note),
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
		if (!cb || tr_samples(bpf_program__fd(cb->progs.olab_kv_ceiling),
				      bpf_program__fd(ep->progs.olab_xdp_pass), fh, lh, n, XDP_TX,
				      NULL, &s))
			metric_unavailable(mc, "the responder did not answer the test GET");
		else
			metric_set_samples(mc, &s, (size_t)n);
		stats_samples_free(&s);
		kv_ceiling_bpf__destroy(cb);
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
static void costs_compare(struct result *r)
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

/* ---- throughput: interleaved repetitions of the three servers ---- */

/* one placement's throughput runs: kreq/s, and how busy each side's CPU was */
struct tput {
	struct stats_samples kps[SV_MAX], busy[SV_MAX]; /* dut CPU busy % */
};

static void tput_init(struct tput *t, bool free_it)
{
	int sv;

	for (sv = 0; sv < SV_MAX; sv++) {
		if (free_it) {
			stats_samples_free(&t->kps[sv]);
			stats_samples_free(&t->busy[sv]);
		}
		stats_samples_init(&t->kps[sv]);
		stats_samples_init(&t->busy[sv]);
	}
}

static int tput_placement(struct ctx *c, struct result *r, struct tput *tp, char *why,
			  size_t whylen)
{
	int rep, j, err = 0;

	for (rep = 0; rep < c->reps && !err; rep++) {
		for (j = 0; j < SV_MAX && !err; j++) {
			enum server sv = (enum server)((rep + j) % SV_MAX); /* rotate the order */
			uint64_t ct0 = 0, cc0 = 0, ct1 = 0, cc1 = 0;
			double kps = 0;

			log_debug("kv: %s, rep %d, %s", pl_label[c->pl], rep, sv_info[sv].key);
			err = sv_up(c, sv, why, whylen);
			if (err)
				break;
			if (sv == SV_CEIL && c->stats_fd >= 0)
				bpfu_prog_stats(bpf_program__fd(c->ceil->progs.olab_kv_ceiling),
						&ct0, &cc0);
			err = closed_run(c, "kvA", SMALL_KEYS, 0, &kps, NULL, NULL);
			if (sv == SV_CEIL && c->stats_fd >= 0)
				bpfu_prog_stats(bpf_program__fd(c->ceil->progs.olab_kv_ceiling),
						&ct1, &cc1);
			if (!err && sv == SV_CEIL && rep == 0 && c->pl == PL_PAPER)
				cost_live(r, "kv.cost.ceiling.live",
					  "XDP_TX responder per GET (the control)", ct0, cc0, ct1,
					  cc1, "the responder's throughput run");
			if (!err) {
				stats_samples_add(&tp->kps[sv], kps);
				stats_samples_add(&tp->busy[sv], c->dut_busy);
			}
			if (!err && sv == SV_CACHE && rep == 0 && c->pl == PL_PAPER)
				err = costs_live(c, r, kps);
			if (!err && rep == 0)
				note_where(c);
			sv_down(c);
		}
	}
	return err;
}

/* Per-repetition ratios a[i] / b[i] (the interleaved pairs) as one metric's samples. */
static struct metric *ratio_metric(struct result *r, const char *id, const char *label,
				   const struct stats_samples *a, const struct stats_samples *b)
{
	struct metric *m = result_add(r, id, label, "x", METHOD_MODEL);
	struct stats_samples s;
	size_t i;

	stats_samples_init(&s);
	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			stats_samples_add(&s, a->v[i] / b->v[i]);
	metric_set_samples(m, &s, a->n);
	stats_samples_free(&s);
	return m;
}

/*
 * What the dut could carry if the generator kept up: each run's throughput over the share
 * of the dut CPU it used (linear in load; conservative, since batching grows with load).
 * Paper placement only: there, all the server's work runs on the dut CPU.
 */
static void capacity_report(struct ctx *c, struct result *r, struct tput *t)
{
	struct stats_samples cap[2], ratio;
	static const enum server svs[2] = { SV_ALONE, SV_CACHE };
	struct metric *m;
	size_t i;
	int k;

	stats_samples_init(&ratio);
	for (k = 0; k < 2; k++) {
		stats_samples_init(&cap[k]);
		for (i = 0; i < t->kps[svs[k]].n && i < t->busy[svs[k]].n; i++)
			if (t->busy[svs[k]].v[i] > 0)
				stats_samples_add(&cap[k],
						  t->kps[svs[k]].v[i] * 100 / t->busy[svs[k]].v[i]);
	}
	/* the ratio from the per-repetition pairs, before a summary sorts them */
	for (i = 0; i < cap[0].n && i < cap[1].n; i++)
		if (cap[0].v[i] > 0)
			stats_samples_add(&ratio, cap[1].v[i] / cap[0].v[i]);
	for (k = 0; k < 2; k++) {
		char id[64], label[96];

		snprintf(id, sizeof(id), "kv.capacity.%s", sv_info[svs[k]].key);
		snprintf(label, sizeof(label), "dut capacity at full CPU, %s",
			 sv_info[svs[k]].label);
		m = result_add(r, id, label, "kreq/s", METHOD_MODEL);
		metric_set_samples(m, &cap[k], (size_t)c->reps);
		snprintf(m->note, sizeof(m->note),
			 "throughput / the dut CPU's busy share in the same run, per repetition");
	}
	m = result_add(r, "kv.capacity.ratio", "throughput gain at the dut's full CPU (model)", "x",
		       METHOD_MODEL);
	metric_set_samples(m, &ratio, (size_t)c->reps);
	metric_set_paper(m, 2.5, "Fig. 4");
	snprintf(m->note, sizeof(m->note),
		 "capacity with the cache / without: what the gain would be if the generator "
		 "were not the limit, assuming the dut's work per request stays the same");
	stats_samples_free(&cap[0]);
	stats_samples_free(&cap[1]);
	stats_samples_free(&ratio);
}

static void samples_copy(struct stats_samples *to, const struct stats_samples *from)
{
	size_t i;

	stats_samples_init(to);
	for (i = 0; i < from->n; i++)
		stats_samples_add(to, from->v[i]);
}

/*
 * The placement's metrics. Ratios pair the repetitions, so they are taken from a copy: a
 * metric's summary sorts the samples it is given.
 */
static void tput_report(struct ctx *c, struct result *r, struct tput *orig)
{
	struct tput copy, *t = &copy;
	struct stats_samples *tp = t->kps;
	const char *sfx = pl_suffix[c->pl];
	struct metric *m, *mt[SV_MAX], *mb[SV_MAX];
	char id[64], label[96];
	double ceil;
	int sv;

	for (sv = 0; sv < SV_MAX; sv++) {
		samples_copy(&t->kps[sv], &orig->kps[sv]);
		samples_copy(&t->busy[sv], &orig->busy[sv]);
	}
	snprintf(id, sizeof(id), "kv.tput.ratio%s", sfx);
	snprintf(label, sizeof(label), "throughput gain with kvcache, %s", pl_label[c->pl]);
	m = ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_ALONE]);
	if (c->pl == PL_PAPER)
		metric_set_paper(m, 2.5, "Fig. 4");
	snprintf(m->note, sizeof(m->note),
		 "with / without in each of %zu interleaved repetitions, median and CI",
		 tp[SV_CACHE].n);
	snprintf(id, sizeof(id), "kv.tput.vs_ceiling%s", sfx);
	snprintf(label, sizeof(label), "kvcache hits against an XDP_TX responder, %s",
		 pl_label[c->pl]);
	m = ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_CEIL]);
	snprintf(m->note, sizeof(m->note),
		 "the cache's throughput as a share of the cheapest responder's, same request "
		 "and reply sizes, on the same path");
	for (sv = 0; sv < SV_MAX; sv++) {
		snprintf(id, sizeof(id), "kv.tput.%s%s", sv_info[sv].key, sfx);
		snprintf(label, sizeof(label), "GET throughput, %s, %s", sv_info[sv].label,
			 pl_label[c->pl]);
		mt[sv] = result_add(r, id, label, "kreq/s", METHOD_LIVE);
		metric_set_samples(mt[sv], &tp[sv], (size_t)c->reps);
		/* the paper's one server core: its placement only */
		if (c->pl == PL_PAPER && sv != SV_CEIL)
			metric_set_paper(mt[sv], sv == SV_ALONE ? 126.5 : 318, "Fig. 4");
	}
	/*
	 * Which side ran out of CPU: the other sign of who limits the throughput. Only the
	 * dut's is telling: the generator polls its socket, so its CPU is always busy.
	 */
	for (sv = 0; sv < SV_MAX; sv++) {
		snprintf(id, sizeof(id), "kv.busy.dut.%s%s", sv_info[sv].key, sfx);
		snprintf(label, sizeof(label), "dut CPU busy, %s, %s", sv_info[sv].key,
			 pl_label[c->pl]);
		mb[sv] = result_add(r, id, label, "%", METHOD_LIVE);
		metric_set_samples(mb[sv], &t->busy[sv], (size_t)c->reps);
		snprintf(mb[sv]->note, sizeof(mb[sv]->note),
			 "/proc/stat: the dut CPU's time not idle over the throughput run");
	}
	/* generator headroom: a server near the ceiling may be measuring the generator */
	ceil = mt[SV_CEIL]->s.p50;
	for (sv = 0; sv < SV_CEIL; sv++) {
		if (!(ceil > 0) || mt[sv]->s.p50 * GENBOUND < ceil)
			continue;
		mt[sv]->flags |= METRIC_GENBOUND;
		snprintf(mt[sv]->note, sizeof(mt[sv]->note),
			 "%.0f kreq/s is within %.1fx of the generator's ceiling (%.0f kreq/s "
			 "against the XDP_TX responder): it may measure the generator (dut CPU "
			 "%.0f %% busy meanwhile)",
			 mt[sv]->s.p50, GENBOUND, ceil, mb[sv]->s.p50);
	}
	if (c->pl == PL_PAPER)
		capacity_report(c, r, orig);
	snprintf(id, sizeof(id), "kv.tput.ratio%s", sfx);
	m = result_find(r, id);
	if (mt[SV_CACHE]->flags & METRIC_GENBOUND) {
		/* what was measured is still a lower bound on the gain */
		struct metric *lb;

		snprintf(id, sizeof(id), "kv.tput.ratio.atleast%s", sfx);
		snprintf(label, sizeof(label), "throughput gain, at least (generator-bound), %s",
			 pl_label[c->pl]);
		lb = ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_ALONE]);
		lb->flags |= METRIC_GENBOUND;
		snprintf(lb->note, sizeof(lb->note),
			 "with / without per interleaved repetition while the generator limited "
			 "the cache: the gain is at least this");
	}
	if (mt[SV_CACHE]->flags & METRIC_GENBOUND)
		metric_unavailable(
			m,
			"generator-bound: with the cache %.0f kreq/s is within %.1fx of "
			"the generator's ceiling (%.0f kreq/s), so the gain is at least "
			"%.2fx and could be more; no ratio is claimed",
			mt[SV_CACHE]->s.p50, GENBOUND, ceil,
			mt[SV_ALONE]->s.p50 > 0 ? mt[SV_CACHE]->s.p50 / mt[SV_ALONE]->s.p50 : 0);
	else if (mt[SV_ALONE]->flags & METRIC_GENBOUND)
		metric_unavailable(m,
				   "generator-bound: memcached alone is within %.1fx of the "
				   "generator's ceiling",
				   GENBOUND);
	result_note(r, "%s: %s", pl_label[c->pl], c->where[c->pl]);
	tput_init(t, true);
}

/* ---- the slow path: two flows, wake-ups, and the cure ---- */

static int sched_start(struct ctx *c)
{
	__u32 slot, tids[2] = { (__u32)c->mc_worker, (__u32)c->dut_napi };

	if (!c->sched)
		return -ENOTSUP;
	for (slot = 0; slot < 2; slot++) {
		struct {
			__u64 woken, n, idle;
		} zero = { 0 };

		bpf_map_update_elem(bpf_map__fd(c->sched->maps.kv_sched_state), &slot, &zero,
				    BPF_ANY);
		if (tids[slot] > 0)
			bpf_map_update_elem(bpf_map__fd(c->sched->maps.kv_sched_tids), &tids[slot],
					    &slot, BPF_ANY);
	}
	return 0;
}

/* The wake-up latencies of one slot since sched_start into s; n and idle wake-ups out. */
static void sched_read(struct ctx *c, __u32 slot, struct stats_samples *s, uint64_t *n,
		       uint64_t *idle)
{
	struct {
		__u64 woken, n, idle;
	} st = { 0 };
	uint64_t i, cnt;

	*n = *idle = 0;
	if (!c->sched ||
	    bpf_map_lookup_elem(bpf_map__fd(c->sched->maps.kv_sched_state), &slot, &st))
		return;
	*n = st.n;
	*idle = st.idle;
	cnt = st.n < KV_SCHED_SAMPLES ? st.n : KV_SCHED_SAMPLES;
	for (i = 0; i < cnt; i++) {
		__u32 key = slot * KV_SCHED_SAMPLES + (__u32)i, v = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(c->sched->maps.kv_sched_lat), &key, &v))
			stats_samples_add(s, v);
	}
}

static void sched_stop(struct ctx *c)
{
	__u32 tids[2] = { (__u32)c->mc_worker, (__u32)c->dut_napi }, i;

	for (i = 0; c->sched && i < 2; i++)
		bpf_map_delete_elem(bpf_map__fd(c->sched->maps.kv_sched_tids), &tids[i]);
}

/* what one two-flow run saw beyond the latencies */
struct slow_obs {
	struct stats_samples wake_mc, wake_napi;
	uint64_t wakes_mc, idle_mc, wakes_napi, idle_napi;
	double vol_per_req; /* memcached's voluntary switches per request it answered */
	double spin_cpu;    /* the spinner's share of the dut CPU, % */
	uint64_t sent, hits;
	double miss_p50; /* the uncacheable flow's median, ns */
};

/*
 * The two flows at once, from one generator thread (two busy threads on one CPU would take
 * turns in scheduler slices): every 11th request of a 55 K req/s Poisson stream asks for a
 * large value, so 50 K/s are cacheable and 5 K/s are not. m[0]: cacheable, m[1]: the rest.
 */
static void hist_merge(struct stats_hist *into, const struct stats_hist *h)
{
	size_t i;

	for (i = 0; i < STATS_HIST_BUCKETS; i++)
		into->count[i] += h->count[i];
	if (h->n && (!into->n || h->min < into->min))
		into->min = h->min;
	if (h->max > into->max)
		into->max = h->max;
	into->n += h->n;
	into->sum += h->sum;
}

static int two_flows(struct ctx *c, struct stats_hist pool[2], bool spin, struct slow_obs *ob)
{
	struct flow_run f = { .c = c };
	struct cpu_task_stats a, b, sa = { 0 }, sb = { 0 };
	uint64_t h0[KC_NCOUNTERS] = { 0 }, h1[KC_NCOUNTERS] = { 0 };
	int err, spinner = 0;

	lg_base(c, &f.lo, &f.mc, &f.app, "kvA", SMALL_KEYS, SMALL_VALUE);
	mix_large(&f, 11, 0);
	f.lo.mode = LG_POISSON;
	f.lo.rate = c->flow_rate;
	if (spin) {
		spinner = tb_spin(&c->tb, c->tb.dut_cpu, c->dur_ns + 5000000000ULL);
		if (spinner < 0)
			return spinner;
		cpu_task_stats(spinner, &sa);
	}
	if (c->up == SV_CACHE)
		kvc_counters(bpf_map__fd(c->k.skel->maps.counters), h0);
	cpu_task_stats(c->mc_pid, &a);
	sched_start(c);
	flow_go(&f);
	sched_stop(c);
	cpu_task_stats(c->mc_pid, &b);
	if (c->up == SV_CACHE)
		kvc_counters(bpf_map__fd(c->k.skel->maps.counters), h1);
	if (spinner > 0) {
		cpu_task_stats(spinner, &sb);
		tb_stop(&c->tb, spinner, 1000);
	}
	err = f.err;
	if (!err && f.res.lat && f.res.lat_alt) {
		uint64_t served = f.res.received - (h1[KC_HIT] - h0[KC_HIT]);

		hist_merge(&pool[0], f.res.lat);
		hist_merge(&pool[1], f.res.lat_alt);
		ob->miss_p50 = stats_hist_quantile(f.res.lat_alt, 0.5);
		sched_read(c, 0, &ob->wake_mc, &ob->wakes_mc, &ob->idle_mc);
		sched_read(c, 1, &ob->wake_napi, &ob->wakes_napi, &ob->idle_napi);
		ob->vol_per_req = served ? (double)(b.vol - a.vol) / (double)served : 0;
		ob->spin_cpu = spin ? (double)(sb.cpu_ns - sa.cpu_ns) / (double)c->dur_ns * 100 : 0;
		ob->sent += f.res.sent;
		ob->hits += h1[KC_HIT] - h0[KC_HIT];
	}
	lg_result_free(&f.res);
	return err;
}

static void slow_obs_free(struct slow_obs *o)
{
	stats_samples_free(&o->wake_mc);
	stats_samples_free(&o->wake_napi);
}

static void slow_report(struct ctx *c, struct result *r, struct stats_samples pen[2],
			struct stats_samples vol[LC_MAX], struct stats_samples *spin,
			struct slow_obs ob[LC_MAX]);

/* Interleaved repetitions of the two flows: alone, with the cache, with the cache and cure. */
static int slow_path(struct ctx *c, struct result *r, char *why, size_t whylen)
{
	struct metric *lat[LC_MAX][2];
	struct stats_hist *pool = calloc(LC_MAX * 2, sizeof(*pool));
	struct stats_samples pen[2], vol[LC_MAX], spin;
	struct slow_obs ob[LC_MAX];
	int rep, lc, err = 0;

	if (!pool)
		return -ENOMEM;
	memset(ob, 0, sizeof(ob));
	stats_samples_init(&pen[0]);
	stats_samples_init(&pen[1]);
	stats_samples_init(&spin);
	for (lc = 0; lc < LC_MAX; lc++) {
		char id[64], label[96];

		stats_samples_init(&vol[lc]);
		stats_samples_init(&ob[lc].wake_mc);
		stats_samples_init(&ob[lc].wake_napi);
		snprintf(id, sizeof(id), "kv.lat.hit.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "cacheable flow (32 B, %.1f K/s), %s",
			 c->flow_rate * 10 / 11 / 1e3, lc_label[lc]);
		lat[lc][0] = result_add(r, id, label, "ns", METHOD_LIVE);
		snprintf(id, sizeof(id), "kv.lat.miss.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "uncacheable flow (4 KB, %.1f K/s), %s",
			 c->flow_rate / 11 / 1e3, lc_label[lc]);
		lat[lc][1] = result_add(r, id, label, "ns", METHOD_LIVE);
	}
	for (rep = 0; rep < c->reps && !err; rep++) {
		double med[LC_MAX] = { 0 };

		for (lc = 0; lc < LC_MAX && !err; lc++) {
			struct slow_obs one = { 0 };

			if (lc != LC_CURED)
				err = sv_up(c, lc == LC_ALONE ? SV_ALONE : SV_CACHE, why, whylen);
			if (!err)
				err = two_flows(c, &pool[lc * 2], lc == LC_CURED, &one);
			if (!err) {
				med[lc] = one.miss_p50;
				stats_samples_add(&vol[lc], one.vol_per_req);
				if (lc == LC_CURED)
					stats_samples_add(&spin, one.spin_cpu);
				/* the wake-ups of every repetition, pooled */
				for (size_t i = 0; i < one.wake_mc.n; i++)
					stats_samples_add(&ob[lc].wake_mc, one.wake_mc.v[i]);
				for (size_t i = 0; i < one.wake_napi.n; i++)
					stats_samples_add(&ob[lc].wake_napi, one.wake_napi.v[i]);
				ob[lc].wakes_mc += one.wakes_mc;
				ob[lc].idle_mc += one.idle_mc;
				ob[lc].wakes_napi += one.wakes_napi;
				ob[lc].idle_napi += one.idle_napi;
				ob[lc].sent += one.sent;
				ob[lc].hits += one.hits;
			}
			slow_obs_free(&one);
			if (lc != LC_CACHE)
				sv_down(c);
		}
		if (!err && med[LC_ALONE] > 0) {
			stats_samples_add(&pen[0], (med[LC_CACHE] / med[LC_ALONE] - 1) * 100);
			stats_samples_add(&pen[1], (med[LC_CURED] / med[LC_ALONE] - 1) * 100);
		}
	}
	sv_down(c);
	for (lc = 0; lc < LC_MAX && !err; lc++) {
		metric_set_hist(lat[lc][0], &pool[lc * 2], 1000);
		metric_set_hist(lat[lc][1], &pool[lc * 2 + 1], 100);
	}
	/* the paper's slow-path medians (Fig. 6), at 55 K req/s on its testbed */
	metric_set_paper(lat[LC_ALONE][1], 40600, "Fig. 6");
	metric_set_paper(lat[LC_CACHE][1], 61500, "Fig. 6");
	if (!err)
		slow_report(c, r, pen, vol, &spin, ob);
	free(pool);
	for (lc = 0; lc < LC_MAX; lc++) {
		stats_samples_free(&vol[lc]);
		slow_obs_free(&ob[lc]);
	}
	stats_samples_free(&pen[0]);
	stats_samples_free(&pen[1]);
	stats_samples_free(&spin);
	return err;
}

/* A metric from samples, or unavailable with why when there are none. */
static struct metric *samples_metric(struct result *r, const char *id, const char *label,
				     const char *unit, enum method how, struct stats_samples *s,
				     size_t wanted, const char *why)
{
	struct metric *m = result_add(r, id, label, unit, how);

	if (s->n)
		metric_set_samples(m, s, wanted);
	else
		metric_unavailable(m, "%s", why);
	return m;
}

static double med_of(struct result *r, const char *id)
{
	struct metric *m = result_find(r, id);

	return m && !m->unavailable[0] ? m->s.p50 : NAN;
}

/*
 * Where the slow path's extra time goes, from this run's own figures: the cache's programs on
 * a miss (the XDP miss path, TC egress on each reply packet: a 4 KB reply is three) and the
 * extra wake-ups memcached pays (sleeps per request times the wake-up latency).
 */
static void slow_explain(struct result *r)
{
	double dn = med_of(r, "kv.lat.miss.nocache"), dc = med_of(r, "kv.lat.miss.cache"),
	       miss = med_of(r, "kv.cost.miss.live"),
	       frag = med_of(r, "kv.cost.reply_frag.testrun"),
	       sn = med_of(r, "kv.switches.nocache"), sc = med_of(r, "kv.switches.cache"),
	       wn = med_of(r, "kv.wake.memcached.nocache"),
	       wc = med_of(r, "kv.wake.memcached.cache");
	double prog = miss + frag, wake = sc * wc - sn * wn;

	if (!isfinite(dn) || !isfinite(dc))
		return;
	result_note(r,
		    "slow path, where the time goes (model from this run's medians): the "
		    "uncacheable flow took %+.1f us with the cache; the cache's programs on such a "
		    "miss cost %.1f us (XDP %.1f us by bpf-stats, TC egress on the reply's first "
		    "fragment %.2f us by test-run, the other fragments it passes at once); "
		    "memcached slept %.2f times per request without the cache and %.2f with it, at "
		    "%.1f and %.1f us per wake-up: %+.1f us; the rest is queueing and noise",
		    (dc - dn) / 1e3, prog / 1e3, miss / 1e3, frag / 1e3, sn, sc, wn / 1e3, wc / 1e3,
		    wake / 1e3);
}

static void slow_report(struct ctx *c, struct result *r, struct stats_samples pen[2],
			struct stats_samples vol[LC_MAX], struct stats_samples *spin,
			struct slow_obs ob[LC_MAX])
{
	struct metric *m;
	char id[64], label[96];
	int lc;

	m = samples_metric(r, "kv.slowpath_penalty",
			   "latency the cache adds to requests it cannot serve", "%", METHOD_MODEL,
			   &pen[0], (size_t)c->reps, "no repetition completed");
	metric_set_paper(m, 51, "Fig. 6");
	snprintf(m->note, sizeof(m->note),
		 "median of the uncacheable flow with the cache against without, per interleaved "
		 "repetition (%zu)",
		 pen[0].n);
	m = samples_metric(r, "kv.slowpath_penalty.cured",
			   "the same with an idle-class spinner on the server CPU (the cure)", "%",
			   METHOD_MODEL, &pen[1], (size_t)c->reps, "no repetition completed");
	snprintf(m->note, sizeof(m->note),
		 "memcached unchanged; a SCHED_IDLE process spins on the dut CPU, so the CPU "
		 "never idles (kv.wake.*.cache_spin: no wake-up onto an idle CPU); it helps only "
		 "where waking an idle vCPU is what costs");
	m = samples_metric(r, "kv.cure.cpu", "what the cure costs: spinner's share of the dut CPU",
			   "%", METHOD_LIVE, spin, (size_t)c->reps, "no repetition completed");
	snprintf(m->note, sizeof(m->note),
		 "the spinner's CPU time over the run: the time the CPU would otherwise idle (it "
		 "yields at once to any other task, so it takes none from memcached or NAPI)");
	for (lc = 0; lc < LC_MAX; lc++) {
		snprintf(id, sizeof(id), "kv.switches.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "memcached's sleeps per request it answered, %s",
			 lc_label[lc]);
		m = samples_metric(r, id, label, "/req", METHOD_LIVE, &vol[lc], (size_t)c->reps,
				   "no repetition completed");
		snprintf(m->note, sizeof(m->note),
			 "voluntary context switches of its threads (/proc) over the requests that "
			 "reached it (sent less the cache's hits)");
		snprintf(id, sizeof(id), "kv.wake.memcached.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "memcached worker's wake-up latency, %s",
			 lc_label[lc]);
		m = samples_metric(r, id, label, "ns", METHOD_LIVE, &ob[lc].wake_mc, 0,
				   c->sched ? "no wake-up seen"
					    : "sched tracepoints (tp_btf) refused here");
		if (ob[lc].wakes_mc)
			snprintf(
				m->note, sizeof(m->note),
				"sched_wakeup to sched_switch: %llu wake-ups, %.0f %% onto an idle "
				"CPU",
				(unsigned long long)ob[lc].wakes_mc,
				100.0 * (double)ob[lc].idle_mc / (double)ob[lc].wakes_mc);
		snprintf(id, sizeof(id), "kv.wake.napi.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "dut NAPI thread's wake-up latency, %s",
			 lc_label[lc]);
		m = samples_metric(r, id, label, "ns", METHOD_LIVE, &ob[lc].wake_napi, 0,
				   c->sched ? "no wake-up seen"
					    : "sched tracepoints (tp_btf) refused here");
		if (ob[lc].wakes_napi)
			snprintf(
				m->note, sizeof(m->note),
				"sched_wakeup to sched_switch: %llu wake-ups, %.0f %% onto an idle "
				"CPU",
				(unsigned long long)ob[lc].wakes_napi,
				100.0 * (double)ob[lc].idle_napi / (double)ob[lc].wakes_napi);
	}
	slow_explain(r);
}

/* ---- the sweep of the cacheable share ---- */

#define NSWEEP 7
static const unsigned int sweep_full[NSWEEP] = { 0, 10, 25, 50, 75, 90, 100 };
static const unsigned int sweep_quick[NSWEEP] = { 0, 50, 90, 100 };

/* Throughput at each share w into kps[], each path's latency as kv.sweeplat.*. */
static int sweep(struct ctx *c, struct result *r, enum server sv, const unsigned int *ws, int nw,
		 double *kps, char *why, size_t whylen)
{
	const char *phase = sv == SV_CACHE ? "cache" : "nocache";
	int i, err = sv_up(c, sv, why, whylen);

	for (i = 0; i < nw && !err; i++) {
		struct metric *mh = NULL, *mm = NULL;
		char id[64], label[96];

		if (ws[i] > 0) {
			snprintf(id, sizeof(id), "kv.sweeplat.hit_%s.%u", phase, ws[i]);
			snprintf(label, sizeof(label), "cacheable requests at w = %u %%, %s", ws[i],
				 phase);
			mh = result_add(r, id, label, "ns", METHOD_LIVE);
		}
		if (ws[i] < 100) {
			snprintf(id, sizeof(id), "kv.sweeplat.miss_%s.%u", phase, ws[i]);
			snprintf(label, sizeof(label), "uncacheable requests at w = %u %%, %s",
				 ws[i], phase);
			mm = result_add(r, id, label, "ns", METHOD_LIVE);
		}
		err = closed_run(c, "kvA", SMALL_KEYS, 100 - ws[i], &kps[i], mh, mm);
	}
	sv_down(c);
	return err;
}

/* Measured gain per w, the model's from each path's cost and t, the break-evens. */
static void sweep_report(struct result *r, const unsigned int *ws, int nw, double kps[2][NSWEEP])
{
	struct metric *m, *mh = result_find(r, "kv.cost.hit.live"),
			  *mm = result_find(r, "kv.cost.miss.live"),
			  *base = result_find(r, "kv.tput.nocache");
	double t = base && base->s.p50 > 0 ? 1e6 / base->s.p50 : 0, meas_be = -1;
	bool costs = mh && mm && !mh->unavailable[0] && !mm->unavailable[0] && t > 0;
	int i;

	for (i = 0; i < nw; i++) {
		char id[64], label[96];
		double g = kps[0][i] > 0 ? kps[1][i] / kps[0][i] : 0;

		snprintf(id, sizeof(id), "kv.sweep.gain.%u", ws[i]);
		snprintf(label, sizeof(label), "throughput gain at w = %u %%", ws[i]);
		m = result_add(r, id, label, "x", METHOD_LIVE);
		metric_set_value(m, g);
		snprintf(
			m->note, sizeof(m->note),
			"%.0f kreq/s with the cache / %.0f without; closed loop, %u %% of requests "
			"for 4 KB values",
			kps[1][i], kps[0][i], 100 - ws[i]);
		if (meas_be < 0 && g > 1) {
			/* interpolate between this point and the one before */
			double g0 = i && kps[0][i - 1] > 0 ? kps[1][i - 1] / kps[0][i - 1] : g;

			meas_be = i && g0 < 1 && g > g0
					  ? ws[i - 1] + (1 - g0) / (g - g0) * (ws[i] - ws[i - 1])
					  : ws[i];
		}
		if (costs) {
			struct advice a;
			double w = ws[i] / 100.0;

			snprintf(id, sizeof(id), "kv.sweep.model.%u", ws[i]);
			snprintf(label, sizeof(label), "model gain at w = %u %%", ws[i]);
			m = result_add(r, id, label, "x", METHOD_MODEL);
			/* every request pays its path's cost: w hits, 1 - w misses */
			if (!advise_model(w, t, w * mh->s.p50 + (1 - w) * mm->s.p50, &a))
				metric_set_value(m, a.gain);
		}
	}
	m = result_add(r, "kv.breakeven.measured",
		       "cacheable share where the cache starts to pay, measured", "%", METHOD_LIVE);
	if (meas_be >= 0)
		metric_set_value(m, meas_be);
	else
		metric_unavailable(m, "the cache did not pay at any share swept");
	m = result_add(r, "kv.breakeven.model",
		       "cacheable share where it pays, model: miss cost / (t + miss - hit)", "%",
		       METHOD_MODEL);
	if (costs) {
		/* w h + (1 - w)(m + t) = t  <=>  w = m / (t + m - h) */
		metric_set_value(m, mm->s.p50 / (t + mm->s.p50 - mh->s.p50) * 100);
		snprintf(m->note, sizeof(m->note),
			 "hit %.0f ns, miss %.0f ns (bpf-stats), t = %.0f ns (1 / memcached's "
			 "throughput)",
			 mh->s.p50, mm->s.p50, t);
	} else {
		metric_unavailable(m, "the costs per path or memcached's throughput are missing");
	}
}

/* ---- the experiment ---- */

static int kv_setup(struct ctx *c, struct result *r)
{
	char *argv[] = { "memcached", "-u", "root", "-l", "198.18.0.2", "-p", "11211", "-U",
			 "11211",     "-t", "1",    "-m", "256",	"-c", "4096",  NULL };
	char mcpath[4096];
	int err, fd;

	/* the memcached that will run is the one checked: found on PATH, run by its path */
	if (tb_which("memcached", mcpath, sizeof(mcpath))) {
		snprintf(r->error, sizeof(r->error),
			 "memcached is not installed (scripts/install-deps.sh installs it)");
		return -ENOENT;
	}
	argv[0] = mcpath;
	err = tb_create(&c->tb);
	if (err) {
		snprintf(r->error, sizeof(r->error), "no testbed: %s", strerror(-err));
		return err;
	}
	c->mc_pid = tb_spawn(&c->tb, TB_DUT, c->tb.dut_cpu, argv);
	if (c->mc_pid < 0)
		return c->mc_pid;
	fd = tb_connect(&c->tb, KV_PORT, 5000000000ULL); /* memcached is up */
	if (fd < 0)
		return fd;
	close(fd);
	/* XDP_TX replies need a program on the client's veth too */
	err = tb_enter(&c->tb, TB_GEN);
	if (!err)
		err = kvc_peer_attach(c->tb.gen.ifname, &c->peer);
	tb_leave(&c->tb);
	/* the keys; kvC before any cache has seen them: never cacheable */
	if (!err)
		err = preload(c, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (!err)
		err = preload(c, "kvB", LARGE_KEYS, LARGE_VALUE);
	if (!err)
		err = preload(c, "kvC", MISS_KEYS, SMALL_VALUE);
	c->mc_worker = cpu_find_thread(c->mc_pid, "mc-worker");
	c->stats_fd = bpfu_stats_enable();
	c->sched = kv_sched_bpf__open_and_load();
	if (c->sched && kv_sched_bpf__attach(c->sched)) {
		kv_sched_bpf__destroy(c->sched);
		c->sched = NULL;
	}
	return err;
}

static void kv_teardown(struct ctx *c)
{
	sv_down(c);
	kv_sched_bpf__destroy(c->sched);
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	if (c->peer.link && !tb_enter(&c->tb, TB_GEN)) {
		kvc_peer_detach(&c->peer);
		tb_leave(&c->tb);
	}
	tb_destroy(&c->tb);
}

static void kv_notes(struct ctx *c, struct result *r)
{
	result_note(r,
		    "kvcache counters over all its runs: %llu hits, %llu misses, %llu fills, %llu "
		    "too big, %llu without frame room",
		    (unsigned long long)c->kc_total[KC_HIT],
		    (unsigned long long)c->kc_total[KC_MISS],
		    (unsigned long long)c->kc_total[KC_FILL],
		    (unsigned long long)c->kc_total[KC_TOO_BIG],
		    (unsigned long long)c->kc_total[KC_NO_ROOM]);
	result_note(r,
		    "memcached 1 worker thread (pid %d, worker %d) pinned to the dut CPU %d; "
		    "the generator on cpu %d; veth between namespaces",
		    c->mc_pid, c->mc_worker, c->tb.dut_cpu, c->tb.gen_cpu);
	result_note(r,
		    "throughput: %d interleaved repetitions of %.1f s per server and "
		    "placement, closed loop with %d requests in flight, the servers' order "
		    "rotated each repetition; ratios are the medians of per-repetition ratios",
		    c->reps, (double)c->dur_ns / 1e9, KV_OUTSTANDING);
	result_note(r, "the paper placement's NAPI threads run at a real-time priority, as "
		       "softirq preempts the server on its core; with the cache they serve every "
		       "hit on the dut CPU");
	result_note(r,
		    "the sweep runs closed loop (%d requests in flight) for throughput: its "
		    "latencies include the queue, they compare paths and phases, not servers",
		    KV_OUTSTANDING);
	result_note(r,
		    "the cure tried: with the hits served in XDP the dut CPU idles between the "
		    "requests memcached still gets, and an idle vCPU halts; a SCHED_IDLE spinner "
		    "keeps it running without taking time from anything else "
		    "(kv.slowpath_penalty.cured, kv.cure.cpu); busy polling is not used, as it "
		    "needs memcached changed or a host-wide sysctl");
}

/*
 * The two flows' rate: the paper's 55 K req/s where memcached alone carries it with the
 * paper's headroom, else the paper's share of what memcached alone carried here.
 */
static void flow_rate(struct ctx *c, struct result *r, struct stats_samples *alone)
{
	struct stats_summary s;
	double cap;

	stats_samples_summary(alone, &s);
	cap = s.p50 * 1e3;
	c->flow_rate = PAPER_FLOW_RATE;
	if (cap > 0 && cap * PAPER_FLOW_SHARE < PAPER_FLOW_RATE)
		c->flow_rate = cap * PAPER_FLOW_SHARE;
	result_note(
		r,
		"two flows: %.1f K req/s Poisson, every 11th for a 4 KB value (the paper's 55 K "
		"was %.0f %% of its memcached's 126.5 K; memcached alone carried %.1f K here, "
		"paper placement)",
		c->flow_rate / 1e3, PAPER_FLOW_SHARE * 100, cap / 1e3);
}

int kv_run(const struct run_opts *o, struct result *r)
{
	struct ctx c = { .o = o, .up = -1, .stats_fd = -1 };
	struct tput tp[PL_MAX];
	double kps[2][NSWEEP] = { { 0 } };
	const unsigned int *ws = o->quick ? sweep_quick : sweep_full;
	int nw = o->quick ? 4 : NSWEEP, err, pl;
	char why[160] = "";

	c.dur_ns = o->quick ? 500000000ULL : 1000000000ULL;
	c.reps = o->quick ? 3 : 5;
	for (pl = 0; pl < PL_MAX; pl++)
		tput_init(&tp[pl], false);
	err = kv_setup(&c, r);
	costs_testrun(r, o->quick);
	/* shared first: a veth's NAPI stays threaded once it has been */
	for (pl = PL_SHARED; pl >= PL_PAPER && !err; pl--) {
		c.pl = (enum placement)pl;
		if (pl == PL_PAPER) {
			c.gen_napi = tb_napi_pin(&c.tb, TB_GEN, c.tb.gen_cpu, true);
			if (c.gen_napi <= 0)
				log_warn("kv: the generator's veth stays in softirq (no NAPI "
					 "thread)");
		}
		err = tput_placement(&c, r, &tp[pl], why, sizeof(why));
		if (!err)
			tput_report(&c, r, &tp[pl]);
	}
	if (!err) {
		costs_compare(r);
		flow_rate(&c, r, &tp[PL_PAPER].kps[SV_ALONE]);
		err = slow_path(&c, r, why, sizeof(why));
	}
	if (!err)
		err = sweep(&c, r, SV_ALONE, ws, nw, kps[0], why, sizeof(why));
	if (!err)
		err = sweep(&c, r, SV_CACHE, ws, nw, kps[1], why, sizeof(why));
	if (!err)
		sweep_report(r, ws, nw, kps);
	kv_notes(&c, r);
	kv_teardown(&c);
	for (pl = 0; pl < PL_MAX; pl++)
		tput_init(&tp[pl], true);
	if (err && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s%s%s", why[0] ? why : "",
			 why[0] ? ": " : "", strerror(-err));
	return err;
}
