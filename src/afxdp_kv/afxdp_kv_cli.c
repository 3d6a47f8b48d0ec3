// SPDX-License-Identifier: GPL-2.0
/* offloadlab afxdp-kv serve: the AF_XDP key-value server on a device until stopped. */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "afxdp_kv/afxdp_kv_serve.h"
#include "kvcache/kvc.h"
#include "lib/admit.h"
#include "lib/cli.h"
#include "lib/log.h"

struct args {
	struct akv_opts o;
	uint64_t seconds;
};

static const struct argp_option options[] = {
	{ "dev", 'd', "IFACE", 0, "Serve on this device (required)", 0 },
	{ "queue", 'q', "Q", 0, "First receive queue (default 0)", 0 },
	{ "threads", 't', "N", 0, "Workers, one per queue from --queue (default 1)", 0 },
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
		if (state->arg_num > 0 || strcmp(arg, "serve"))
			argp_error(state, "unexpected argument '%s' (the command is 'serve')", arg);
		break;
	case ARGP_KEY_END:
		if (state->arg_num < 1)
			argp_error(state, "say 'serve'");
		if (!a->o.dev)
			argp_error(state, "serve needs --dev IFACE");
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
		"A key-value server speaking memcached's text protocol over UDP on AF_XDP: "
		"datagrams for the port go from XDP straight to user space, everything else to "
		"the kernel. get/gets/gat/gats (multi-key), set/add/replace/append/prepend/cas, "
		"incr/decr, delete, touch, flush_all, version; memcached's replies and CAS; an "
		"LRU table within --memory. Zero-copy where the device has it, copy mode "
		"otherwise (said at start). Over AF_XDP it answers only what the kernel would "
		"deliver to its socket, from where the kernel would send its reply (the kvcache's "
		"rules, docs/kvcache.md); the rest takes the kernel's path to its UDP socket. "
		"Stops "
		"on Ctrl-C, SIGTERM or SIGHUP and prints what it served."
		"\vExamples:\n"
		"  offloadlab afxdp-kv serve --dev veth1\n"
		"  offloadlab afxdp-kv serve --dev eth1 --queue 0 --threads 4 --port 11211 "
		"--memory 1024\n"
		"  offloadlab kvcache attach --dev eth1 && offloadlab afxdp-kv serve --dev eth1 "
		"--behind-kvcache   # the XDP cache in front\n";
	struct argp argp = { options, parse, "serve", doc, NULL, NULL, NULL };
	struct args a = { .o = { .threads = 1, .port = 11211, .memory_mb = 64, .cpu = -1 } };
	struct akv_stats st;
	struct akv_server *s = NULL;
	uint64_t waited = 0;
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
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
	err = akv_server_start(&a.o, &s);
	if (a.o.behind_cache)
		close(a.o.xskmap_fd);
	if (err)
		return EXIT_FAIL;
	akv_server_stats(s, &st);
	fprintf(stderr, "afxdp-kv: serving UDP port %u on %s, queues %d to %d, %s; Ctrl-C stops\n",
		a.o.port, a.o.dev, a.o.queue, a.o.queue + a.o.threads - 1,
		st.zerocopy ? "zero-copy" : "copy mode (the device has no zero-copy)");
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGHUP, on_stop);
	signal(SIGQUIT, on_stop);
	while (!stop && (!a.seconds || waited < a.seconds * 10)) {
		usleep(100000);
		waited++;
	}
	akv_server_stats(s, &st);
	akv_server_stop(s);
	printf("afxdp-kv: %llu requests, %llu replies (%llu frames), %llu bad frames dropped, "
	       "%llu replies without room; %llu items, %llu evicted\n",
	       (unsigned long long)st.requests, (unsigned long long)st.replies,
	       (unsigned long long)st.frames_out, (unsigned long long)st.bad,
	       (unsigned long long)st.no_room, (unsigned long long)st.items,
	       (unsigned long long)st.evictions);
	return EXIT_OK;
}
