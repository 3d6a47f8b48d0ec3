// SPDX-License-Identifier: GPL-2.0
/* offloadlab try's options: parsed and checked before anything is started (exit 64). */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/log.h"
#include "try/try_cli.h"

enum {
	OPT_SERVER = 1000,
	OPT_PORT,
	OPT_PROTO,
	OPT_READY,
	OPT_PLACEMENT,
	OPT_ENGINE,
	OPT_XDP,
	OPT_TCI,
	OPT_TCE,
	OPT_SKSKB,
	OPT_ATTACH,
	OPT_DETACH,
	OPT_REQUESTS,
	OPT_PCAP,
	OPT_CLASS_BY,
	OPT_PRELOAD,
	OPT_PRELOAD_PROTO,
	OPT_RATE,
	OPT_LOADS,
	OPT_DURATION,
	OPT_PIN,
};

const char try_doc[] =
	"Will moving part of my server into the kernel with eBPF make it faster, here? Starts "
	"the server in the testbed's server namespace, sends it the workload with and without the "
	"offload in interleaved phases, and answers: the throughput gain with its CI, each class's "
	"latency and what the offload adds to it (with its CI), what the offload's programs cost, "
	"and the break-even of the offload model "
	"(pays here / does not pay here / inconclusive here)."
	"\vExamples:\n"
	"  offloadlab try --server 'my-udp-server --port {port}' --port 9000 \\\n"
	"      --requests reqs.txt --xdp my_prog.bpf.o:my_xdp\n"
	"  offloadlab try --server 'memcached -u root -l {addr} -U {port} -t 1' \\\n"
	"      --port 11211 --requests gets.txt --preload sets.txt \\\n"
	"      --attach 'offloadlab kvcache attach --dev {dev}' \\\n"
	"      --detach 'offloadlab kvcache detach --dev {dev}'\n"
	"  offloadlab try ... --pcap capture.pcap --class-by '^get =get'\n"
	"  offloadlab try ... --remote srv1 --dev ens1f0 --remote-dev ens1f0 \\\n"
	"      --remote-addr 10.0.0.2       the server on srv1, driven over ssh\n"
	"  examples/*/run.sh in the source tree: four complete ones\n"
	"\n"
	"A requests file has one request a line, 'weight class payload': weight 1..1000000, a "
	"class label the report groups latency by, the payload with C escapes (\\r \\n \\t \\\\ "
	"\\xHH); '#' comments and blank lines are skipped. A pcap gives every client-to-server "
	"UDP or TCP payload to --port as a request. Placeholders in the commands: {addr} (the "
	"server's address), {port}, {dev} (its device). The commands are split on blanks "
	"(quotes group words), never run by a shell.\n"
	"UDP is measured by the XDP load generator where it can run (each request in flight goes "
	"out from a port of its own and its reply is matched by that port, never by its bytes), "
	"with the socket engine beside it as a cross-check; TCP by the socket engine; --engine "
	"chooses.\n"
	"Results go to OUT/<timestamp>/results.json (its \"try\" section: the commands, the "
	"workload's digest, the programs' tags, the verdict) and report.html; 'offloadlab compare' "
	"takes two of them. Needs root. Exit 0: measured (whatever the verdict); 1: it could not "
	"measure; 64: a usage error.";

