// SPDX-License-Identifier: GPL-2.0
/* offloadlab afxdp-kv serve: the AF_XDP key-value server on a device until stopped. */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "afxdp_kv/afxdp_kv_serve.h"
#include "afxdp_kv/akv_metrics.h"
#include "kvcache/kvc.h"
#include "lib/admit.h"
#include "lib/cli.h"
#include "lib/log.h"

struct args {
	struct akv_opts o;
	uint64_t seconds;
	const char *cmd, *textfile;
	enum akv_format fmt;
};

enum { OPT_FORMAT = 1000, OPT_TEXTFILE };

static const struct argp_option options[] = {
	{ "dev", 'd', "IFACE", 0, "Serve on this device (required)", 0 },
	{ "queue", 'q', "Q", 0, "First receive queue (default 0)", 0 },
	{ "threads", 't', "N", 0,
	  "Workers, one per receive queue from --queue (default: every queue the device has)", 0 },
	{ "port", 'p', "PORT", 0, "UDP port (default 11211)", 0 },
	{ "memory", 'm', "MB", 0, "Memory for items; least recently used go beyond (default 64)",
	  0 },
	{ "busy", 'b', NULL, 0, "Poll the rings instead of sleeping between requests", 0 },
	{ "cpu", 'c', "CPU", 0, "Pin the workers to this CPU", 0 },
	{ "behind-kvcache", 'k', NULL, 0,
	  "Serve behind the kvcache attached to --dev ('offloadlab kvcache attach'): take its "
	  "misses, reply through TC egress so that it fills",
	  0 },
	{ "allow", 'a', "CIDR", 0,
	  "Answer over AF_XDP only these sources (repeat; IPv4 or IPv6); the others take the "
	  "kernel's path to the server's UDP socket",
	  0 },
	{ "rate", 'r', "N", 0,
	  "Answer over AF_XDP at most N requests a second to one source address; beyond it the "
	  "kernel's path (default: no limit)",
	  0 },
	{ "route-ttl", 'T', "MS", 0,
	  "Trust the route of the kernel's last reply to a client this long (default 1000); then "
	  "one of its requests takes the kernel's path again",
	  0 },
	{ "duration", 'D', "SECONDS", 0, "Stop after this long (default: until Ctrl-C)", 0 },
	{ "textfile", OPT_TEXTFILE, "DIR", 0,
	  "Also write the counters as Prometheus metrics to DIR/offloadlab_afxdp_kv_IFACE.prom "
	  "(atomically: node_exporter's textfile collector), once a second while serving, or "
	  "once with stats",
	  0 },
	{ NULL, 0, NULL, 0, "stats:", 1 },
	{ "format", OPT_FORMAT, "FMT", 0,
	  "text (default), json or prometheus (offloadlab_afxdp_kv_requests_total{dev=...} ...)",
	  1 },
	{ 0 },
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'd':
		if (!*arg)
			argp_error(state, "--dev takes a device name");
		a->o.dev = arg;
		break;
	case 'q':
		if (cli_parse_u64(arg, 0, 63, &v))
			argp_error(state, "--queue takes 0..63, not '%s'", arg);
		a->o.queue = (int)v;
		break;
	case 't':
		if (cli_parse_u64(arg, 1, 64, &v))
			argp_error(state, "--threads takes 1..64, not '%s'", arg);
		a->o.threads = (int)v;
		break;
	case 'p':
		if (cli_parse_u64(arg, 1, 65535, &v))
			argp_error(state, "--port takes 1..65535, not '%s'", arg);
		a->o.port = (uint16_t)v;
		break;
	case 'm':
		if (cli_parse_u64(arg, 1, 1 << 20, &v))
			argp_error(state, "--memory takes 1..1048576 MB, not '%s'", arg);
		a->o.memory_mb = (unsigned int)v;
		break;
	case 'b':
		a->o.busy = true;
		break;
	case 'k':
		a->o.behind_cache = true;
		break;
	case 'c':
		if (cli_parse_u64(arg, 0, 4095, &v))
			argp_error(state, "--cpu takes a CPU number, not '%s'", arg);
		a->o.cpu = (int)v;
		break;
	case 'D':
		a->seconds = cli_arg_seconds(state, "--duration", arg);
		break;
	case OPT_TEXTFILE:
		if (!*arg)
			argp_error(state, "--textfile takes a folder");
		a->textfile = arg;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			a->fmt = AKV_FMT_TEXT;
		else if (!strcmp(arg, "json"))
			a->fmt = AKV_FMT_JSON;
		else if (!strcmp(arg, "prometheus"))
			a->fmt = AKV_FMT_PROM;
		else
			argp_error(state, "--format takes text, json or prometheus, not '%s'", arg);
		break;
	case 'a': {
		uint8_t ad[16];
		int v6, prefix;

		if (adm_parse_cidr(arg, &v6, ad, &prefix) || a->o.nallow >= ADM_MAX_ALLOW)
			argp_error(
				state,
				"--allow takes an address or CIDR (198.18.0.0/15, 2001:db8::/32), "
				"at most %d, not '%s'",
				ADM_MAX_ALLOW, arg);
		a->o.allow[a->o.nallow++] = arg;
		break;
	}
	case 'T':
		if (cli_parse_u64(arg, 1, 3600000, &v))
			argp_error(state, "--route-ttl takes 1..3600000 ms, not '%s'", arg);
		a->o.route_ttl_ms = (uint32_t)v;
		break;
	case 'r':
		if (cli_parse_u64(arg, 1, 100000000, &v))
			argp_error(state,
				   "--rate takes answers per second per source, 1..100000000, not "
				   "'%s'",
				   arg);
		a->o.rate = (uint32_t)v;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0 ||
		    (strcmp(arg, "serve") && strcmp(arg, "stats") && strcmp(arg, "cleanup")))
			argp_error(
				state,
				"unexpected argument '%s' (the command is serve, stats or cleanup)",
				arg);
		a->cmd = arg;
		break;
	case ARGP_KEY_END:
		if (state->arg_num < 1)
			argp_error(state, "say 'serve', 'stats' or 'cleanup'");
		if (!a->o.dev)
			argp_error(state, "%s needs --dev IFACE", a->cmd);
		if (a->o.queue + a->o.threads > 64)
			argp_error(state, "--queue + --threads is at most 64");
		if (a->o.behind_cache && (a->o.nallow || a->o.rate))
			argp_error(state,
				   "behind the kvcache, its own --allow and --rate apply: give "
				   "them to 'offloadlab kvcache attach'");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

