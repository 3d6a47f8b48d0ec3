// SPDX-License-Identifier: GPL-2.0
/* hooks: the time for a packet to reach each hook and the socket, stamped per packet. */
#include <errno.h>
#include <math.h>
#include <linux/btf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "exp/hooks/hooks.h"
#include "exp/hooks/hooks_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "testbed/testbed.h"
#include "hooks.skel.h"
#include "lib/util.h"

#include "exp/hooks/hooks_int.h"

/* ---- the live path ---- */

static ssize_t rx_read(struct rx_ctx *c, unsigned char *buf, size_t len, uint64_t deadline)
{
	size_t got = 0;

	/* TCP is a stream: a message may arrive in pieces */
	while (got < len) {
		ssize_t n;

		if (atomic_load(&c->stop) || bpfu_now_ns() > deadline)
			return got ? (ssize_t)got : -ETIMEDOUT;
		/*
		 * A sleeping reader waits in poll() and then reads without blocking, with or
		 * without a sockmap (a blocking read on a sockmap socket can miss the wake-up),
		 * so both variants pay the same wake-up.
		 */
		if (c->mode == RX_SLEEP) {
			struct pollfd p = { .fd = c->fd, .events = POLLIN };

			if (poll(&p, 1, 50) <= 0)
				continue;
		}
		n = recv(c->fd, buf + got, len - got, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		got += (size_t)n;
		if (c->proto == P_UDP)
			break;
	}
	return (ssize_t)got;
}

void *rx_thread(void *arg)
{
	struct rx_ctx *c = arg;
	unsigned char buf[MSG_LEN];
	int i;

	cpu_pin_self(c->cpu);
	for (i = 0; i < c->n && !atomic_load(&c->stop); i++) {
		struct hooks_probe p;
		ssize_t n = rx_read(c, buf, sizeof(buf), bpfu_now_ns() + 5 * WAIT_NS);
		uint64_t now = bpfu_now_ns();

		if (n == -ETIMEDOUT) {
			i--;
			continue;
		}
		if (n < (ssize_t)sizeof(p)) {
			c->err = n < 0 ? (int)n : -EPROTO;
			break;
		}
		memcpy(&p, buf, sizeof(p));
		if (!c->t_user || p.magic != HOOKS_MAGIC || p.seq >= (uint32_t)c->n)
			continue;
		c->t_user[p.seq] = now;
		atomic_store(&c->done_seq, (int)p.seq);
		atomic_fetch_add(&c->got, 1);
	}
	return NULL;
}

void path_close(struct hooks_bpf *skel, struct path *p)
{
	__u32 key = 0;

	if (p->in_map)
		bpf_map_delete_elem(bpf_map__fd(skel->maps.socks), &key);
	if (p->verdict_type)
		bpf_prog_detach2(p->verdict_fd, bpf_map__fd(skel->maps.socks), p->verdict_type);
	if (p->tx >= 0)
		close(p->tx);
	if (p->rx >= 0)
		close(p->rx);
	if (p->lfd >= 0)
		close(p->lfd);
	p->tx = p->rx = p->lfd = -1;
	p->in_map = false;
	p->verdict_type = 0;
}

/*
 * The verdict program on the sockmap, then the receiving socket in it: attached before the
 * socket is inserted, inserted before the first byte is sent (data queued earlier is never
 * seen by the verdict).
 */
int path_verdict(struct hooks_bpf *skel, struct path *p, enum proto proto,
		 struct bpf_program *verdict)
{
	int map_fd = bpf_map__fd(skel->maps.socks), rx = p->rx;
	__u32 key = 0;

	/* UDP needs the plain verdict hook; TCP uses the stream one, as the paper did */
	p->verdict_type = proto == P_UDP ? BPF_SK_SKB_VERDICT : BPF_SK_SKB_STREAM_VERDICT;
	p->verdict_fd = bpf_program__fd(verdict);
	if (bpf_prog_attach(p->verdict_fd, map_fd, p->verdict_type, 0)) {
		p->verdict_type = 0;
		return log_errno(-errno, "attach the sk_skb verdict program to the sockmap");
	}
	if (bpf_map_update_elem(map_fd, &key, &rx, BPF_ANY))
		return log_errno(-errno, "insert the %s socket into the sockmap",
				 proto_name[proto]);
	p->in_map = true;
	return 0;
}

/* The receiving end in the dut: a bound UDP socket (p->rx) or a listening TCP one (p->lfd). */
int path_listen(const struct tb *tb, enum proto proto, struct path *p)
{
	struct sockaddr_in dut = { .sin_family = AF_INET, .sin_port = htons(HOOKS_PORT) };
	int one = 1, err;

	p->tx = p->rx = p->lfd = -1;
	p->in_map = false;
	p->verdict_type = 0;
	dut.sin_addr.s_addr = tb->dut.addr;
	err = tb_enter(tb, TB_DUT);
	if (err)
		return err;
	p->lfd = socket(AF_INET, (proto == P_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (p->lfd < 0) {
		err = log_errno(-errno, "create a %s socket in the dut", proto_name[proto]);
		goto out;
	}
	setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(p->lfd, (struct sockaddr *)&dut, sizeof(dut)) ||
	    (proto == P_TCP && listen(p->lfd, 4))) {
		err = log_errno(-errno, "bind %s:%d in the dut", tb->dut.ip, HOOKS_PORT);
		goto out;
	}
	if (proto == P_UDP) {
		p->rx = p->lfd;
		p->lfd = -1;
	}
out:
	tb_leave(tb);
	return err;
}

/* The sending end in the generator, connected to the dut's port (TCP without Nagle). */
int path_connect(const struct tb *tb, enum proto proto, int *fd)
{
	struct sockaddr_in dut = { .sin_family = AF_INET, .sin_port = htons(HOOKS_PORT) };
	int one = 1, err;

	dut.sin_addr.s_addr = tb->dut.addr;
	err = tb_enter(tb, TB_GEN);
	if (err)
		return err;
	*fd = socket(AF_INET, (proto == P_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (*fd < 0 || connect(*fd, (struct sockaddr *)&dut, sizeof(dut)))
		err = log_errno(-errno, "connect to %s:%d from the generator", tb->dut.ip,
				HOOKS_PORT);
	else if (proto == P_TCP)
		setsockopt(*fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	tb_leave(tb);
	return err;
}

/* Sockets for one variant: rx in the dut, tx in the generator, and the verdict program. */
int path_open(struct hooks_bpf *skel, const struct tb *tb, enum proto proto,
	      struct bpf_program *verdict, struct path *p)
{
	int err = path_listen(tb, proto, p);

	if (!err)
		err = path_connect(tb, proto, &p->tx);
	if (!err && proto == P_TCP) {
		p->rx = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (p->rx < 0)
			err = log_errno(-errno, "accept the generator's connection");
	}
	if (!err && verdict)
		err = path_verdict(skel, p, proto, verdict);
	if (err)
		path_close(skel, p);
	return err;
}

void clear_slots(int map_fd, int n)
{
	struct hooks_slot zero;
	__u32 k;

	memset(&zero, 0, sizeof(zero));
	for (k = 0; k < (__u32)n && k < HOOKS_SLOTS; k++)
		bpf_map_update_elem(map_fd, &k, &zero, BPF_ANY);
}

/* Send n probes one at a time, each after the previous one reached the receiver. */
static int ping(const struct tb *tb, struct path *p, enum proto proto, enum rxmode mode, int n,
		uint64_t *t_send, uint64_t *t_user, int *lost)
{
	struct rx_ctx c = { .fd = p->rx,
			    .proto = proto,
			    .mode = mode,
			    .cpu = tb->dut_cpu,
			    .n = n,
			    .t_user = t_user };
	unsigned char msg[MSG_LEN];
	pthread_t th;
	int i, err = 0;

	atomic_store(&c.done_seq, -1);
	atomic_store(&c.stop, false);
	memset(msg, 0, sizeof(msg));
	err = -pthread_create(&th, NULL, rx_thread, &c);
	if (err)
		return log_errno(err, "start the receiver thread");
	cpu_pin_self(tb->gen_cpu);
	*lost = 0;
	for (i = 0; i < n; i++) {
		struct hooks_probe pr = { .magic = HOOKS_MAGIC, .seq = (__u32)i };
		uint64_t deadline;

		pr.send_ns = bpfu_now_ns();
		memcpy(msg, &pr, sizeof(pr));
		t_send[i] = pr.send_ns;
		if (send(p->tx, msg, sizeof(msg), 0) != (ssize_t)sizeof(msg)) {
			err = log_errno(-errno, "send probe %d", i);
			break;
		}
		deadline = bpfu_now_ns() + WAIT_NS;
		while (atomic_load(&c.done_seq) < i && bpfu_now_ns() < deadline)
			;
		if (atomic_load(&c.done_seq) < i)
			(*lost)++;
		if (*lost > n / 10 + 10) {
			err = -ETIMEDOUT;
			log_info("more than 10 %% of probes never reached the receiver; giving up");
			break;
		}
	}
	atomic_store(&c.stop, true);
	pthread_join(th, NULL);
	if (!err && c.err)
		err = log_errno(c.err, "receive probes");
	return err;
}

/* Where a variant's metrics go: its protocol, reader mode, and the probes asked for. */
struct vout {
	struct result *r;
	enum proto proto;
	enum rxmode mode;
	int wanted;
};

/*
 * One metric of the variant: sp's id ("reach.tc") and label get the variant appended; its
 * samples, or unavailable with why_empty when there are none.
 */
static struct metric *emit(const struct vout *v, const struct metric_spec *sp,
			   struct stats_samples *s, const char *why_empty)
{
	struct metric_spec full = *sp;
	char id[96], label[96];
	struct metric *m;

	snprintf(id, sizeof(id), "hooks.%s.%s.%s", sp->id, proto_name[v->proto],
		 rxmode_name[v->mode]);
	snprintf(label, sizeof(label), "%s (%s, %s rx)", sp->label, proto_name[v->proto],
		 rxmode_name[v->mode]);
	full.id = id;
	full.label = label;
	m = result_add_spec(v->r, &full);
	if (!m)
		return NULL;
	metric_set_samples(m, s, (size_t)v->wanted);
	if (!s->n)
		metric_unavailable(m, "%s",
				   why_empty && why_empty[0]
					   ? why_empty
					   : "no packet was stamped at this hook on this kernel");
	return m;
}

/* Per hook: its metric key, its label, the paper's reach value, and when it applies. */
static const struct {
	const char *key, *label;
	double paper;
	bool plain, skskb; /* reported for the variant without / with a verdict program */
} hook_rows[HP_MAX] = {
	[HP_XDP] = { "xdp", "XDP", -1, false, false },
	[HP_NRS] = { "nrs", "netif_receive_skb", -1, true, false },
	[HP_TC] = { "tc", "TC ingress", PAPER_REACH_TC, true, false },
	[HP_SDR] = { "sdr", "sk_data_ready", -1, true, false },
	[HP_SKSKB] = { "skskb", "the SK_SKB verdict", PAPER_REACH_SKSKB, false, true },
};

static const char *hook_why_empty(const struct caps *caps, int hp)
{
	if (hp == HP_NRS)
		return caps->why_nrs;
	if (hp == HP_SDR)
		return caps->why_sdr;
	return NULL;
}

void reach_samples_init(struct reach_samples *s)
{
	int h;

	for (h = 0; h < HP_MAX; h++) {
		stats_samples_init(&s->from_xdp[h]);
		stats_samples_init(&s->from_send[h]);
	}
	stats_samples_init(&s->sock);
	stats_samples_init(&s->lat);
	stats_samples_init(&s->prep);
}

void reach_samples_free(struct reach_samples *s)
{
	int h;

	for (h = 0; h < HP_MAX; h++) {
		stats_samples_free(&s->from_xdp[h]);
		stats_samples_free(&s->from_send[h]);
	}
	stats_samples_free(&s->sock);
	stats_samples_free(&s->lat);
	stats_samples_free(&s->prep);
}

int hooks_row_read(int map_fd, int seq, const uint64_t *t_user, struct hooks_row *row,
		   uint64_t *t_xdp)
{
	struct hooks_slot s;
	__u32 k = (__u32)seq % HOOKS_SLOTS, want = (__u32)seq + 1;
	int h;

	if (bpf_map_lookup_elem(map_fd, &k, &s) || s.seq1[HP_XDP] != want)
		return -ENOENT;
	for (h = 0; h < HP_MAX; h++)
		row->d[h] = s.seq1[h] == want ? (int64_t)(s.t[h] - s.t[HP_XDP]) : -1;
	row->user = t_user && t_user[seq] ? (int64_t)t_user[seq] - (int64_t)s.t[HP_XDP] : -1;
	*t_xdp = s.t[HP_XDP];
	return 0;
}

void reach_add(struct reach_samples *s, const struct hooks_row *row, double xdp_after_send)
{
	bool sent = !isnan(xdp_after_send);
	int h;

	for (h = 0; h < HP_MAX; h++) {
		if (row->d[h] < 0)
			continue;
		stats_samples_add(&s->from_xdp[h], (double)row->d[h]);
		if (sent)
			stats_samples_add(&s->from_send[h], (double)row->d[h] + xdp_after_send);
	}
	if (row->d[HP_SKSKB] >= 0 && row->d[HP_SDR] >= 0)
		stats_samples_add(&s->prep, (double)(row->d[HP_SKSKB] - row->d[HP_SDR]));
	if (row->user >= 0) {
		stats_samples_add(&s->sock, (double)row->user);
		if (sent)
			stats_samples_add(&s->lat, (double)row->user + xdp_after_send);
	}
}

void reach_report(struct result *r, const struct caps *caps, enum proto proto, enum rxmode mode,
		  bool skskb, struct reach_samples *s, int wanted, const char *why,
		  const char *why_send)
{
	const struct vout v = { r, proto, mode, wanted };
	char what[64], label[96];
	int h;

	if (skskb && proto == P_UDP && !why[0] && s->from_xdp[HP_SKSKB].n < s->sock.n / 2)
		result_note(r,
			    "udp/%s with sk_skb: only %zu of %zu datagrams met the verdict: the "
			    "reader dequeued them from the receive queue before the sockmap's "
			    "data-ready callback ran (a race of this kernel, not a lost packet)",
			    rxmode_name[mode], s->from_xdp[HP_SKSKB].n, s->sock.n);
	for (h = 0; h < HP_MAX; h++) {
		const char *hw = why[0] ? why : hook_why_empty(caps, h);
		struct metric_spec sp = {
			.id = what, .label = label, .unit = "ns", .method = METHOD_LIVE
		};

		if (!(skskb ? hook_rows[h].skskb : hook_rows[h].plain))
			continue;
		snprintf(what, sizeof(what), "reach.%s", hook_rows[h].key);
		snprintf(label, sizeof(label), "reach %s (from XDP)", hook_rows[h].label);
		if (hook_rows[h].paper >= 0) {
			sp.paper = hook_rows[h].paper;
			sp.ref = "Table 1";
		}
		emit(&v, &sp, &s->from_xdp[h], hw);
		snprintf(what, sizeof(what), "from_send.%s", hook_rows[h].key);
		snprintf(label, sizeof(label), "send() -> %s", hook_rows[h].label);
		sp.ref = NULL;
		emit(&v, &sp, &s->from_send[h], why_send ? why_send : hw);
	}
	if (!skskb) {
		static const struct metric_spec from_send = { .id = "from_send.xdp",
							      .label = "send() -> XDP",
							      .unit = "ns",
							      .method = METHOD_LIVE };
		static const struct metric_spec socket = {
			.id = "reach.socket",
			.label = "reach the socket reader (from XDP)",
			.unit = "ns",
			.method = METHOD_LIVE,
			.paper = PAPER_REACH_SOCKET,
			.ref = "Table 1"
		};
		static const struct metric_spec lat = { .id = "recv_latency",
							.label = "send() -> recv() returns",
							.unit = "ns",
							.method = METHOD_LIVE };

		emit(&v, &from_send, &s->from_send[HP_XDP], why_send);
		if (mode == RX_SLEEP)
			metric_note(emit(&v, &socket, &s->sock, NULL),
				    "includes waking the reader on another CPU");
		else
			emit(&v, &socket, &s->sock, NULL);
		emit(&v, &lat, &s->lat, why_send);
	} else {
		static const struct metric_spec prep = {
			.id = "prep.skskb.live",
			.label = "SK_SKB preparation: sk_data_ready -> verdict",
			.unit = "ns",
			.method = METHOD_LIVE,
			.paper = PAPER_PREP_SKSKB,
			.ref = "Table 1"
		};
		static const struct metric_spec socket = {
			.id = "reach.socket_skskb",
			.label = "reach the socket reader via SK_SKB (from XDP)",
			.unit = "ns",
			.method = METHOD_LIVE
		};
		static const struct metric_spec lat = {
			.id = "recv_latency_skskb",
			.label = "send() -> recv() returns, with SK_SKB",
			.unit = "ns",
			.method = METHOD_LIVE
		};

		metric_note(
			emit(&v, &prep, &s->prep, why[0] ? why : caps->why_sdr),
			"time from the data-ready callback to the verdict program's first insn");
		emit(&v, &socket, &s->sock, why);
		emit(&v, &lat, &s->lat, why_send ? why_send : why);
	}
}

/*
 * One variant (protocol x reader x verdict program): n probes, then per hook the time from
 * XDP (the paper's origin) and from send(), the socket reader's time, and SK_SKB preparation.
 * lat_keep gets the send -> recv latencies, verdict_seen how many met the verdict.
 */
static int reach_variant(struct hooks_bpf *skel, const struct caps *caps, const struct tb *tb,
			 enum proto proto, enum rxmode mode, bool skskb, int n, struct result *r,
			 struct stats_samples *lat_keep, size_t *verdict_seen)
{
	int map_fd = bpf_map__fd(skel->maps.stamps), err, lost = 0, i;
	uint64_t *t_send = calloc((size_t)n, sizeof(uint64_t));
	uint64_t *t_user = calloc((size_t)n, sizeof(uint64_t));
	struct path p = { .tx = -1, .rx = -1, .lfd = -1 };
	struct reach_samples s;
	char why[128] = "";
	size_t j;

	reach_samples_init(&s);
	if (!t_send || !t_user) {
		err = -ENOMEM;
		goto out;
	}
	clear_slots(map_fd, n);
	err = path_open(skel, tb, proto, skskb ? skel->progs.olab_hooks_skskb_stamp : NULL, &p);
	if (err && skskb) {
		/* a kernel whose sockmap refuses this socket: say so, measure the rest */
		snprintf(why, sizeof(why), "the sockmap refused a %s socket here: %s",
			 proto_name[proto], strerror(-err));
		err = 0;
		goto report;
	}
	if (err)
		goto out;
	err = ping(tb, &p, proto, mode, n, t_send, t_user, &lost);
	path_close(skel, &p);
	if (err)
		goto out;
	for (i = WARMUP; i < n; i++) {
		struct hooks_row row;
		uint64_t x;

		if (!hooks_row_read(map_fd, i, t_user, &row, &x))
			reach_add(&s, &row, (double)x - (double)t_send[i]);
	}
	for (j = 0; j < s.lat.n; j++)
		stats_samples_add(lat_keep, s.lat.v[j]);
	*verdict_seen = s.from_xdp[HP_SKSKB].n;
	if (lost)
		result_note(r, "%s/%s%s: %d of %d probes did not reach the receiver in time",
			    proto_name[proto], rxmode_name[mode], skskb ? "/sk_skb" : "", lost, n);
report:
	reach_report(r, caps, proto, mode, skskb, &s, n - WARMUP, why, NULL);
out:
	reach_samples_free(&s);
	free(t_send);
	free(t_user);
	return err;
}

/*
 * What an SK_SKB verdict program adds to a socket's receive latency: the difference of the
 * median send->recv latency with and without it, bootstrapped (the runs are not paired).
 */
void skskb_added(struct result *r, enum proto proto, enum rxmode mode,
		 const struct stats_samples *plain, const struct stats_samples *with,
		 size_t verdict_seen, bool from_xdp)
{
	struct stats_samples d;
	struct metric *m;

	m = result_addf(r, "ns", METHOD_MODEL, "hooks.skskb_added.%s.%s", proto_name[proto],
			rxmode_name[mode]);
	metric_label(m, "latency SK_SKB adds to recv (%s, %s rx)", proto_name[proto],
		     rxmode_name[mode]);
	if (!m)
		return;
	metric_set_paper(m, PAPER_PREP_SKSKB, "Table 1");
	stats_samples_init(&d);
	if (verdict_seen < with->n / 2) {
		metric_unavailable(m,
				   "the verdict saw %zu of %zu packets: the reader raced it (see "
				   "notes), so the difference would not be SK_SKB's cost",
				   verdict_seen, with->n);
	} else if (stats_bootstrap_median_diff(plain->v, plain->n, with->v, with->n, 200, 1, &d)) {
		metric_unavailable(m, "no latency samples to compare");
	} else {
		struct stats_summary sa, sb;
		struct stats_samples ca = *plain, cb = *with;

		metric_set_samples(m, &d, 0);
		/* a bootstrap of a bimodal median looks tight but is not: carry the flag over */
		stats_samples_summary(&ca, &sa);
		stats_samples_summary(&cb, &sb);
		if (stats_too_wide(&sa, 0.5) || stats_too_wide(&sb, 0.5))
			m->flags |= METRIC_WIDE;
		metric_note(m,
			    "median(with) - median(without) of %s, over 200 bootstrap resamples "
			    "of %zu and %zu probes; n is resamples",
			    from_xdp ? "XDP -> recv() on the server (two hosts' clocks do not meet)"
				     : "send() -> recv()",
			    with->n, plain->n);
	}
	stats_samples_free(&d);
}

int live_reach(struct hooks_bpf *skel, const struct caps *caps, const struct tb *tb,
	       const struct run_opts *o, struct result *r)
{
	struct bpf_link *nrs = NULL, *sdr = NULL;
	int n = (int)(o->samples ? o->samples : o->quick ? 1000 : 5000) + WARMUP;
	struct stats_samples lat[2][2][2]; /* [proto][sk_skb][mode] */
	size_t seen[2][2][2] = { { { 0 } } };
	struct attached a;
	int err, proto, mode, sk;

	for (proto = 0; proto < 2; proto++)
		for (sk = 0; sk < 2; sk++)
			for (mode = 0; mode < 2; mode++)
				stats_samples_init(&lat[proto][sk][mode]);

	if (n > HOOKS_SLOTS)
		n = HOOKS_SLOTS;
	err = attach_dut(tb, skel->progs.olab_hooks_xdp_stamp, skel->progs.olab_hooks_tc_stamp, &a);
	if (err)
		return err;
	nrs = caps->nrs ? bpf_program__attach(skel->progs.olab_hooks_nrs_stamp) : NULL;
	if (caps->nrs && !nrs) {
		err = log_errno(-errno, "attach to tp_btf/netif_receive_skb");
		goto out;
	}
	sdr = caps->sdr ? bpf_program__attach(skel->progs.olab_hooks_sdr_stamp) : NULL;
	if (caps->sdr && !sdr) {
		err = log_errno(-errno, "attach to tp_btf/sk_data_ready");
		goto out;
	}
	for (proto = P_UDP; proto <= P_TCP; proto++)
		for (sk = 0; sk <= 1; sk++)
			for (mode = RX_SLEEP; mode <= RX_BUSY; mode++) {
				log_debug("hooks: %s %s%s, %d probes", proto_name[proto],
					  rxmode_name[mode], sk ? " sk_skb" : "", n);
				err = reach_variant(skel, caps, tb, proto, mode, sk, n, r,
						    &lat[proto][sk][mode], &seen[proto][sk][mode]);
				if (err)
					goto out;
			}
	for (proto = P_UDP; proto <= P_TCP; proto++)
		for (mode = RX_SLEEP; mode <= RX_BUSY; mode++)
			skskb_added(r, proto, mode, &lat[proto][0][mode], &lat[proto][1][mode],
				    seen[proto][1][mode], false);
out:
	for (proto = 0; proto < 2; proto++)
		for (sk = 0; sk < 2; sk++)
			for (mode = 0; mode < 2; mode++)
				stats_samples_free(&lat[proto][sk][mode]);
	bpf_link__destroy(sdr);
	bpf_link__destroy(nrs);
	detach_dut(tb, &a);
	return err;
}
