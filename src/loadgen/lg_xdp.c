// SPDX-License-Identifier: GPL-2.0
/*
 * The load generator's XDP engine. BPF_PROG_RUN in live-frames mode runs olab_lgx_tx on the
 * generator's device: every run of it is a slot that becomes a request (XDP_TX, out of the
 * device) or is dropped (not due, window full), so the pacing, the window and the send time
 * are the program's, with no socket and no user space per request. olab_lgx_rx on the same
 * device's XDP hook matches the replies and times them into a per-CPU log-linear histogram
 * (lib/stats' layout). User space only sets a run up, keeps calling BPF_PROG_RUN until the
 * run's time or count is up, waits for the replies in flight and reads the counts.
 *
 * Frames leave at the end of their live-frames batch (xdp_do_flush): a request's send time
 * is when it was built, so a batch of n adds up to n - 1 build times to the first one's
 * latency. Latency points want small batches, throughput points large ones.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/napi.h"
#include "lib/stats.h"
#include "loadgen/lg_xdp_int.h"

#include "lg_xdp.skel.h"

_Static_assert(LGX_HIST_BUCKETS == STATS_HIST_BUCKETS, "the histogram layouts differ");
_Static_assert(LGX_IDS == LG_PICK, "the Zipf tables differ");
_Static_assert(LGX_RAW_PORTS == LG_RAW_PORTS, "the raw port blocks differ");

/*
 * One BPF_PROG_RUN call: about this long. A call sets up a page pool and tears it down (a
 * millisecond or more on a VM, longer when it waits for an RCU grace period), during which
 * nothing is sent; the program itself stops building at the run's end or count.
 */
#define CALL_NS 20000000ULL
#define REP_MIN 65536
#define REP_MAX (1U << 24)
#define CALIBRATE 20000 /* test-run repetitions that measure the build cost */
#define MAX_BATCH 256	/* TEST_XDP_MAX_BATCH */
#define NAPI_MAX 16

struct lg_xdp {
	struct lg_xdp_bpf *skel;
	struct bpf_link *rx, *xmit;
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint32_t netns;
	uint8_t mac[6], dst_mac[6];
	bool have_dst_mac;
	bool napi_ours; /* threading was off: switched on here, off again on close */
	int napi[NAPI_MAX], nnapi;
	unsigned int max_keys;
	int ncpu;
	struct lgx_slot *slots;
	struct lgx_key *keys;
	uint64_t *pick;
	uint64_t *gaps;
	struct lgx_tmpl *tmpl;
	struct lgx_raw *raw;
	unsigned int max_raw;
	size_t slots_len, keys_len, pick_len, gaps_len, tmpl_len, raw_len;
	struct lgx_frame frame; /* the current run's */
};

const char *lg_xdp_ifname(const struct lg_xdp *x)
{
	return x->ifname;
}

int lg_xdp_napi_tid(const struct lg_xdp *x)
{
	return x->nnapi ? x->napi[0] : -1;
}

void lg_xdp_close(struct lg_xdp *x)
{
	if (!x)
		return;
	if (x->napi_ours && napi_set_threaded(x->ifname, '0'))
		log_warn("%s: could not switch its NAPI threads off again", x->ifname);
	bpf_link__destroy(x->xmit);
	bpf_link__destroy(x->rx);
	if (x->slots)
		munmap(x->slots, x->slots_len);
	if (x->keys)
		munmap(x->keys, x->keys_len);
	if (x->pick)
		munmap(x->pick, x->pick_len);
	if (x->gaps)
		munmap(x->gaps, x->gaps_len);
	if (x->tmpl)
		munmap(x->tmpl, x->tmpl_len);
	if (x->raw)
		munmap(x->raw, x->raw_len);
	lg_xdp_bpf__destroy(x->skel);
	free(x);
}

