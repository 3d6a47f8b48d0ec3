// SPDX-License-Identifier: GPL-2.0
/* offloadlab loadgen: the generator on its own, against any address (remote mode). */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/atomicfile.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/results.h"
#include "loadgen/loadgen.h"
#include "lib/table_fmt.h"

struct lg_args {
	struct lg_opts o;
	const char *json;
	bool have_dst, have_batch;
	double zipf;
};

static const struct argp_option options[] = {
	{ "dst", 'd', "ADDR:PORT", 0, "Server to load (required), e.g. 198.18.0.2:7", 0 },
	{ "tcp", 't', NULL, 0, "TCP (one connection, pipelined) instead of UDP", 0 },
	{ "engine", 'e', "ENGINE", 0,
	  "socket (default) or xdp: requests built by an XDP program in live-frames mode, "
	  "replies timed by XDP on the device (UDP, IPv4; needs root)",
	  0 },
	{ "dev", 'i', "DEV", 0, "xdp: the generator's device (default: the route's to --dst)", 0 },
	{ "mode", 'm', "MODE", 0, "closed (default), fixed, poisson or flood (as fast as it goes)",
	  0 },
	{ "rate", 'r', "REQ/S", 0, "Open-loop rate (default 10000)", 0 },
	{ "outstanding", 'o', "N", 0, "Closed loop: requests in flight (default 1)", 0 },
	{ "duration", 'D', "TIME", 0, "How long to send: 500ms, 5s, 1m (default 1s; max 10m)", 0 },
	{ "count", 'c', "N", 0, "Stop after N requests", 0 },
	{ "size", 's', "BYTES", 0, "Request size, 16..8192 (default 64)", 0 },
	{ "cpu", 'C', "CPU", 0,
	  "Pin the generator to this CPU (xdp: and the device's NAPI, as threads, while it runs)",
	  0 },
	{ "batch", 'b', "N", 0,
	  "socket: sendmmsg/recvmmsg batch, 1..64 (default 16); xdp: frames per live-frames "
	  "batch, 1..256 (default 64): they leave together, so small for latency, large for "
	  "throughput",
	  0 },
	{ "timeout", 'T', "TIME", 0, "A request unanswered this long is lost (default 100ms)", 0 },
	{ "json", 'j', "FILE", 0, "Write the result as JSON", 0 },
	{ "app", 'a', "APP", 0,
	  "echo (default), memcached (text protocol; UDP framed) or sink (datagrams nobody "
	  "answers)",
	  0 },
	{ "keys", 'k', "N", 0,
	  "memcached: keys olab:0 .. olab:N-1, numbers zero-padded to one width (default 100)", 0 },
	{ "multi", 'M', "N", 0, "memcached: keys per GET, 1..16 (default 1)", 0 },
	{ "zipf", 'z', "S", 0,
	  "memcached: draw keys by a Zipf law of exponent S (default: uniform)", 0 },
	{ "value-size", 'V', "BYTES", 0, "memcached: value size for sets (default 64)", 0 },
	{ "set-pct", 'S', "PCT", 0, "memcached: share of sets, 0..100 (default 10)", 0 },
	{ 0 },
};

static struct lg_app app; /* the echo codec with the chosen size, memcached, or the sink */
static struct lg_mc mc = { .keys = 100, .set_pct = 10, .value_size = 64 };
static bool use_mc;

