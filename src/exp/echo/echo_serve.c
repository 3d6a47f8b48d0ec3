// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab echo serve: one echo offload on its own (XDP, TC, SK_SKB) or the socket server,
 * on a device and port the user names, until Ctrl-C or --duration; then what it answered.
 */
#include <argp.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/echo/echo.h"
#include "exp/echo/echo_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "loadgen/echo_server.h"
#include "loadgen/loadgen.h"
#include "echo.skel.h"

struct serve_args {
	const char *hook, *dev;
	uint64_t port, seconds;
	bool tcp, busy;
};

static const struct argp_option serve_options[] = {
	{ "hook", 'k', "HOOK", 0, "xdp, tc, skskb or socket (default xdp)", 0 },
	{ "dev", 'd', "IFACE", 0, "Device to attach XDP/TC to (required for xdp and tc)", 0 },
	{ "port", 'p', "PORT", 0, "UDP/TCP port to answer (default 7)", 0 },
	{ "tcp", 't', NULL, 0, "TCP echo (socket and skskb only)", 0 },
	{ "busy", 'b', NULL, 0, "socket: busy-poll instead of sleeping", 0 },
	{ "duration", 'D', "SECONDS", 0, "Stop after this long (default: until Ctrl-C)", 0 },
	{ 0 },
};

static error_t serve_parse(int key, char *arg, struct argp_state *state)
{
	struct serve_args *a = state->input;

	switch (key) {
	case 'k':
		if (strcmp(arg, "xdp") && strcmp(arg, "tc") && strcmp(arg, "skskb") &&
		    strcmp(arg, "socket"))
			argp_error(state, "--hook is xdp, tc, skskb or socket, not '%s'", arg);
		a->hook = arg;
		break;
	case 'd':
		a->dev = arg;
		break;
	case 'p':
		if (cli_parse_u64(arg, 1, 65535, &a->port))
			argp_error(state, "--port takes 1..65535, not '%s'", arg);
		break;
	case 't':
		a->tcp = true;
		break;
	case 'b':
		a->busy = true;
		break;
	case 'D':
		a->seconds = cli_arg_seconds(state, "--duration", arg);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if ((!strcmp(a->hook, "xdp") || !strcmp(a->hook, "tc")) && !a->dev)
			argp_error(state, "--hook %s needs --dev IFACE", a->hook);
		if (a->tcp && (!strcmp(a->hook, "xdp") || !strcmp(a->hook, "tc")))
			argp_error(state, "the %s echo answers UDP only", a->hook);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Echo whatever a socket already holds, in user space; returns bytes echoed. */
static size_t echo_queued(int fd)
{
	unsigned char buf[65536];
	size_t total = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
		total += (size_t)n;
	}
	return total;
}

/*
 * Hand an accepted connection to the verdict. The sockmap must not hold a socket before it is
 * accepted: the kernel drops what a verdict redirects to a socket with no struct socket yet.
 * Bytes that arrived before the insertion stay in the receive queue, where the verdict would
 * only see them once more data came (a waiting client never sends more): echo them here,
 * before and right after inserting.
 */
static int serve_adopt(struct echo_bpf *skel, int fd, __u32 slot, uint64_t *by_user)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*by_user += echo_queued(fd);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.socks), &slot, &fd, BPF_ANY))
		return -errno;
	*by_user += echo_queued(fd);
	return 0;
}

/* The echo server's TC filter: its own handle and priority, so a leftover can be found. */

static volatile sig_atomic_t serve_stop;

static void on_stop(int sig)
{
	(void)sig;
	serve_stop = 1;
}

/* What one `echo serve` holds: released by serve_down() whatever was set up. */
struct serve {
	struct serve_args a;
	struct sockaddr_in any;
	int ifindex;
	struct echo_bpf *skel;
	struct bpf_link *xdp;
	struct att_tc tc;
	struct esrv srv;
	bool verdict_on;
	uint64_t by_user;
	int conns[64], nconn, lfd;
};

/* Root where BPF is loaded, and the device in this namespace: EXIT_OK or why not. */
static int serve_check(struct serve *s)
{
	if (geteuid() != 0 && strcmp(s->a.hook, "socket")) {
		fprintf(stderr,
			"offloadlab echo serve: --hook %s needs root (it loads BPF programs)\n",
			s->a.hook);
		return EXIT_FAIL;
	}
	if (s->a.dev) {
		s->ifindex = (int)if_nametoindex(s->a.dev);
		if (!s->ifindex) {
			fprintf(stderr,
				"offloadlab echo serve: no device '%s' in this network namespace\n",
				s->a.dev);
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

/* SK_SKB: the verdict on the sockmap and a listener whose connections join it. */
static int serve_skskb(struct serve *s)
{
	int one = 1, err;

	if (!s->a.tcp) {
		fprintf(stderr, "offloadlab echo serve: --hook skskb answers TCP only here (a UDP "
				"socket must be connected to one client); add --tcp\n");
		return -EINVAL;
	}
	err = att_sockmap(bpf_program__fd(s->skel->progs.olab_echo_skskb),
			  bpf_map__fd(s->skel->maps.socks), BPF_SK_SKB_STREAM_VERDICT);
	if (err)
		return err;
	s->verdict_on = true;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0)
		return log_errno(-errno, "open a TCP socket");
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&s->any, sizeof(s->any)) || listen(s->lfd, 64))
		return log_errno(-errno, "listen on port %llu", (unsigned long long)s->a.port);
	return 0;
}