const struct argp_option try_options[] = {
	{ NULL, 0, NULL, 0, "The server:", 1 },
	{ "server", OPT_SERVER, "'CMD'", 0, "The server's command line ({addr} {port} {dev})", 1 },
	{ "port", OPT_PORT, "PORT", 0, "The port it serves (required)", 1 },
	{ "proto", OPT_PROTO, "udp|tcp", 0, "Its protocol (default udp)", 1 },
	{ "ready", OPT_READY, NULL, 0,
	  "Wait until it answers the workload's first request (not only holds the port)", 1 },
	{ "placement", OPT_PLACEMENT, "paper|shared", 0,
	  "paper (default): the server's device's NAPI in a thread on the server's CPU, as on "
	  "two machines; shared: veth's softirq on the sender's CPU",
	  1 },
	{ NULL, 0, NULL, 0, "The workload:", 2 },
	{ "requests", OPT_REQUESTS, "FILE", 0, "Requests, one 'weight class payload' a line", 2 },
	{ "pcap", OPT_PCAP, "FILE", 0, "Requests from a classic pcap (payloads to --port)", 2 },
	{ "class-by", OPT_CLASS_BY, "REGEX=label", 0,
	  "--pcap: a payload matching REGEX is of class label (first rule wins; else 'other')", 2 },
	{ "preload", OPT_PRELOAD, "FILE", 0,
	  "Requests sent once, in order, before each phase (requests-file format)", 2 },
	{ "preload-proto", OPT_PRELOAD_PROTO, "udp|tcp", 0,
	  "The preload's protocol (default --proto's): e.g. tcp for large writes a UDP server "
	  "would get fragmented",
	  2 },
	{ "loads", OPT_LOADS, "L1,L2..", 0,
	  "Latency loads, % of the capacity without the offload (default 25,50,75; 50 with "
	  "--quick)",
	  2 },
	{ "rate", OPT_RATE, "REQ/S", 0, "One latency load in requests/s instead of --loads", 2 },
	{ "duration", OPT_DURATION, "TIME", 0,
	  "A throughput or latency run (default 2s; 1s with --quick)", 2 },
	{ "engine", OPT_ENGINE, "xdp|socket", 0,
	  "The load generator: xdp (UDP: requests built and replies timed in XDP) or socket; "
	  "default: xdp where it can run, else socket",
	  2 },
	{ NULL, 0, NULL, 0, "The offload (one of):", 3 },
	{ "xdp", OPT_XDP, "OBJ:PROG", 0, "Load PROG of OBJ and attach it at XDP", 3 },
	{ "tc-ingress", OPT_TCI, "OBJ:PROG", 0, "... at TC ingress (tcx)", 3 },
	{ "tc-egress", OPT_TCE, "OBJ:PROG", 0, "... at TC egress (tcx)", 3 },
	{ "sk-skb", OPT_SKSKB, "OBJ:PROG", 0,
	  "... as an sk_skb verdict on a sockmap holding the server's connections (TCP)", 3 },
	{ "attach", OPT_ATTACH, "'CMD'", 0,
	  "Your own loader: the programs it leaves on {dev} (XDP, TC) or on a sockmap (sk_skb, "
	  "sk_msg) are measured",
	  3 },
	{ "detach", OPT_DETACH, "'CMD'", 0, "Undoes --attach; what it leaves is said, then removed",
	  3 },
	{ "pin", OPT_PIN, "DIR", 0,
	  "With OBJ:PROG: its maps pinned as DIR/MAP (DIR on bpffs) while the offload is on, "
	  "for your tools; a name there already is refused; unpinned after",
	  3 },
	{ NULL, 0, NULL, 0, "Output (as offloadlab run):", 4 },
	{ "quick", 'q', NULL, 0, "Few samples (3 pairs, 1 s runs)", 4 },
	{ "samples", 'n', "N", 0, "Interleaved pairs of throughput runs (2..50, default 7)", 4 },
	{ "json", 'j', "FILE", 0, "Also write the JSON document to FILE", 4 },
	{ "out", 'o', "DIR", 0, "Run folder parent (default: results)", 4 },
	{ "no-report", 'R', NULL, 0, "Do not write report.html", 4 },
	{ "budget", 'b', "TIME", 0,
	  "Refuse to start a measurement estimated past this (default 3m with --quick, 20m)", 4 },
	{ "verbose", 'v', NULL, 0, "libbpf debug output and the testbed's commands", 4 },
	{ 0 },
};

/* OBJ:PROG, split at the last ':' (a path may hold one) */
static void obj_prog(struct argp_state *state, struct try_opts *o, enum try_kind k, char *arg,
		     const char *opt)
{
	char *c = strrchr(arg, ':');

	if (o->kind != TK_NONE)
		argp_error(state, "one offload only: --%s and --%s", try_kind_name[o->kind], opt);
	if (!c || c == arg || !c[1])
		argp_error(state,
			   "--%s takes OBJ:PROG (the object file and the program's name), "
			   "not '%s'",
			   opt, arg);
	*c = '\0';
	o->obj = arg;
	o->prog = c + 1;
	o->kind = k;
}

