// SPDX-License-Identifier: GPL-2.0
/*
 * echo's server side (exp/side.h): one variant on the device at a time, its BPF programs
 * loaded for it (the echo or an XDP_PASS carrier, the TC filter, the sk_skb verdict and its
 * sockets, or the socket server), and with the split placement the device's NAPI as a thread
 * pinned to the dut CPU. The same code here on the testbed's dut end and on the other host by
 * the agent.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/echo/echo.h"
#include "exp/echo/echo_exp.h"
#include "exp/echo/echo_int.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/fdwait.h"
#include "lib/log.h"
#include "loadgen/echo_server.h"
#include "testbed/testbed.h"
#include "echo.skel.h"

/* One variant up on the device. */
struct echo_side {
	struct echo_bpf *skel;
	const struct tb *tb;
	uint32_t peer;		   /* the generator's address (UDP SK_SKB connects to it) */
	struct bpf_link *xdp;	   /* the XDP echo */
	struct xdp_pass_link pass; /* or the XDP_PASS carrier */
	struct att_tc tc;
	struct esrv srv;
	int sk_fd, sk_lfd; /* SK_SKB: the served socket and, for TCP, its listener */
	int verdict_type;
	bool in_map;
	int napi_pid;
};

static void server_down(struct echo_side *s)
{
	__u32 key = 0;

	esrv_stop(&s->srv);
	if (s->in_map)
		bpf_map_delete_elem(bpf_map__fd(s->skel->maps.socks), &key);
	if (s->verdict_type)
		bpf_prog_detach2(bpf_program__fd(s->skel->progs.olab_echo_skskb),
				 bpf_map__fd(s->skel->maps.socks), s->verdict_type);
	if (s->sk_fd >= 0)
		close(s->sk_fd);
	if (s->sk_lfd >= 0)
		close(s->sk_lfd);
	if (tb_enter(s->tb, TB_DUT) == 0) {
		att_tc_detach(&s->tc);
		tb_leave(s->tb);
	}
	bpf_link__destroy(s->xdp);
	xdp_pass_detach(&s->pass);
}

/* TCP SK_SKB: the accepted socket must be in the sockmap before the first request. */
static int skskb_accept(struct echo_side *s)
{
	__u32 key = 0;
	int one = 1;

	if (s->sk_fd >= 0) {
		/* a new connection each run: the old one leaves the sockmap with it */
		bpf_map_delete_elem(bpf_map__fd(s->skel->maps.socks), &key);
		close(s->sk_fd);
	}
	s->sk_fd = accept4(s->sk_lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->sk_fd < 0)
		return log_errno(-errno, "accept the generator's connection");
	/* the verdict's egress goes through this socket's send path: no Nagle delay */
	setsockopt(s->sk_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.socks), &key, &s->sk_fd, BPF_ANY))
		return log_errno(-errno, "insert the TCP socket into the sockmap");
	s->in_map = true;
	return 0;
}