/* Loads the programs (not for --hook socket) and puts the one asked for in place. */
static int serve_up(struct serve *s)
{
	int err = 0;

	if (strcmp(s->a.hook, "socket")) {
		s->skel = echo_bpf__open();
		if (!s->skel)
			return log_errno(-errno, "open the echo BPF object");
		s->skel->rodata->cfg_port = (__u16)s->a.port;
		err = echo_bpf__load(s->skel);
		if (err)
			return log_errno(err, "load the echo BPF programs");
	}
	if (!strcmp(s->a.hook, "xdp")) {
		s->xdp = att_xdp(s->skel->progs.olab_echo_xdp, s->ifindex, s->a.dev);
		err = s->xdp ? 0 : -errno;
	} else if (!strcmp(s->a.hook, "tc")) {
		/* a server killed before it could clean up left its filter: ours to remove */
		if (att_tc_remove_left(s->ifindex, BPF_TC_INGRESS, ECHO_TC_HANDLE,
				       ECHO_TC_PRIORITY) > 0)
			log_info("removed the echo TC filter an earlier 'echo serve' left on %s",
				 s->a.dev);
		err = att_tc_ingress_at(s->ifindex, s->a.dev,
					bpf_program__fd(s->skel->progs.olab_echo_tc),
					ECHO_TC_HANDLE, ECHO_TC_PRIORITY, &s->tc);
	} else if (!strcmp(s->a.hook, "socket")) {
		err = esrv_start(&s->srv, s->a.tcp ? LG_TCP : LG_UDP, (struct sockaddr *)&s->any,
				 sizeof(s->any), s->a.busy, -1);
	} else {
		err = serve_skskb(s);
	}
	return err;
}

/* Until Ctrl-C or the duration: SK_SKB adopts each connection at once, the rest sleep. */
static void serve_loop(struct serve *s)
{
	uint64_t t_end = s->a.seconds ? bpfu_now_ns() + s->a.seconds * 1000000000ULL : 0;

	while (!serve_stop && (!t_end || bpfu_now_ns() < t_end)) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };
		int fd;

		if (s->lfd < 0) {
			usleep(10000);
			continue;
		}
		/* accept at once: until then, what a client sends waits in the queue */
		if (poll(&p, 1, 10) <= 0)
			continue;
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (s->nconn < 64 && !serve_adopt(s->skel, fd, (__u32)s->nconn, &s->by_user))
			s->conns[s->nconn++] = fd;
		else
			close(fd); /* full: the client sees a closed connection */
	}
}

static void serve_report(struct serve *s)
{
	uint64_t cnt[ECHO_COUNTERS] = { 0 };
	int k;

	for (k = 0; s->skel && k < ECHO_COUNTERS; k++)
		bpfu_percpu_sum(bpf_map__fd(s->skel->maps.counters), (uint32_t)k, &cnt[k]);
	printf("answered %llu in the kernel, passed %llu not for us, passed %llu malformed%s\n",
	       (unsigned long long)cnt[ECHO_REPLIED], (unsigned long long)cnt[ECHO_NOT_OURS],
	       (unsigned long long)cnt[ECHO_MALFORMED],
	       !strcmp(s->a.hook, "socket") ? " (socket: see the server's count)" : "");
	if (!strcmp(s->a.hook, "socket"))
		printf("socket server answered %llu\n", (unsigned long long)s->srv.served);
	if (s->by_user)
		printf("echoed %llu early bytes in user space (sent before the connection was "
		       "accepted)\n",
		       (unsigned long long)s->by_user);
}

static void serve_down(struct serve *s)
{
	int i;

	esrv_stop(&s->srv);
	if (s->verdict_on)
		bpf_prog_detach2(bpf_program__fd(s->skel->progs.olab_echo_skskb),
				 bpf_map__fd(s->skel->maps.socks), BPF_SK_SKB_STREAM_VERDICT);
	for (i = 0; i < s->nconn; i++)
		close(s->conns[i]);
	if (s->lfd >= 0)
		close(s->lfd);
	att_tc_detach(&s->tc);
	bpf_link__destroy(s->xdp);
	echo_bpf__destroy(s->skel);
}

int echo_serve_main(int argc, char **argv)
{
	static const char doc[] =
		"Answer UDP (or TCP) echo requests at one hook until Ctrl-C, then print what was "
		"answered. XDP and TC attach to the device you name, in the current network "
		"namespace; skskb and socket listen on the port on every address."
		"\vExamples:\n"
		"  offloadlab echo serve --hook xdp --dev veth1 --port 7\n"
		"  offloadlab echo serve --hook tc --dev eth1 --port 7007 --duration 60\n"
		"  offloadlab echo serve --hook skskb --tcp --port 7\n"
		"  offloadlab echo serve --hook socket --busy --port 7\n"
		"The peer of a veth used with --hook xdp needs an XDP program of its own to "
		"receive the replies (a kernel requirement).";
	struct argp argp = { serve_options, serve_parse, NULL, doc, NULL, NULL, NULL };
	struct serve s = { .a = { .hook = "xdp", .port = 7 },
			   .any = { .sin_family = AF_INET },
			   .srv = { .fd = -1, .conn = -1 },
			   .lfd = -1 };
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, &s.a))
		return EXIT_USAGE;
	if (serve_check(&s) != EXIT_OK)
		return EXIT_FAIL;
	log_setup_libbpf();
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGHUP, on_stop);
	signal(SIGQUIT, on_stop);
	s.any.sin_port = htons((uint16_t)s.a.port);
	err = serve_up(&s);
	if (!err) {
		fprintf(stderr, "offloadlab: echo on %s port %llu via %s; Ctrl-C stops\n",
			s.a.tcp ? "TCP" : "UDP", (unsigned long long)s.a.port, s.a.hook);
		serve_loop(&s);
		serve_report(&s);
	}
	serve_down(&s);
	return err ? EXIT_FAIL : EXIT_OK;
}