static void parse_loads(struct argp_state *state, struct try_opts *o, const char *arg)
{
	char buf[64], *tok, *save = NULL;
	uint64_t v;

	if (strlen(arg) >= sizeof(buf))
		argp_error(state, "--loads takes up to %d percentages, e.g. 25,50,75", TRY_LOADS_N);
	snprintf(buf, sizeof(buf), "%s", arg);
	o->nloads = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t l = strlen(tok);

		if (l && tok[l - 1] == '%')
			tok[l - 1] = '\0';
		if (o->nloads >= TRY_LOADS_N || cli_parse_u64(tok, 1, 100, &v))
			argp_error(state,
				   "--loads takes up to %d percentages 1..100 (e.g. 25,50,75), not "
				   "'%s'",
				   TRY_LOADS_N, arg);
		o->loads[o->nloads++] = (unsigned int)v;
	}
	if (!o->nloads)
		argp_error(state, "--loads is empty");
}

/* Whether the command line splits (its placeholders known), else a usage error. */
static void check_cmd(struct argp_state *state, const char *opt, const char *cmd)
{
	char why[200];

	if (try_split_check(cmd, why, sizeof(why)))
		argp_error(state, "%s: %s", opt, why);
}

static void check_end(struct argp_state *state, struct try_opts *o)
{
	if (!o->server)
		argp_error(state, "--server 'CMD' is required: the server to measure");
	if (!o->port)
		argp_error(state, "--port is required: the port the server serves");
	if (!o->requests && !o->pcap)
		argp_error(state, "a workload is required: --requests FILE or --pcap FILE");
	if (o->requests && o->pcap)
		argp_error(state, "one workload: --requests or --pcap, not both");
	if (o->preload_tcp_set && !o->preload)
		argp_error(state, "--preload-proto goes with --preload FILE");
	if (o->class_by.n && !o->pcap)
		argp_error(state, "--class-by is for --pcap (a requests file names its classes)");
	if (o->kind == TK_NONE)
		argp_error(state, "an offload is required: --xdp, --tc-ingress, --tc-egress, "
				  "--sk-skb OBJ:PROG, or --attach 'CMD' --detach 'CMD'");
	if (o->kind == TK_CMD && !o->detach)
		argp_error(state, "--attach needs --detach 'CMD' (what undoes it)");
	if (o->detach && o->kind != TK_CMD)
		argp_error(state, "--detach goes with --attach");
	if (o->pin && (o->kind == TK_CMD || !o->pin[0]))
		argp_error(state,
			   "--pin DIR goes with --xdp, --tc-ingress, --tc-egress or --sk-skb "
			   "(an --attach command pins its own maps)");
	if (o->kind == TK_SK_SKB && !o->tcp)
		argp_error(state, "--sk-skb runs on TCP connections: add --proto tcp");
	if (o->engine == TE_XDP && o->tcp)
		argp_error(state, "--engine xdp sends UDP only: --engine socket for --proto tcp");
	check_cmd(state, "--server", o->server);
	if (o->attach)
		check_cmd(state, "--attach", o->attach);
	if (o->detach)
		check_cmd(state, "--detach", o->detach);
	if (!o->nloads) {
		o->loads[0] = o->ro.quick ? 50 : 25;
		o->loads[1] = 50;
		o->loads[2] = 75;
		o->nloads = o->ro.quick ? 1 : 3;
	}
	if (o->rate > 0)
		o->nloads = 1;
}