static int skel_open(struct lg_xdp *x)
{
	x->skel = lg_xdp_bpf__open();
	if (!x->skel)
		return -errno;
	bpf_map__set_max_entries(x->skel->maps.lgx_keys, x->max_keys);
	bpf_map__set_max_entries(x->skel->maps.lgx_raw, x->max_raw ? x->max_raw : 1);
	return 0;
}

static int skel_load(struct lg_xdp *x)
{
	int err = skel_open(x);

	if (err)
		return err;
	err = lg_xdp_bpf__load(x->skel);
	if (!err)
		return 0;
	/* without the transmit tracepoint (an older kernel): what the device refused is unknown */
	lg_xdp_bpf__destroy(x->skel);
	err = skel_open(x);
	if (err)
		return err;
	bpf_program__set_autoload(x->skel->progs.olab_lgx_xmit, false);
	return lg_xdp_bpf__load(x->skel);
}

int lg_xdp_open(const struct lg_xdp_dev *d, struct lg_xdp **out, char *why, size_t whylen)
{
	struct lg_xdp *x = calloc(1, sizeof(*x));
	int err;

	*out = NULL;
	if (!x)
		return -ENOMEM;
	snprintf(x->ifname, sizeof(x->ifname), "%s", d->ifname ? d->ifname : "");
	x->ifindex = (int)if_nametoindex(x->ifname);
	x->max_keys = d->max_keys ? d->max_keys : 65536;
	x->max_raw = d->max_raw;
	if (x->max_raw > LGX_RAW_ENTRIES) {
		snprintf(why, whylen, "%u distinct requests: the XDP engine's table holds %d",
			 x->max_raw, LGX_RAW_ENTRIES);
		err = -E2BIG;
		goto out;
	}
	x->ncpu = libbpf_num_possible_cpus();
	x->netns = lgx_netns_ino();
	if (!x->ifindex) {
		snprintf(why, whylen, "no device '%s' in this network namespace", x->ifname);
		err = -ENODEV;
		goto out;
	}
	if (d->dst_mac) {
		memcpy(x->dst_mac, d->dst_mac, 6);
		x->have_dst_mac = true;
	}
	err = lgx_dev_mac(x->ifname, x->mac);
	if (!err)
		err = skel_load(x);
	if (err) {
		snprintf(why, whylen, "load the XDP engine's programs: %s", strerror(-err));
		goto out;
	}
	x->rx = att_xdp(x->skel->progs.olab_lgx_rx, x->ifindex, x->ifname);
	if (!x->rx) {
		err = -errno;
		snprintf(why, whylen,
			 "attach the XDP engine's receive program to %s (native XDP): %s",
			 x->ifname, strerror(-err));
		goto out;
	}
	if (bpf_program__autoload(x->skel->progs.olab_lgx_xmit))
		x->xmit = bpf_program__attach(x->skel->progs.olab_lgx_xmit);
	x->slots = lgx_map_mmap(x->skel->maps.lgx_slots, &x->slots_len);
	x->keys = lgx_map_mmap(x->skel->maps.lgx_keys, &x->keys_len);
	x->pick = lgx_map_mmap(x->skel->maps.lgx_pick, &x->pick_len);
	x->gaps = lgx_map_mmap(x->skel->maps.lgx_gaps, &x->gaps_len);
	x->tmpl = lgx_map_mmap(x->skel->maps.lgx_tmpl, &x->tmpl_len);
	x->raw = lgx_map_mmap(x->skel->maps.lgx_raw, &x->raw_len);
	if (!x->slots || !x->keys || !x->pick || !x->gaps || !x->tmpl || !x->raw) {
		err = -errno;
		snprintf(why, whylen, "map the XDP engine's tables: %s", strerror(-err));
		goto out;
	}
	/* the replies' NAPI on the generator's CPU, never on the server's */
	if (d->napi_cpu >= 0 && napi_threaded(x->ifname) == '0') {
		x->napi_ours = true;
		err = napi_thread_pin(x->ifname, d->napi_cpu, true, x->napi, NAPI_MAX);
		if (err < 0) {
			snprintf(why, whylen, "switch %s's NAPI to a thread on cpu %d: %s",
				 x->ifname, d->napi_cpu, strerror(-err));
			goto out;
		}
		x->nnapi = err;
		err = 0;
	}
out:
	if (err) {
		lg_xdp_close(x);
		return err;
	}
	*out = x;
	return 0;
}