int afxdp_kv_main(int argc, char **argv)
{
	static const char doc[] =
		"A key-value server answering memcached 1.6.18's text and meta protocols over "
		"UDP as memcached itself does, byte for byte and datagram for datagram (see "
		"docs/kvcache.md), its datagrams taken from XDP straight into user space (AF_XDP), "
		"one worker per receive queue of the device; everything else goes to the kernel. "
		"An LRU table within --memory. Zero-copy where the device has it, copy mode "
		"otherwise (said at start). Over AF_XDP it answers only what the kernel would "
		"deliver to its socket, from where the kernel would send its reply (the kvcache's "
		"rules, docs/kvcache.md); the rest takes the kernel's path to its UDP socket. "
		"Stops on Ctrl-C, SIGTERM or SIGHUP and prints what it served. While it serves, "
		"its counters are published once a second for 'stats' "
		"(/run/offloadlab/afxdp-kv-*.stats); 'cleanup' removes what a killed server "
		"left (serve does it too when it starts)."
		"\vExamples:\n"
		"  offloadlab afxdp-kv serve --dev veth1\n"
		"  offloadlab afxdp-kv serve --dev eth1 --queue 0 --threads 4 --port 11211 "
		"--memory 1024\n"
		"  offloadlab kvcache attach --dev eth1 && offloadlab afxdp-kv serve --dev eth1 "
		"--behind-kvcache   # the XDP cache in front\n"
		"  offloadlab afxdp-kv stats --dev eth1 --format prometheus\n"
		"  offloadlab afxdp-kv stats --dev eth1 --textfile "
		"/var/lib/prometheus/node-exporter\n"
		"  offloadlab afxdp-kv cleanup --dev eth1\n";
	struct argp argp = { options, parse, "serve|stats|cleanup", doc, NULL, NULL, NULL };
	struct akv_pub *pub = NULL;
	struct args a = { .o = { .port = 11211, .memory_mb = 64, .cpu = -1 } };
	struct akv_stats st;
	struct akv_server *s = NULL;
	uint64_t waited = 0;
	int err, i;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (!strcmp(a.cmd, "stats"))
		return akv_stats_cmd(a.o.dev, a.fmt, a.textfile);
	if (!strcmp(a.cmd, "cleanup"))
		return akv_cleanup_cmd(a.o.dev);
	if (geteuid() != 0) {
		fprintf(stderr, "offloadlab afxdp-kv: needs root (CAP_BPF and CAP_NET_ADMIN) to "
				"attach XDP and open AF_XDP sockets\n");
		return EXIT_FAIL;
	}
	log_setup_libbpf();
	if (a.o.behind_cache) {
		a.o.xskmap_fd = kvc_xsk_handoff_pinned(a.o.dev);
		if (a.o.xskmap_fd < 0)
			return EXIT_FAIL;
	}
	err = akv_pub_open(&a.o, a.textfile, &pub);
	if (!err)
		err = akv_server_start(&a.o, &s);
	if (a.o.behind_cache)
		close(a.o.xskmap_fd);
	if (err) {
		akv_pub_close(pub);
		return EXIT_FAIL;
	}
	akv_server_stats(s, &st);
	fprintf(stderr,
		"afxdp-kv: serving UDP port %u on %s, queues %d to %d of its %d, %s; Ctrl-C "
		"stops\n",
		a.o.port, a.o.dev, st.first_queue, st.first_queue + st.threads - 1, st.queues,
		st.zerocopy ? "zero-copy" : "copy mode (the device has no zero-copy)");
	if (st.first_queue > 0 || st.first_queue + st.threads < st.queues)
		fprintf(stderr,
			"afxdp-kv: requests arriving on the other queues of %s reach the server "
			"through the kernel's UDP socket (slower, still answered)\n",
			a.o.dev);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGHUP, on_stop);
	signal(SIGQUIT, on_stop);
	while (!stop && (!a.seconds || waited < a.seconds * 10)) {
		if (waited % 10 == 0)
			akv_pub_tick(pub, s);
		usleep(100000);
		waited++;
	}
	akv_server_stats(s, &st);
	akv_server_stop(s);
	akv_pub_close(pub);
	printf("afxdp-kv: %llu requests, %llu reply datagrams (%llu frames), %llu bad frames "
	       "dropped, %llu replies without room; %llu items, %llu evicted\n",
	       (unsigned long long)st.requests, (unsigned long long)st.replies,
	       (unsigned long long)st.frames_out, (unsigned long long)st.bad,
	       (unsigned long long)st.no_room, (unsigned long long)st.items,
	       (unsigned long long)st.evictions);
	printf("afxdp-kv: requests by way in:");
	for (i = 0; i < st.threads; i++)
		printf(" queue %d %llu,", st.first_queue + i,
		       (unsigned long long)st.queue_requests[i]);
	printf(" the UDP socket %llu; not taken: %llu with a frame header memcached drops too, "
	       "%llu in the binary protocol (not served)\n",
	       (unsigned long long)st.socket_requests, (unsigned long long)st.not_taken,
	       (unsigned long long)st.binary);
	return EXIT_OK;
}
