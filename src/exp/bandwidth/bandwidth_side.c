// SPDX-License-Identifier: GPL-2.0
/*
 * bandwidth's server side (exp/side.h): the condition's empty program on the device, a
 * listener, and once the stream is accepted a sink counting what arrives, read with this
 * host's clock. The same code here on the testbed's dut end and on the other host by the agent.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/fdwait.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "bandwidth.skel.h"

#define CHUNK (128 * 1024)

const char *const bw_cond_key[BW_MAX] = { "none", "xdp", "tc", "skskb" };

struct sink {
	int fd, cpu;
	_Atomic bool stop;
	_Atomic uint64_t bytes;
	pthread_t th;
};

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	static __thread unsigned char buf[CHUNK];

	cpu_pin_self(s->cpu);
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		ssize_t n;

		/* a socket in a sockmap is read after poll(), without blocking */
		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			atomic_fetch_add(&s->bytes, (uint64_t)n);
		else if (n == 0)
			break;
	}
	return NULL;
}

struct bw_side {
	const struct tb *tb;
	struct bandwidth_bpf *skel;
	enum bw_cond c;
	struct sink s;
	struct xdp_pass_link xdp;
	struct att_tc tc;
	int lfd;
	bool verdict, in_map, started;
};

/* In the device's namespace: the condition's program, and a listener on its address. */
static int side_attach(struct bw_side *b)
{
	const struct tb *tb = b->tb;
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(BW_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	int map_fd = bpf_map__fd(b->skel->maps.socks), one = 1, err = 0;

	if (b->c == BW_XDP) {
		err = xdp_pass_attach(tb->dut.ifname, &b->xdp);
	} else if (b->c == BW_TC) {
		err = att_tc_ingress_at(tb->dut.ifindex, tb->dut.ifname,
					bpf_program__fd(b->skel->progs.olab_bw_tc), BW_TC_HANDLE,
					BW_TC_PRIORITY, &b->tc);
	} else if (b->c == BW_SKSKB) {
		err = att_sockmap(bpf_program__fd(b->skel->progs.olab_bw_skskb), map_fd,
				  BPF_SK_SKB_STREAM_VERDICT);
		b->verdict = !err;
	}
	if (!err) {
		b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (b->lfd < 0 || bind(b->lfd, (struct sockaddr *)&dut, sizeof(dut)) ||
		    listen(b->lfd, 1))
			err = log_errno(-errno, "listen on %s:%d", tb->dut.ip, BW_PORT);
	}
	return err;
}

static json_t *bw_down(const struct side_env *env, void *state)
{
	struct bw_side *b = state;
	int map_fd;
	__u32 key = 0;

	(void)env;
	if (!b)
		return NULL;
	map_fd = b->skel ? bpf_map__fd(b->skel->maps.socks) : -1;
	if (b->started) {
		atomic_store(&b->s.stop, true);
		pthread_join(b->s.th, NULL);
	}
	if (b->in_map)
		bpf_map_delete_elem(map_fd, &key);
	if (b->verdict)
		bpf_prog_detach2(bpf_program__fd(b->skel->progs.olab_bw_skskb), map_fd,
				 BPF_SK_SKB_STREAM_VERDICT);
	if (b->s.fd >= 0)
		close(b->s.fd);
	if (b->lfd >= 0)
		close(b->lfd);
	if (tb_enter(b->tb, TB_DUT) == 0) {
		att_tc_detach(&b->tc);
		tb_leave(b->tb);
	}
	xdp_pass_detach(&b->xdp);
	bandwidth_bpf__destroy(b->skel);
	free(b);
	return NULL;
}

static json_t *bw_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	const char *cond = json_string_value(json_object_get(req, "cond"));
	struct bw_side *b;
	int c, err;

	for (c = 0; cond && c < BW_MAX && strcmp(bw_cond_key[c], cond); c++)
		;
	if (!cond || c == BW_MAX) {
		snprintf(why, whylen, "bw_up takes cond none, xdp, tc or skskb");
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	b->tb = env->tb;
	b->c = (enum bw_cond)c;
	b->s.fd = b->lfd = -1;
	b->s.cpu = env->tb->dut_cpu;
	side_announce(env, "bandwidth: a TCP sink on port %d of %s%s", BW_PORT, env->tb->dut.ifname,
		      c == BW_XDP     ? ", an XDP_PASS program on it"
		      : c == BW_TC    ? ", an empty TC ingress filter on it"
		      : c == BW_SKSKB ? ", an empty sk_skb verdict on the sink's socket"
				      : "");
	b->skel = bandwidth_bpf__open_and_load();
	if (!b->skel) {
		snprintf(why, whylen, "load the bandwidth BPF programs: %s (-v: the verifier log)",
			 strerror(errno));
		bw_down(env, b);
		return NULL;
	}
	err = tb_enter(env->tb, TB_DUT);
	if (!err) {
		err = side_attach(b);
		tb_leave(env->tb);
	}
	if (err) {
		snprintf(why, whylen, "%s", strerror(-err));
		bw_down(env, b);
		return NULL;
	}
	*state = b;
	return json_object();
}

/* The generator's connection: into the sockmap before its first byte, then the sink runs. */
static int bw_accept(struct bw_side *b)
{
	__u32 key = 0;
	int err;

	/* the generator connected before it asked: bounded, and not past the driver's end */
	err = fdwait(b->lfd, POLLIN, FDWAIT_ACCEPT_MS);
	if (err)
		return err;
	b->s.fd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (b->s.fd < 0)
		return log_errno(-errno, "accept the stream");
	if (b->c == BW_SKSKB) {
		if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.socks), &key, &b->s.fd, BPF_ANY))
			return log_errno(-errno, "insert the sink's socket into the sockmap");
		b->in_map = true;
	}
	err = -pthread_create(&b->s.th, NULL, sink_thread, &b->s);
	b->started = !err;
	return err;
}