int lg_xdp_can_xmit(struct lg_xdp *x, char *why, size_t whylen)
{
	uint64_t feat;

	if (lgx_xdp_features(x->ifindex, &feat) || (feat & LGX_XDP_ACT_NDO_XMIT))
		return 0; /* it can, or the kernel does not say (before 6.3): the counts will */
	snprintf(why, whylen,
		 "%s cannot transmit XDP frames (no ndo_xdp_xmit)%s: use the socket engine",
		 x->ifname,
		 dev_is_veth(x->ifname) ? "; a veth can only while its peer runs an XDP program "
					  "or has GRO on"
					: "");
	return -EOPNOTSUPP;
}

/* ---- one run ---- */

static int state_reset(struct lg_xdp *x)
{
	struct lg_xdp_bpf *s = x->skel;
	int err;

	memset(x->slots, 0, x->slots_len);
	s->bss->st.seq0 = s->bss->st.seq;
	s->bss->st.oldest = s->bss->st.seq;
	s->bss->st.inflight = 0;
	s->bss->st.max_inflight = 0;
	err = lgx_percpu_zero(s->maps.lgx_cnt, x->ncpu);
	if (!err)
		err = lgx_percpu_zero(s->maps.lgx_hist, x->ncpu);
	if (!err)
		err = lgx_percpu_zero(s->maps.lgx_hsum, x->ncpu);
	return err;
}

/* The program's own cost per request (test-run, no device): what the engine can build. */
static double build_cost(struct lg_xdp *x)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = x->frame.b,
		    .data_size_in = (__u32)x->frame.in_len, .repeat = CALIBRATE);
	struct lgx_cfg *c = &x->skel->bss->cfg;
	__u32 mode = c->mode;
	double ns = 0;

	c->mode = LGX_FLOOD;
	c->armed = 1;
	if (!bpf_prog_test_run_opts(bpf_program__fd(x->skel->progs.olab_lgx_tx), &t))
		ns = t.duration;
	c->armed = 0;
	c->mode = mode;
	return ns;
}

static int run_setup(struct lg_xdp *x, const struct lg_opts *o, struct lgx_addrs *a, char *why,
		     size_t whylen)
{
	const struct sockaddr_in *dst = (const struct sockaddr_in *)&o->dst;
	const struct sockaddr_in *src = (const struct sockaddr_in *)&o->src;
	char dev[16];
	uint32_t srcip = 0, hop = 0;
	int err;

	if (o->l4 != LG_UDP || o->dst.ss_family != AF_INET) {
		snprintf(why, whylen, "the XDP engine sends UDP over IPv4 only");
		return -EINVAL;
	}
	memset(a, 0, sizeof(*a));
	a->dst_ip = dst->sin_addr.s_addr;
	a->dst_port = dst->sin_port;
	err = lgx_route(a->dst_ip, dev, &srcip, &hop);
	if (err) {
		snprintf(why, whylen, "no route to the server: %s", strerror(-err));
		return err;
	}
	if (strcmp(dev, x->ifname)) {
		snprintf(why, whylen, "the route to the server leaves by %s, not %s", dev,
			 x->ifname);
		return -ENETUNREACH;
	}
	a->src_ip = o->srclen && src->sin_addr.s_addr ? src->sin_addr.s_addr : srcip;
	a->src_port = o->srclen ? src->sin_port : 0;
	memcpy(a->src_mac, x->mac, 6);
	if (x->have_dst_mac)
		memcpy(a->dst_mac, x->dst_mac, 6);
	else if ((err = lgx_neigh_mac(x->ifname, hop, a->dst_mac))) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &hop, ip, sizeof(ip));
		snprintf(why, whylen,
			 "no MAC address for the next hop %s on %s (%s): it did not answer ARP; "
			 "give it one: ip neigh replace %s lladdr MAC dev %s",
			 ip, x->ifname, strerror(-err), ip, x->ifname);
		return err;
	}
	return 0;
}

