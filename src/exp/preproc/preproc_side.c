// SPDX-License-Identifier: GPL-2.0
/*
 * preproc's server side (exp/side.h): the truncating XDP program on the device, its NAPI as a
 * thread on the dut CPU, and a UDP sink behind it on that CPU, counting what arrives with this
 * host's clock. The same code here on the testbed's dut end and on the other host by the agent.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "exp/preproc/preproc_exp.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "preproc.skel.h"

struct sink {
	int fd, cpu;
	_Atomic bool stop;
	_Atomic uint64_t pkts;
	pthread_t th;
};

static void *sink_thread(void *arg)
{
	static __thread unsigned char bufs[32][2048];
	struct mmsghdr msgs[32];
	struct iovec iov[32];
	struct sink *s = arg;
	int i, n;

	cpu_pin_self(s->cpu);
	for (i = 0; i < 32; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	/*
	 * A blocking sink: it shares its CPU with the NAPI thread, and a spinning one would take
	 * its CFS share even with nothing to read. The receive timeout lets it notice a stop.
	 */
	while (!atomic_load(&s->stop)) {
		n = recvmmsg(s->fd, msgs, 32, MSG_WAITFORONE, NULL);
		if (n > 0)
			atomic_fetch_add(&s->pkts, (uint64_t)n);
	}
	return NULL;
}

struct pp_side {
	struct preproc_bpf *skel;
	struct sink s;
	bool sink_up;
	struct bpf_link *xdp;
	int napi;
};

/* In the device's namespace: the program and the sink's socket; the sink on the dut CPU. */
static int side_attach(struct pp_side *p, const struct tb *tb)
{
	struct sockaddr_in dut = { .sin_family = AF_INET,
				   .sin_port = htons(PP_PORT),
				   .sin_addr.s_addr = tb->dut.addr };
	int err, sz = 64 << 20;

	err = tb_enter(tb, TB_DUT);
	if (err)
		return err;
	p->xdp = att_xdp(p->skel->progs.olab_pp_trunc, tb->dut.ifindex, tb->dut.ifname);
	/* one dut CPU does XDP, the stack and the sink, as the paper's one core did */
	if (p->xdp)
		p->napi = tb_napi_pin(tb, TB_DUT, tb->dut_cpu, false);
	p->s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->s.fd >= 0) {
		struct timeval tv = { .tv_sec = 0, .tv_usec = 50000 };

		setsockopt(p->s.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
		setsockopt(p->s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (bind(p->s.fd, (struct sockaddr *)&dut, sizeof(dut)))
			err = log_errno(-errno, "bind the sink");
	}
	tb_leave(tb);
	if (!p->xdp || p->s.fd < 0)
		return err ? err : -EIO;
	if (err)
		return err;
	p->s.cpu = tb->dut_cpu;
	err = -pthread_create(&p->s.th, NULL, sink_thread, &p->s);
	p->sink_up = !err;
	return err;
}

static json_t *pp_down(const struct side_env *env, void *state)
{
	struct pp_side *p = state;

	(void)env;
	if (!p)
		return NULL;
	if (p->sink_up) {
		atomic_store(&p->s.stop, true);
		pthread_join(p->s.th, NULL);
	}
	if (p->s.fd >= 0)
		close(p->s.fd);
	bpf_link__destroy(p->xdp);
	preproc_bpf__destroy(p->skel);
	free(p);
	return NULL;
}

static json_t *pp_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	struct pp_side *p = calloc(1, sizeof(*p));
	const char *dev = env->tb->dut.ifname;
	int err;

	(void)req;
	if (!p) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	p->s.fd = -1;
	p->napi = -1;
	side_announce(env,
		      "preproc: an XDP program truncating UDP datagrams to port 9009 on %s, "
		      "threaded NAPI on one CPU, a UDP sink",
		      dev);
	p->skel = preproc_bpf__open();
	err = p->skel ? 0 : -errno;
	if (!err) {
		p->skel->rodata->cfg_port = PP_PORT;
		err = preproc_bpf__load(p->skel);
	}
	if (!err)
		err = side_attach(p, env->tb);
	if (err) {
		snprintf(why, whylen, "set up truncation and the sink on %s: %s", dev,
			 strerror(-err));
		pp_down(env, p);
		return NULL;
	}
	*state = p;
	return json_pack("{s:i}", "napi", p->napi);
}

static json_t *pp_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	struct pp_side *p = state;
	uint64_t ns;

	(void)env;
	if (!strcmp(op, "pp_cut")) {
		json_int_t pct = json_integer_value(json_object_get(req, "pct"));

		if (pct < 0 || pct > 100) {
			snprintf(why, whylen, "pp_cut takes pct 0..100");
			return NULL;
		}
		p->skel->bss->cut_pct = (unsigned int)pct;
		return json_object();
	}
	ns = bpfu_now_ns(); /* then the count: no datagram counted after its time */
	return json_pack("{s:I, s:I}", "pkts", (json_int_t)atomic_load(&p->s.pkts), "ns",
			 (json_int_t)ns);
}

static const struct side_op pp_ops[] = {
	{ "pp_up", SIDE_UP, "", "`napi`",
	  "preproc's server side: the truncating XDP program on the device, its NAPI as a thread "
	  "on one CPU, a UDP sink on port 9009" },
	{ "pp_cut", SIDE_OP, "`pct` (0..100)", "", "the share of each payload the program cuts" },
	{ "pp_pkts", SIDE_OP, "", "`pkts`, `ns`",
	  "the datagrams the sink received so far, and the time on this host's clock" },
	{ "pp_down", SIDE_DOWN, "", "", "removes the program and the sink" },
	{ 0 },
};

const struct exp_side preproc_side = {
	.prefix = "pp_",
	.ops = pp_ops,
	.up = pp_up,
	.op = pp_op,
	.down = pp_down,
};