static json_t *bw_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	struct bw_side *b = state;
	char w[160];
	int err;

	(void)env;
	(void)req;
	if (!strcmp(op, "bw_bytes"))
		return json_pack("{s:I, s:I}", "bytes", (json_int_t)atomic_load(&b->s.bytes), "ns",
				 (json_int_t)bpfu_now_ns());
	if (b->s.fd >= 0) {
		snprintf(why, whylen, "the stream is accepted already");
		return NULL;
	}
	err = bw_accept(b);
	if (err) {
		snprintf(why, whylen, "accept the stream: %s",
			 fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, w, sizeof(w)));
		return NULL;
	}
	return json_object();
}

static const struct side_op bw_ops[] = {
	{ "bw_up", SIDE_UP, "`cond` (none, xdp, tc, skskb)", "",
	  "bandwidth's server side: the condition's empty program on the device (XDP_PASS, a TC "
	  "ingress filter, an sk_skb verdict) and a TCP listener on port 5201" },
	{ "bw_accept", SIDE_OP, "", "",
	  "takes the generator's stream (into the sockmap first for skskb) and starts the sink; "
	  "waits for it at most 10 s" },
	{ "bw_bytes", SIDE_OP, "", "`bytes`, `ns`",
	  "what the sink received so far, and the time on this host's clock (rates use the "
	  "agent's clock only)" },
	{ "bw_down", SIDE_DOWN, "", "", "removes the condition and the sink" },
	{ 0 },
};

static const struct side_leave bw_leaves[] = {
	{ "the bandwidth TC filter", false, BW_TC_HANDLE, BW_TC_PRIORITY },
	{ 0 },
};

const struct exp_side bandwidth_side = {
	.prefix = "bw_",
	.ops = bw_ops,
	.leaves = bw_leaves,
	.up = bw_up,
	.op = bw_op,
	.down = bw_down,
};