/* Hold the source port (a socket bound to it, which never sees a reply): 0 picks one. */
static int reserve_port(struct lgx_addrs *a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = a->src_port,
				  .sin_addr.s_addr = a->src_ip };
	socklen_t sl = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		int err = -errno;

		close(fd);
		return err;
	}
	a->src_port = sa.sin_port;
	return fd;
}

/*
 * Where pass c of collect_hist adds class c % LGX_CLASSES: with classes, each into its own
 * (the first LGX_CLASSES passes) and every one into lat as well (the next); else class 0 into
 * lat and class 1 into lat_alt.
 */
static struct stats_hist *hist_for(struct lg_result *r, int c)
{
	if (r->lat_cls) {
		if (c >= LGX_CLASSES)
			return r->lat;
		return (unsigned int)c < r->nclasses ? &r->lat_cls[c] : NULL;
	}
	return c == 0 ? r->lat : c == 1 ? r->lat_alt : NULL;
}

static void collect_hist(struct lg_xdp *x, struct lg_result *r)
{
	uint64_t *b = lgx_percpu_read(x->skel->maps.lgx_hist, x->ncpu);
	struct lgx_hsum *h = lgx_percpu_read(x->skel->maps.lgx_hsum, x->ncpu);
	int c, cpu;
	size_t i;

	for (c = 0; b && h && c < 2 * LGX_CLASSES; c++) {
		struct stats_hist *t = hist_for(r, c);
		int k = c % LGX_CLASSES;

		if (!t)
			continue;
		for (i = 0; i < STATS_HIST_BUCKETS; i++)
			for (cpu = 0; cpu < x->ncpu; cpu++)
				t->count[i] +=
					b[((size_t)k * STATS_HIST_BUCKETS + i) * (size_t)x->ncpu +
					  (size_t)cpu];
		for (cpu = 0; cpu < x->ncpu; cpu++) {
			const struct lgx_hsum *s = &h[(size_t)k * (size_t)x->ncpu + (size_t)cpu];

			if (!s->n)
				continue;
			if (s->min < t->min)
				t->min = s->min;
			if (s->max > t->max)
				t->max = s->max;
			t->n += s->n;
			t->sum += (double)s->sum;
		}
	}
	free(b);
	free(h);
}