/* What only the end of the options can check: the engine against the rest. */
static void check_engine(struct lg_args *a, struct argp_state *state)
{
	if (a->o.engine == LG_ENGINE_SOCKET) {
		if (a->have_batch && a->o.batch > 64)
			argp_error(state, "--batch takes 1..64 with the socket engine");
		if (a->o.ifname[0])
			argp_error(state, "--dev is the XDP engine's (--engine xdp)");
		return;
	}
	if (a->o.l4 == LG_TCP)
		argp_error(state, "the XDP engine sends UDP only: no --tcp");
	if (!a->have_batch)
		a->o.batch = 64;
	if (use_mc && mc.set_pct)
		argp_error(state, "the XDP engine sends GETs only: add --set-pct 0");
	/* the frame, and one byte the engine trims off every time */
	if (!use_mc && app.size + 42 + 1 > lg_xdp_frame_max())
		argp_error(state,
			   "a %zu-byte request makes a %zu-byte frame: live frames take at most "
			   "%zu (a page less its headroom); --size up to %zu",
			   app.size, app.size + 42, lg_xdp_frame_max() - 1,
			   lg_xdp_frame_max() - 43);
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct lg_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'e':
		if (!strcmp(arg, "socket"))
			a->o.engine = LG_ENGINE_SOCKET;
		else if (!strcmp(arg, "xdp"))
			a->o.engine = LG_ENGINE_XDP;
		else
			argp_error(state, "--engine is socket or xdp, not '%s'", arg);
		break;
	case 'i':
		if (!arg[0] || strlen(arg) >= sizeof(a->o.ifname))
			argp_error(state, "--dev takes a device name (1..15 characters), not '%s'",
				   arg);
		snprintf(a->o.ifname, sizeof(a->o.ifname), "%s", arg);
		break;
	case 'M':
		if (cli_parse_u64(arg, 1, 16, &v))
			argp_error(state, "--multi takes 1..16 keys, not '%s'", arg);
		mc.multi = (unsigned int)v;
		break;
	case 'z': {
		char *end;

		errno = 0;
		a->zipf = strtod(arg, &end);
		if (errno || *end || end == arg || !(a->zipf > 0) || a->zipf > 10)
			argp_error(state, "--zipf takes an exponent in (0, 10], not '%s'", arg);
		break;
	}
	case 'd':
		if (lg_parse_addr(arg, &a->o.dst, &a->o.dstlen))
			argp_error(state, "--dst takes ADDR:PORT with a numeric address, not '%s'",
				   arg);
		a->have_dst = true;
		break;
	case 't':
		a->o.l4 = LG_TCP;
		break;
	case 'm':
		if (!strcmp(arg, "closed"))
			a->o.mode = LG_CLOSED;
		else if (!strcmp(arg, "fixed"))
			a->o.mode = LG_FIXED;
		else if (!strcmp(arg, "poisson"))
			a->o.mode = LG_POISSON;
		else if (!strcmp(arg, "flood"))
			a->o.mode = LG_FLOOD;
		else
			argp_error(state, "--mode is closed, fixed, poisson or flood, not '%s'",
				   arg);
		break;
	case 'r':
		if (cli_parse_u64(arg, 1, 100000000, &v))
			argp_error(state, "--rate takes 1..100000000 requests/s, not '%s'", arg);
		a->o.rate = (double)v;
		break;
	case 'o':
		if (cli_parse_u64(arg, 1, 4096, &v))
			argp_error(state, "--outstanding takes 1..4096, not '%s'", arg);
		a->o.outstanding = (unsigned int)v;
		break;
	case 'D':
		if (cli_parse_duration_ns(arg, &v) || v == 0 || v > 600000000000ULL)
			argp_error(state, "--duration takes a time up to 10m (500ms, 5s), not '%s'",
				   arg);
		a->o.duration_ns = v;
		break;
	case 'T':
		if (cli_parse_duration_ns(arg, &v) || v == 0 || v > 10000000000ULL)
			argp_error(state, "--timeout takes a time up to 10s, not '%s'", arg);
		a->o.timeout_ns = v;
		break;
	case 'c':
		if (cli_parse_u64(arg, 1, UINT64_MAX, &a->o.count))
			argp_error(state, "--count takes a positive number, not '%s'", arg);
		break;
	case 's':
		if (cli_parse_u64(arg, 16, 8192, &v))
			argp_error(state, "--size takes 16..8192 bytes, not '%s'", arg);
		app.size = (size_t)v;
		break;
	case 'C':
		if (cli_parse_u64(arg, 0, 4095, &v))
			argp_error(state, "--cpu takes a CPU number, not '%s'", arg);
		a->o.cpu = (int)v;
		break;
	case 'b':
		if (cli_parse_u64(arg, 1, 256, &v))
			argp_error(state, "--batch takes 1..64 (socket) or 1..256 (xdp), not '%s'",
				   arg);
		a->o.batch = (unsigned int)v;
		a->have_batch = true;
		break;
	case 'j':
		a->json = arg;
		break;
	case 'a':
		if (strcmp(arg, "echo") && strcmp(arg, "memcached") && strcmp(arg, "sink"))
			argp_error(state,
				   "--app (the request kind) is echo, memcached or sink, not "
				   "'%s'",
				   arg);
		use_mc = !strcmp(arg, "memcached");
		if (!strcmp(arg, "sink")) {
			size_t size = app.size;

			app = lg_sink_app;
			app.size = size;
		}
		break;
	case 'k':
		if (cli_parse_u64(arg, 1, 100000000, &v))
			argp_error(state, "--keys takes 1..100000000, not '%s'", arg);
		mc.keys = (unsigned int)v;
		break;
	case 'V':
		if (cli_parse_u64(arg, 0, 1000000, &v))
			argp_error(state, "--value-size takes 0..1000000 bytes, not '%s'", arg);
		mc.value_size = (size_t)v;
		break;
	case 'S':
		if (cli_parse_u64(arg, 0, 100, &v))
			argp_error(state, "--set-pct takes 0..100, not '%s'", arg);
		mc.set_pct = (unsigned int)v;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!a->have_dst)
			argp_error(state, "--dst ADDR:PORT is required");
		check_engine(a, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static volatile int stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_result(const struct lg_opts *o, const struct lg_result *r, struct metric *m)
{
	printf("sent %llu, received %llu, lost %llu, bad %llu, late sends %llu, %.2f s\n",
	       (unsigned long long)r->sent, (unsigned long long)r->received,
	       (unsigned long long)r->lost, (unsigned long long)r->bad, (unsigned long long)r->late,
	       r->elapsed_s);
	printf("offered %.0f req/s, achieved %.0f req/s\n", r->offered_rps, r->achieved_rps);
	if (o->engine == LG_ENGINE_XDP)
		printf("xdp engine on %s, batch %u: built %llu, not sent %s%llu (device queue "
		       "full), slots not due %llu, window full %llu, unmatched %llu, late replies "
		       "%llu, most in flight %llu, %.0f ns to build one\n",
		       r->x.dev, r->batch, (unsigned long long)r->x.built,
		       r->x.xmit_counted ? "" : "(not counted here) ",
		       (unsigned long long)r->x.not_sent, (unsigned long long)r->x.not_due,
		       (unsigned long long)r->x.window_full, (unsigned long long)r->x.unmatched,
		       (unsigned long long)r->x.late_replies, (unsigned long long)r->x.max_inflight,
		       r->x.build_ns);
	if (use_mc)
		printf("memcached: hits %llu, misses %llu, stored %llu, errors %llu, wrong-size "
		       "values %llu\n",
		       (unsigned long long)mc.hits, (unsigned long long)mc.misses,
		       (unsigned long long)mc.stored, (unsigned long long)mc.errors,
		       (unsigned long long)mc.bad_values);
	if (m && !m->unavailable[0]) {
		char p50[24], p99[24], p999[24], mx[24];

		table_fmt(m->s.p50, "ns", p50, sizeof(p50));
		table_fmt(m->s.p99, "ns", p99, sizeof(p99));
		table_fmt(m->s.p999, "ns", p999, sizeof(p999));
		table_fmt(m->s.max, "ns", mx, sizeof(mx));
		printf("latency (live, n=%llu): median %s, p99 %s, p99.9 %s, max %s\n",
		       (unsigned long long)m->s.n, p50, p99, p999, mx);
	}
}

static int write_json(const char *path, const struct lg_opts *o, const struct lg_result *r,
		      const struct result *res)
{
	json_t *doc = result_to_json(res, "load generator run", "-");
	int err;

	json_object_set_new(doc, "engine", json_string(lg_engine_name(o->engine)));
	json_object_set_new(doc, "batch", json_integer(r->batch));
	json_object_set_new(doc, "sent", json_integer((json_int_t)r->sent));
	json_object_set_new(doc, "received", json_integer((json_int_t)r->received));
	json_object_set_new(doc, "lost", json_integer((json_int_t)r->lost));
	json_object_set_new(doc, "bad", json_integer((json_int_t)r->bad));
	json_object_set_new(doc, "offered_rps", json_real(r->offered_rps));
	json_object_set_new(doc, "achieved_rps", json_real(r->achieved_rps));
	if (o->engine == LG_ENGINE_XDP)
		json_object_set_new(
			doc, "xdp",
			json_pack("{s:s, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:f}", "dev", r->x.dev,
				  "built", (json_int_t)r->x.built, "not_sent",
				  r->x.xmit_counted ? json_integer((json_int_t)r->x.not_sent)
						    : json_null(),
				  "not_due", (json_int_t)r->x.not_due, "window_full",
				  (json_int_t)r->x.window_full, "unmatched",
				  (json_int_t)r->x.unmatched, "late_replies",
				  (json_int_t)r->x.late_replies, "max_inflight",
				  (json_int_t)r->x.max_inflight, "build_ns", r->x.build_ns));
	if (use_mc)
		json_object_set_new(doc, "memcached",
				    json_pack("{s:I, s:I}", "hits", (json_int_t)mc.hits, "misses",
					      (json_int_t)mc.misses));
	err = results_write_json(path, doc);
	if (err)
		log_errno(err, "write %s", path);
	json_decref(doc);
	return err;
}

/* Digits of n - 1: the width that makes keys 0 .. n-1 all one length. */
static unsigned int digits_for(unsigned int n)
{
	unsigned int d = 1, v = n ? n - 1 : 0;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

int loadgen_main(int argc, char **argv)
{
	static const char doc[] =
		"Load an echo or memcached server and report latency and throughput. Closed loop "
		"keeps N requests in flight; open loop (fixed or poisson) sends at a rate and "
		"measures latency from each request's intended send time, so a slow server cannot "
		"hide behind a slowed-down generator. Bounded by --duration and --count. The "
		"socket engine is one thread with a socket; the XDP engine (--engine xdp) builds "
		"each request in an XDP program that BPF_PROG_RUN runs in live-frames mode on the "
		"device, and times the replies in XDP, so that it outruns the servers it loads."
		"\vExamples:\n"
		"  offloadlab loadgen --dst 198.18.0.2:7 --mode poisson --rate 20000 -D 5s\n"
		"  offloadlab loadgen --dst 198.18.0.2:7 --outstanding 32 -D 2s --cpu 0\n"
		"  offloadlab loadgen --dst 127.0.0.1:7007 --tcp --count 100000 --json lg.json\n"
		"  offloadlab loadgen --dst 198.18.0.2:11211 --app memcached --set-pct 0 -o 16\n"
		"  offloadlab loadgen --engine xdp --dst 198.18.0.2:11211 --app memcached "
		"--set-pct 0 -o 128 --cpu 0 -D 2s\n"
		"  offloadlab loadgen --engine xdp --dst 198.18.0.2:9 --app sink --mode flood -D "
		"1s";
	struct argp argp = { options, parse, NULL, doc, NULL, NULL, NULL };
	struct lg_args a;
	struct lg_result r;
	struct result res;
	struct metric *m;
	char why[512];
	int err;

	lg_opts_default(&a.o);
	a.json = NULL;
	a.have_dst = a.have_batch = false;
	a.zipf = 0;
	app = lg_echo_app;
	a.o.app = &app;
	a.o.stop = &stop;
	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	if (a.json && out_check(a.json, why, sizeof(why)) < 0) {
		fprintf(stderr, "offloadlab loadgen: --json: %s\n", why);
		return EXIT_FAIL;
	}
	if (use_mc) {
		mc.udp = a.o.l4 == LG_UDP;
		mc.key_digits = digits_for(mc.keys);
		lg_mc_app(&app, &mc);
		/* a UDP reply can carry one datagram's worth of value */
		if (mc.udp && mc.value_size > 1400) {
			fprintf(stderr, "offloadlab loadgen: over UDP, --value-size must fit one "
					"datagram (<= 1400)\n");
			return EXIT_USAGE;
		}
		if (a.zipf > 0 && lg_mc_zipf(&mc, a.zipf)) {
			fprintf(stderr, "offloadlab loadgen: --zipf needs --keys up to 16777216\n");
			return EXIT_USAGE;
		}
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	err = lg_run(&a.o, &r);
	if (err) {
		lg_mc_free(&mc);
		if (a.o.engine == LG_ENGINE_XDP &&
		    (err == -ERANGE || err == -EOPNOTSUPP || err == -EMSGSIZE || err == -EINVAL)) {
			fprintf(stderr, "offloadlab loadgen: the options do not fit this engine, "
					"device or server (above)\n");
			return EXIT_USAGE;
		}
		log_errno(err, "run the load generator");
		return EXIT_FAIL;
	}
	result_init(&res, "loadgen");
	m = result_add(&res, "loadgen.latency", "latency", "ns", METHOD_LIVE);
	if (m)
		metric_set_hist(m, r.lat, 0);
	print_result(&a.o, &r, m);
	err = a.json ? write_json(a.json, &a.o, &r, &res) : 0;
	result_free(&res);
	lg_result_free(&r);
	lg_mc_free(&mc);
	return err ? EXIT_FAIL : EXIT_OK;
}
