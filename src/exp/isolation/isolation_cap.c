// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: the neighbour's senders. Its clients, a paced socket sender beside the echo
 * server's latency runs; and the XDP load generator sending as fast as it goes (datagrams
 * nobody answers, to the neighbour's port), which tells what this machine carries to the
 * neighbour apart from the clients' own limit.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/bpfutil.h"
#include "lib/cpu.h"

#include "exp/gen.h"
#include "exp/isolation/isolation_int.h"
#include "testbed/testbed.h"

/*
 * The neighbour's clients: a burst of datagrams every PERIOD_NS (the rate asked, fractions
 * carried over to the next burst) from a UDP socket in the generator's namespace (live frames cannot pace: each test-run call costs milliseconds and a
 * burst overflows veth's 256-frame ring). The thread shares the generator's CPU with the
 * busy-polling load generator, behind which a normal thread would wait whole time slices: a
 * real-time priority keeps the pace, at the cost of a few microseconds of the generator's time
 * per burst.
 */
static void *blaster_thread(void *arg)
{
	struct blaster *b = arg;
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(b->port ? b->port : NEIGH_PORT),
				   .sin_addr.s_addr = b->tb->dut.addr };
	struct sched_param sp = { .sched_priority = 5 };
	static const char msg[] = "neighbour request";
	struct mmsghdr msgs[256];
	struct iovec iov = { .iov_base = (void *)(b->msg ? b->msg : msg),
			     .iov_len = b->msg ? b->msg_len : sizeof(msg) };
	uint64_t next;
	double credit = 0;
	unsigned int i, n;
	int fd;

	if (tb_enter(b->tb, TB_GEN)) {
		b->err = -EIO;
		return NULL;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_leave(b->tb);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		b->err = -errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < 256; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	cpu_pin_self(b->tb->gen_cpu);
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	next = bpfu_now_ns();
	while (!atomic_load(&b->stop)) {
		struct timespec ts;
		int sent;

		n = iso_pace(bpfu_now_ns(), &next, &credit, b->per_period);
		sent = n ? sendmmsg(fd, msgs, n, MSG_DONTWAIT) : 0;
		if (sent > 0)
			atomic_fetch_add(&b->sent, (uint64_t)sent);
		ts.tv_sec = (time_t)(next / 1000000000ULL);
		ts.tv_nsec = (long)(next % 1000000000ULL);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	close(fd);
	return NULL;
}

/*
 * The burst due at now, the period's deadline after it in *next (now's period first). No
 * catching up: when a burst comes more than a period late (one took longer, or the CPU was
 * taken), the missed ones are dropped and the pace starts again from now. A real-time thread
 * that made up lost bursts back to back could hold its CPU for as long as it was behind, the
 * load generator beside it on that CPU measuring its own wait (the likeliest cause of one CI
 * run's 61 ms median beside the kvcache neighbour, 0.4 ms in the next ones); the load not
 * sent is load not offered, which the callers see in what reached the neighbour.
 */
unsigned int iso_pace(uint64_t now, uint64_t *next, double *credit, double per_period)
{
	unsigned int n;

	if (now > *next + PERIOD_NS) {
		*next = now;
		*credit = 0;
	}
	*credit += per_period > 0 ? per_period : 256;
	n = *credit > 256 ? 256 : (unsigned int)*credit;
	*credit -= n;
	*next += PERIOD_NS;
	return n;
}

/* Start the neighbour's clients at about kpps (0: as fast as the blaster goes). */
int iso_blaster_start(struct blaster *b, uint32_t kpps)
{
	b->per_period = (double)kpps * 1000.0 * (double)PERIOD_NS / 1e9;
	atomic_store(&b->stop, false);
	atomic_store(&b->sent, 0);
	b->err = 0;
	return -pthread_create(&b->th, NULL, blaster_thread, b);
}

int iso_blaster_stop(struct blaster *b)
{
	atomic_store(&b->stop, true);
	pthread_join(b->th, NULL);
	return b->err;
}

int iso_flood_xdp(const struct tb *tb, struct lg_xdp *x, uint64_t dur_ns, double *offered_kpps)
{
	struct lg_app app = lg_sink_app;
	struct sockaddr_in *dst;
	struct lg_result lr;
	struct lg_opts lo;
	int err;

	app.size = 18; /* the paced clients' "neighbour request" */
	lg_opts_default(&lo);
	dst = (struct sockaddr_in *)&lo.dst;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(NEIGH_PORT);
	dst->sin_addr.s_addr = tb->dut.addr;
	lo.dstlen = sizeof(*dst);
	lo.app = &app;
	exp_gen_use(&lo, x);
	lo.mode = LG_FLOOD;
	lo.duration_ns = dur_ns;
	lo.batch = 64;
	lo.cpu = tb->gen_cpu;
	err = tb_enter(tb, TB_GEN);
	if (err)
		return err;
	err = lg_run(&lo, &lr);
	tb_leave(tb);
	if (!err)
		*offered_kpps = lr.offered_rps / 1e3;
	lg_result_free(&lr);
	return err;
}