static void collect(struct lg_xdp *x, const struct lg_opts *o, struct lg_result *r)
{
	uint64_t c[LGX_NCOUNTERS] = { 0 };
	__u32 i;

	for (i = 0; i < LGX_NCOUNTERS; i++)
		bpfu_percpu_sum(bpf_map__fd(x->skel->maps.lgx_cnt), i, &c[i]);
	snprintf(r->x.dev, sizeof(r->x.dev), "%s", x->ifname);
	log_debug("xdp engine on %s: built %llu, answered %llu + %llu, unmatched %llu, late %llu, "
		  "partial %llu, expired %llu, hits %llu, misses %llu, device took %llu, refused "
		  "%llu, window full %llu",
		  x->ifname, (unsigned long long)c[LGX_BUILT], (unsigned long long)c[LGX_ANSWERED],
		  (unsigned long long)c[LGX_ANSWERED_ALT], (unsigned long long)c[LGX_UNMATCHED],
		  (unsigned long long)c[LGX_LATE], (unsigned long long)c[LGX_PARTIAL],
		  (unsigned long long)c[LGX_EXPIRED], (unsigned long long)c[LGX_HITS],
		  (unsigned long long)c[LGX_MISSES], (unsigned long long)c[LGX_XMIT_SENT],
		  (unsigned long long)c[LGX_XMIT_DROPS], (unsigned long long)c[LGX_WINDOW_FULL]);
	r->x.built = c[LGX_BUILT];
	r->x.xmit_counted = x->xmit != NULL;
	r->x.not_sent = x->xmit ? c[LGX_XMIT_DROPS] : 0;
	r->x.not_due = c[LGX_NOT_DUE];
	r->x.window_full = c[LGX_WINDOW_FULL];
	r->x.unmatched = c[LGX_UNMATCHED];
	r->x.late_replies = c[LGX_LATE];
	r->x.max_inflight = x->skel->bss->st.max_inflight;
	r->sent = r->x.built > r->x.not_sent ? r->x.built - r->x.not_sent : 0;
	r->received = c[LGX_ANSWERED] + c[LGX_ANSWERED_ALT];
	r->lost = o->app->kind == LG_KIND_SINK || r->sent < r->received ? 0 : r->sent - r->received;
	r->bad = c[LGX_UNMATCHED];
	r->late = c[LGX_LATE_SEND];
	if (o->app->kind == LG_KIND_MC) {
		struct lg_mc *mc = o->app->ctx;

		mc->hits += c[LGX_HITS];
		mc->misses += c[LGX_MISSES];
	}
	collect_hist(x, r);
}

/* Build requests until the run's time or count is up (or stop); returns -errno or 0. */
static int transmit(struct lg_xdp *x, const struct lg_opts *o, uint64_t end, unsigned int batch)
{
	struct xdp_md md = { .data_end = (__u32)x->frame.in_len,
			     .ingress_ifindex = (__u32)x->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = x->frame.b,
		    .data_size_in = (__u32)x->frame.in_len, .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = batch);
	int fd = bpf_program__fd(x->skel->progs.olab_lgx_tx);
	const struct lgx_state *st = &x->skel->bss->st;
	uint64_t rep = REP_MIN, now = bpfu_now_ns();

	while (now < end && !(o->stop && *o->stop) &&
	       !(o->count && st->seq - st->seq0 >= o->count)) {
		uint64_t t0 = now, next;

		t.repeat = (__u32)(rep - rep % batch);
		if (bpf_prog_test_run_opts(fd, &t) && errno != EINTR)
			return log_errno(-errno,
					 "run the XDP engine's transmit program on %s "
					 "(BPF_F_TEST_XDP_LIVE_FRAMES)",
					 x->ifname);
		now = bpfu_now_ns();
		/* toward CALL_NS a call, by at most a factor of two: one slow set-up is no trend */
		next = now > t0 ? rep * CALL_NS / (now - t0) : rep * 2;
		next = next < rep / 2 ? rep / 2 : next > rep * 2 ? rep * 2 : next;
		rep = next < REP_MIN ? REP_MIN : next > REP_MAX ? REP_MAX : next;
	}
	return 0;
}

/* raw: the table and the draw into the maps, the block of source ports (*base). */
static int raw_setup(struct lg_xdp *x, const struct lg_opts *o, struct lgx_addrs *a, uint16_t *base,
		     char *why, size_t whylen)
{
	const struct lg_raw *t = o->app->raw;
	int err;

	if (!t || t->n > x->max_raw) {
		snprintf(why, whylen, "%u distinct requests: the XDP engine was opened for %u",
			 t ? t->n : 0, x->max_raw);
		return -E2BIG;
	}
	if (o->mode == LG_CLOSED && o->outstanding > LGX_RAW_PORTS) {
		snprintf(why, whylen, "a window of %u: raw requests take one port each, %d at most",
			 o->outstanding, LGX_RAW_PORTS);
		return -EINVAL;
	}
	err = lgx_raw_ports(LGX_RAW_PORTS, base, why, whylen);
	if (!err)
		err = lgx_raw_fill(x->raw, x->pick, &x->frame, a, t, o->app->nclasses > 0,
				   x->ifname, why, whylen);
	return err;
}

