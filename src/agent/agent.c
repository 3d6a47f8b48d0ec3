// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab agent --stdio: the server's side of an experiment on this host, driven over its
 * standard input and output (docs/agent-protocol.md). It never listens on the network. What it
 * attaches it removes on EOF, on SIGTERM/SIGHUP/SIGINT, and, after a SIGKILL, at the next
 * start (a state file per device says what was changed and by which pid).
 */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "exp/exp.h"
#include "exp/side.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/fdwait.h"
#include "lib/linerd.h"
#include "lib/log.h"
#include "lib/stopsig.h"
#include "version.h"

/* A request line's bytes, its newline not counted: longer ones are refused whole. */
#define AGENT_LINE_MAX 65535

void agent_say(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	free(s);
	json_decref(o);
}

void agent_announce(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	agent_say(json_pack("{s:s}", "event", buf));
}

void agent_fail(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	agent_say(json_pack("{s:b, s:s}", "ok", 0, "error", buf));
}

/* Everything this agent set up on its device removed, and the device as it found it. */
static void agent_restore(struct agent *a)
{
	agent_side_end(a);
	agent_dev_release(a);
}

/* A runtime experiment (no network: maps, jit ...) run here; its result as JSON. */
static void op_run(json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	const struct experiment *e = name ? exp_find(name) : NULL;
	json_int_t samples = json_integer_value(json_object_get(req, "samples"));
	struct run_opts o = { .quick = json_is_true(json_object_get(req, "quick")) };
	struct result r;

	if (!e || e->testbed) {
		agent_fail("'%.40s' is not an experiment the agent runs on its own (runtime ones "
			   "only: they need no network)",
			   name ? name : "");
		return;
	}
	if (samples >= 100 && samples <= 8000)
		o.samples = (unsigned int)samples;
	agent_announce(
		"run the %s experiment here (loads and test-runs BPF programs, attaches nothing)",
		e->name);
	result_init(&r, e->name);
	exp_run(e, &o, &r);
	agent_say(json_pack("{s:b, s:o}", "ok", 1, "result",
			    result_to_json(&r, e->question, e->paper)));
	result_free(&r);
}

/* One request; false when the driver said bye or the protocol cannot go on. */
static bool agent_handle(struct agent *a, json_t *req, bool *hello)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (!op) {
		agent_fail("a request needs an \"op\"");
		return true;
	}
	if (!*hello) {
		json_t *v = json_object_get(req, "version");

		if (strcmp(op, "hello")) {
			agent_fail("say hello first (with the protocol version)");
			return true;
		}
		if (!json_is_integer(v) || json_integer_value(v) != AGENT_PROTO_VERSION) {
			agent_fail(
				"protocol version mismatch: the driver speaks %s%lld, this agent "
				"(offloadlab " OLAB_VERSION ") speaks %d",
				json_is_integer(v) ? "" : "no version, ",
				json_is_integer(v) ? (long long)json_integer_value(v) : 0LL,
				AGENT_PROTO_VERSION);
			return false;
		}
		*hello = true;
		agent_say(json_pack("{s:b, s:i, s:s, s:o}", "ok", 1, "version", AGENT_PROTO_VERSION,
				    "agent", "offloadlab " OLAB_VERSION " (" OLAB_GIT ")", "env",
				    env_capture()));
		return true;
	}
	if (!strcmp(op, "device"))
		agent_op_device(a, req);
	else if (!strcmp(op, "run"))
		op_run(req);
	else if (!strcmp(op, "env"))
		agent_say(json_pack("{s:b, s:o}", "ok", 1, "env", env_capture()));
	else if (!strcmp(op, "bye")) {
		agent_restore(a);
		agent_say(json_pack("{s:b}", "ok", 1));
		return false;
	} else if (agent_side_find(op))
		agent_op_side(a, agent_side_find(op), req);
	else
		agent_fail("no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	return true;
}