static int server_up(struct echo_side *s, enum variant v, enum lg_l4 l4, bool split, char *why,
		     size_t whylen)
{
	const struct tb *tb = s->tb;
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(ECHO_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	struct sockaddr_in gen = { .sin_family = AF_INET,
				   .sin_port = htons(GEN_PORT),
				   .sin_addr.s_addr = s->peer };
	int err, one = 1;
	__u32 key = 0;

	err = tb_enter(tb, TB_DUT);
	if (err)
		return err;
	/* XDP echo, or an XDP_PASS carrier so that every variant gets the same NAPI placement */
	if (v == V_XDP) {
		s->xdp = att_xdp(s->skel->progs.olab_echo_xdp, tb->dut.ifindex, tb->dut.ifname);
		err = s->xdp ? 0 : -errno;
	} else {
		err = xdp_pass_attach(tb->dut.ifname, &s->pass);
	}
	if (err)
		goto out;
	s->napi_pid = split ? tb_napi_pin(tb, TB_DUT, tb->dut_cpu, true) : 0;
	if (split && s->napi_pid <= 0) {
		snprintf(why, whylen, "threaded NAPI could not be enabled on the dut's veth");
		err = -EOPNOTSUPP;
		goto out;
	}
	switch (v) {
	case V_TC:
		err = att_tc_ingress_at(tb->dut.ifindex, tb->dut.ifname,
					bpf_program__fd(s->skel->progs.olab_echo_tc),
					ECHO_TC_HANDLE, ECHO_TC_PRIORITY, &s->tc);
		break;
	case V_SOCK_SLEEP:
	case V_SOCK_BUSY:
		err = esrv_start(&s->srv, l4, (struct sockaddr *)&dut, sizeof(dut),
				 v == V_SOCK_BUSY, tb->dut_cpu);
		break;
	case V_SKSKB:
		s->verdict_type = l4 == LG_UDP ? BPF_SK_SKB_VERDICT : BPF_SK_SKB_STREAM_VERDICT;
		err = att_sockmap(bpf_program__fd(s->skel->progs.olab_echo_skskb),
				  bpf_map__fd(s->skel->maps.socks), s->verdict_type);
		if (err) {
			s->verdict_type = 0;
			snprintf(why, whylen, "this kernel refused the sk_skb verdict program: %s",
				 strerror(-err));
			break;
		}
		if (l4 == LG_TCP) {
			s->sk_lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			setsockopt(s->sk_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(s->sk_lfd, (struct sockaddr *)&dut, sizeof(dut)) ||
			    listen(s->sk_lfd, 4))
				err = log_errno(-errno, "listen on %s:%d", tb->dut.ip, ECHO_PORT);
			break;
		}
		/* UDP: the egress of a connected socket goes back to the generator */
		s->sk_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		setsockopt(s->sk_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s->sk_fd, (struct sockaddr *)&dut, sizeof(dut)) ||
		    connect(s->sk_fd, (struct sockaddr *)&gen, sizeof(gen))) {
			err = log_errno(-errno, "set up the UDP socket for SK_SKB");
			break;
		}
		if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.socks), &key, &s->sk_fd,
					BPF_ANY)) {
			err = -errno;
			snprintf(why, whylen, "the sockmap refused a UDP socket: %s",
				 strerror(errno));
			break;
		}
		s->in_map = true;
		break;
	case V_XDP:
	case V_MAX:
		break;
	}
out:
	tb_leave(tb);
	return err;
}

/* Replies the BPF echo programs have sent so far. */
static uint64_t counted(struct echo_bpf *skel)
{
	uint64_t n = 0;

	bpfu_percpu_sum(bpf_map__fd(skel->maps.counters), ECHO_REPLIED, &n);
	return n;
}

static json_t *echo_down(const struct side_env *env, void *state)
{
	struct echo_side *s = state;
	uint64_t n;

	(void)env;
	if (!s)
		return NULL;
	n = counted(s->skel);
	server_down(s);
	echo_bpf__destroy(s->skel);
	free(s);
	return json_pack("{s:I}", "replied", (json_int_t)n);
}