static int run(struct lg_xdp *x, const struct lg_opts *o, struct lg_result *r, char *why,
	       size_t whylen)
{
	struct lgx_cfg *c = &x->skel->bss->cfg;
	unsigned int batch = o->batch ? o->batch : 64;
	bool raw = o->app->kind == LG_KIND_RAW;
	uint64_t start, end_send, end_all;
	struct lgx_addrs a;
	int err, port_fd = -1, mtu;
	uint16_t base = 0;

	if (batch > MAX_BATCH)
		batch = MAX_BATCH;
	r->batch = batch;
	err = run_setup(x, o, &a, why, whylen);
	if (!err && raw)
		err = raw_setup(x, o, &a, &base, why, whylen);
	if (!err && !raw) {
		port_fd = reserve_port(&a);
		err = port_fd < 0 ? port_fd : 0;
	}
	if (!err && !raw)
		err = lgx_frame_build(&x->frame, &a, o->app, why, whylen);
	if (err)
		goto out;
	mtu = lgx_dev_mtu(x->ifname);
	if (mtu > 0 && x->frame.len - 14 > (size_t)mtu) {
		snprintf(why, whylen, "a %zu-byte frame is over %s's MTU (%d)", x->frame.len,
			 x->ifname, mtu);
		err = -EMSGSIZE;
		goto out;
	}
	err = lg_xdp_can_xmit(x, why, whylen);
	if (err)
		goto out;
	memset(c, 0, sizeof(*c));
	memcpy(x->tmpl->b, x->frame.b, x->frame.head);
	c->kind = o->app->kind == LG_KIND_MC	 ? LGX_MC
		  : o->app->kind == LG_KIND_SINK ? LGX_SINK
		  : raw				 ? LGX_RAW
						 : LGX_ECHO;
	c->slot_mask = raw ? LGX_RAW_PORTS - 1 : LGX_IDS - 1;
	c->port_base = base;
	c->head_len = (__u32)x->frame.head;
	c->id_off = x->frame.id_off;
	c->key_off = x->frame.key_off;
	c->key_w = x->frame.key_w;
	c->multi = x->frame.multi;
	if (c->kind == LGX_MC) {
		const struct lg_mc *mc = o->app->ctx;

		err = lgx_keys_fill(x->keys, x->max_keys, mc, &x->frame, c, why, whylen);
		if (err)
			goto out;
		if (mc->pick)
			lgx_pick_store(x->pick, mc->pick);
		c->zipf = mc->pick != NULL;
	}
	c->timeout_ns = o->timeout_ns ? o->timeout_ns : 100000000ULL;
	c->window = o->outstanding ? o->outstanding : 1;
	c->ifindex = (__u32)x->ifindex;
	c->netns = x->netns;
	c->saddr = a.src_ip;
	c->sport = a.src_port;
	c->dport = a.dst_port;
	err = state_reset(x);
	if (!err) {
		r->x.build_ns = build_cost(x);
		err = state_reset(x);
	}
	if (err)
		goto out;
	if ((o->mode == LG_FIXED || o->mode == LG_POISSON) &&
	    (!(o->rate > 0) || (r->x.build_ns > 0 && o->rate > 1e9 / r->x.build_ns))) {
		snprintf(why, whylen,
			 "a rate of %.0f req/s: the XDP engine builds at most %.0f of these "
			 "requests a second here (%.0f ns each by test-run, the program alone)",
			 o->rate, r->x.build_ns > 0 ? 1e9 / r->x.build_ns : 0, r->x.build_ns);
		err = -ERANGE;
		goto out;
	}
	c->mode = o->mode == LG_CLOSED	  ? LGX_CLOSED
		  : o->mode == LG_FIXED	  ? LGX_FIXED
		  : o->mode == LG_POISSON ? LGX_POISSON
					  : LGX_FLOOD;
	c->count = o->count;
	if (o->mode == LG_FIXED)
		c->gap_ns = (__u64)(1e9 / o->rate);
	if (o->mode == LG_POISSON)
		lgx_gaps_fill(x->gaps, 1e9 / o->rate);
	if (o->cpu >= 0)
		cpu_pin_self(o->cpu);
	start = bpfu_now_ns();
	end_send = start + o->duration_ns;
	c->record_from = start + o->warmup_ns;
	c->end_ns = end_send;
	x->skel->bss->st.next_due = start;
	__atomic_store_n(&c->armed, 1, __ATOMIC_SEQ_CST);
	err = transmit(x, o, end_send, batch);
	__atomic_store_n(&c->armed, 0, __ATOMIC_SEQ_CST);
	end_send = bpfu_now_ns() < end_send ? bpfu_now_ns() : end_send;
	/* the replies still on their way, up to the timeout */
	end_all = bpfu_now_ns() + c->timeout_ns;
	while (c->kind != LGX_SINK &&
	       __atomic_load_n(&x->skel->bss->st.inflight, __ATOMIC_SEQ_CST) &&
	       bpfu_now_ns() < end_all && !(o->stop && *o->stop))
		usleep(50);
	r->elapsed_s = (double)(bpfu_now_ns() - start) / 1e9;
	if (!err) {
		double active = (double)(end_send - start) / 1e9;

		collect(x, o, r);
		r->achieved_rps = active > 0 ? (double)r->received / active : 0;
		/* what it built and handed to the device, refused or not: its offer */
		r->offered_rps = active > 0 ? (double)r->x.built / active : 0;
	}
out:
	/*
	 * Replies are ours only during a run: another run from this port (the socket engine's)
	 * must get its own. Late ones now reach the stack, which nothing there holds.
	 */
	__atomic_store_n(&c->kind, 0, __ATOMIC_SEQ_CST);
	if (port_fd >= 0)
		close(port_fd);
	return err;
}