static const char agent_doc[] =
	"The server's side of the experiments on this host, for `offloadlab run --remote` (and "
	"`try --remote`) on "
	"another: it reads one JSON request per line on standard input and answers on standard "
	"output (docs/agent-protocol.md). It never listens on the network; run it through ssh. "
	"Everything it attaches is removed on end of input, SIGTERM or SIGHUP, and after a "
	"SIGKILL by the next agent on the same device."
	"\vExamples:\n"
	"  ssh server offloadlab agent --stdio      (what run --remote does)\n"
	"  echo '{\"op\":\"hello\",\"version\":1}' | sudo offloadlab agent --stdio\n"
	"  offloadlab agent --ops                  (docs/agent-protocol.md's rows of the sides)";

static const struct argp_option agent_options[] = {
	{ "stdio", 's', NULL, 0, "Speak the protocol on standard input and output", 0 },
	{ "ops", 'o', NULL, 0,
	  "Print the experiments' server-side ops as the protocol document's table rows", 0 },
	{ 0 },
};

struct agent_args {
	bool stdio, ops;
};

static error_t agent_parse(int key, char *arg, struct argp_state *state)
{
	struct agent_args *a = state->input;

	switch (key) {
	case 's':
		a->stdio = true;
		break;
	case 'o':
		a->ops = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!a->stdio && !a->ops)
			argp_error(state, "say --stdio (the only transport)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* One line of input, or why it is not one; false when the agent is to end. */
static bool agent_line(struct agent *a, enum lr_status st, const char *line, bool *hello)
{
	json_t *req;
	bool go = true;

	if (st == LR_TOOLONG) {
		agent_fail("a request line over %d bytes: refused whole (nothing of it was run)",
			   AGENT_LINE_MAX);
		return true;
	}
	if (st == LR_NUL) {
		agent_fail("a NUL byte in a request line: refused whole (nothing of it was run)");
		return true;
	}
	req = json_loads(line, 0, NULL);
	if (!json_is_object(req))
		agent_fail("a request is one JSON object on one line");
	else
		go = agent_handle(a, req, hello);
	json_decref(req);
	return go;
}

/* The sides' ops as docs/agent-protocol.md's table rows (tests/unit checks the document). */
static int print_ops(void)
{
	const struct exp_side *s;
	const struct side_op *o;
	char row[1024];
	size_t i;

	for (i = 0; (s = agent_side(i)); i++)
		for (o = s->ops; o->name; o++) {
			side_op_row(o, row, sizeof(row));
			puts(row);
		}
	return EXIT_OK;
}

int agent_main(int argc, char **argv)
{
	struct argp argp = { agent_options, agent_parse, NULL, agent_doc, NULL, NULL, NULL };
	struct agent a = { .lock_fd = -1 };
	struct agent_args args = { 0 };
	bool hello = false, go = true;
	static const int stop_sigs[] = { SIGTERM, SIGHUP, SIGINT, 0 };
	struct linerd lr;

	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return EXIT_USAGE;
	if (args.ops)
		return print_ops();
	if (geteuid() != 0) {
		fprintf(stderr,
			"offloadlab agent: needs root (it loads and attaches BPF programs)\n");
		return EXIT_FAIL;
	}
	if (lr_init(&lr, STDIN_FILENO, AGENT_LINE_MAX)) {
		fprintf(stderr, "offloadlab agent: out of memory\n");
		return EXIT_FAIL;
	}
	log_setup_libbpf();
	stopsig_catch(stop_sigs);
	signal(SIGPIPE, SIG_IGN);
	/* every wait for the network (accept, connect) ends when the driver is gone */
	fdwait_watch_end(STDIN_FILENO);
	while (go && !stopsig_pending()) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		enum lr_status st;
		char *line;
		ssize_t n;

		st = lr_next(&lr, &line);
		if (st == LR_EOF)
			break; /* end of input: the driver is gone */
		if (st != LR_MORE) {
			go = agent_line(&a, st, line, &hello);
			continue;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = lr_fill(&lr);
		if (n < 0 && n != -EAGAIN && n != -EINTR)
			break; /* the input is gone as surely as at its end */
	}
	agent_restore(&a);
	lr_free(&lr);
	return hello || go ? EXIT_OK : 2;
}