static json_t *echo_up(const struct side_env *env, json_t *req, void **state, char *why,
		       size_t whylen)
{
	const char *variant = json_string_value(json_object_get(req, "variant"));
	const char *l4n = json_string_value(json_object_get(req, "l4"));
	const char *peer = json_string_value(json_object_get(req, "peer"));
	bool split = json_is_true(json_object_get(req, "split"));
	const char *dev = env->tb->dut.ifname;
	struct echo_side *s;
	enum lg_l4 l4;
	int v, err;

	if (!variant || !l4n || !peer) {
		snprintf(why, whylen, "echo_up needs variant, l4 and peer");
		return NULL;
	}
	for (v = 0; v < V_MAX && strcmp(echo_vinfo[v].key, variant); v++)
		;
	l4 = strcmp(l4n, "tcp") ? LG_UDP : LG_TCP;
	if (v == V_MAX || !(l4 == LG_UDP ? echo_vinfo[v].udp : echo_vinfo[v].tcp)) {
		snprintf(why, whylen, "no echo variant '%.40s' over %.8s", variant, l4n);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	/* no descriptor yet (0 is one: closing it would close whatever holds fd 0) */
	s->sk_fd = s->sk_lfd = s->srv.fd = s->srv.conn = -1;
	s->tb = env->tb;
	if (inet_pton(AF_INET, peer, &s->peer) != 1) {
		snprintf(why, whylen, "echo_up: peer '%.40s' is no IPv4 address", peer);
		free(s);
		return NULL;
	}
	side_announce(env,
		      "attach the echo %s (%s) to %s: an XDP program (the echo or XDP_PASS)%s%s",
		      variant, l4n, dev, !strcmp(variant, "tc") ? ", a TC ingress filter" : "",
		      split ? ", threaded NAPI pinned to one CPU" : "");
	s->skel = echo_bpf__open();
	err = s->skel ? 0 : -errno;
	if (!err) {
		s->skel->rodata->cfg_port = ECHO_PORT;
		err = echo_bpf__load(s->skel);
		if (err)
			snprintf(why, whylen, "load the echo programs: %s", strerror(-err));
	}
	if (!err)
		err = server_up(s, (enum variant)v, l4, split, why, whylen);
	if (err) {
		if (!why[0])
			snprintf(why, whylen, "could not set up the server: %s", strerror(-err));
		if (s->skel)
			server_down(s);
		echo_bpf__destroy(s->skel);
		free(s);
		return NULL;
	}
	*state = s;
	return json_pack("{s:i}", "napi", s->napi_pid);
}

static json_t *echo_op(const struct side_env *env, void *state, const char *op, json_t *req,
		       char *why, size_t whylen)
{
	struct echo_side *s = state;
	char w[160];
	int err;

	(void)env;
	(void)op;
	(void)req;
	/* the generator connected before it asked: bounded, and not past the driver's end */
	err = s->sk_lfd < 0 ? -ENOTCONN : fdwait(s->sk_lfd, POLLIN, FDWAIT_ACCEPT_MS);
	if (!err)
		err = skskb_accept(s);
	if (err == -ENOTCONN)
		snprintf(why, whylen, "no TCP SK_SKB echo variant is up (echo_up first)");
	else if (err)
		snprintf(why, whylen, "take the connection into the sockmap: %s",
			 fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, w, sizeof(w)));
	return err ? NULL : json_object();
}

static const struct side_op echo_ops[] = {
	{ "echo_up", SIDE_UP,
	  "`variant` (xdp, tc, skskb, socket_busy, socket_sleep), `l4` (udp, tcp), `peer` (the "
	  "generator's IPv4), `split`",
	  "`napi`",
	  "the echo experiment's server side for one variant on the device: the echo or XDP_PASS "
	  "program, the TC filter, the sk_skb verdict and its sockets, or the socket server; with "
	  "`split` the device's NAPI as a thread pinned to one CPU" },
	{ "echo_accept", SIDE_OP, "", "",
	  "TCP SK_SKB: takes the generator's new connection into the sockmap (the last one leaves "
	  "it); waits for it at most 10 s" },
	{ "echo_down", SIDE_DOWN, "", "`replied`",
	  "removes the variant; the replies its BPF programs sent" },
	{ 0 },
};

static const struct side_leave echo_leaves[] = {
	{ "the echo TC filter", false, ECHO_TC_HANDLE, ECHO_TC_PRIORITY },
	{ 0 },
};

const struct exp_side echo_side = {
	.prefix = "echo_",
	.ops = echo_ops,
	.leaves = echo_leaves,
	.up = echo_up,
	.op = echo_op,
	.down = echo_down,
};