int lg_xdp_run(struct lg_xdp *x, const struct lg_opts *o, struct lg_result *r)
{
	const struct sockaddr_in *dst = (const struct sockaddr_in *)&o->dst;
	struct lg_xdp *own = NULL;
	char why[320] = "";
	int err;

	memset(r, 0, sizeof(*r));
	r->engine = LG_ENGINE_XDP;
	if (!x) {
		struct lg_xdp_dev d = { .ifname = o->ifname, .napi_cpu = o->cpu };
		char dev[16];
		uint32_t src, hop;

		/* the device of the route to the server, when none is named */
		if (!o->ifname[0] && o->dst.ss_family == AF_INET &&
		    !lgx_route(dst->sin_addr.s_addr, dev, &src, &hop))
			d.ifname = dev;
		err = lg_xdp_open(&d, &own, why, sizeof(why));
		if (err)
			goto out;
		x = own;
	}
	r->lat = malloc(sizeof(*r->lat));
	if (o->app->classify && !o->app->nclasses)
		r->lat_alt = malloc(sizeof(*r->lat_alt));
	if (!r->lat || (o->app->classify && !o->app->nclasses && !r->lat_alt)) {
		err = -ENOMEM;
		goto out;
	}
	err = lg_result_classes(r, o->app);
	if (err)
		goto out;
	stats_hist_init(r->lat);
	if (r->lat_alt)
		stats_hist_init(r->lat_alt);
	err = run(x, o, r, why, sizeof(why));
out:
	lg_xdp_close(own);
	if (err) {
		if (why[0])
			fprintf(stderr, "offloadlab: the XDP load generator: %s\n", why);
		lg_result_free(r);
	}
	return err;
}