error_t try_parse(int key, char *arg, struct argp_state *state)
{
	struct try_opts *o = state->input;
	char why[300];
	uint64_t v;

	switch (key) {
	case OPT_SERVER:
		o->server = arg;
		break;
	case OPT_PORT:
		o->port = (uint16_t)cli_arg_u64(state, "--port", arg, 1, 65535);
		break;
	case OPT_PROTO:
		if (strcmp(arg, "udp") && strcmp(arg, "tcp"))
			argp_error(state, "--proto is udp or tcp, not '%s'", arg);
		o->tcp = !strcmp(arg, "tcp");
		break;
	case OPT_READY:
		o->ready = true;
		break;
	case OPT_PLACEMENT:
		if (strcmp(arg, "paper") && strcmp(arg, "shared"))
			argp_error(state, "--placement is paper or shared, not '%s'", arg);
		o->placement = strcmp(arg, "paper") ? TP_SHARED : TP_PAPER;
		break;
	case OPT_XDP:
		obj_prog(state, o, TK_XDP, arg, "xdp");
		break;
	case OPT_TCI:
		obj_prog(state, o, TK_TC_INGRESS, arg, "tc-ingress");
		break;
	case OPT_TCE:
		obj_prog(state, o, TK_TC_EGRESS, arg, "tc-egress");
		break;
	case OPT_SKSKB:
		obj_prog(state, o, TK_SK_SKB, arg, "sk-skb");
		break;
	case OPT_ATTACH:
		if (o->kind != TK_NONE)
			argp_error(state, "one offload only: --%s and --attach",
				   try_kind_name[o->kind]);
		o->attach = arg;
		o->kind = TK_CMD;
		break;
	case OPT_DETACH:
		o->detach = arg;
		break;
	case OPT_PIN:
		o->pin = arg;
		break;
	case OPT_REQUESTS:
		o->requests = arg;
		break;
	case OPT_PCAP:
		o->pcap = arg;
		break;
	case OPT_CLASS_BY:
		if (wl_class_by_add(&o->class_by, arg, why, sizeof(why)))
			argp_error(state, "%s", why);
		break;
	case OPT_PRELOAD:
		o->preload = arg;
		break;
	case OPT_PRELOAD_PROTO:
		if (strcmp(arg, "udp") && strcmp(arg, "tcp"))
			argp_error(state, "--preload-proto is udp or tcp, not '%s'", arg);
		o->preload_tcp_set = true;
		o->preload_tcp = !strcmp(arg, "tcp");
		break;
	case OPT_RATE:
		v = cli_arg_u64(state, "--rate", arg, 1, 10000000);
		o->rate = (double)v;
		break;
	case OPT_LOADS:
		parse_loads(state, o, arg);
		break;
	case OPT_DURATION:
		if (cli_parse_duration_ns(arg, &v) || v < 100000000ULL || v > 60000000000ULL)
			argp_error(state, "--duration takes 100ms..60s (e.g. 2s), not '%s'", arg);
		o->duration_ns = v;
		break;
	case OPT_ENGINE:
		if (strcmp(arg, "xdp") && strcmp(arg, "socket"))
			argp_error(state, "--engine is xdp or socket, not '%s'", arg);
		o->engine = strcmp(arg, "xdp") ? TE_SOCKET : TE_XDP;
		break;
	case 'q':
		o->ro.quick = true;
		break;
	case 'n':
		o->samples = (unsigned int)cli_arg_u64(state, "--samples", arg, 2, 50);
		break;
	case 'j':
		o->json = arg;
		break;
	case 'o':
		if (!arg[0])
			argp_error(state, "--out takes a folder, not an empty name");
		o->out = arg;
		break;
	case 'R':
		o->no_report = true;
		break;
	case 'b':
		if (cli_parse_duration_ns(arg, &v) || v < 1000000000ULL ||
		    v > 86400ULL * 1000000000ULL)
			argp_error(state, "--budget takes 1s..24h (e.g. 90s, 10m), not '%s'", arg);
		o->budget_s = (double)v / 1e9;
		break;
	case 'v':
		log_verbose = 1;
		break;
	case ARGP_KEY_ARG:
		argp_error(state,
			   "unexpected argument '%s' (the server's command goes in "
			   "--server 'CMD')",
			   arg);
		break;
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->remote; /* remote_argp's */
		break;
	case ARGP_KEY_END:
		check_end(state, o);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}
