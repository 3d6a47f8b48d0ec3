// SPDX-License-Identifier: GPL-2.0
/* The driver's end of the agent protocol: start the agent, ask, read its answers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "remote/remote.h"
#include "lib/bpfutil.h"
#include "lib/jbound.h"
#include "lib/linerd.h"
#include "lib/log.h"
#include "lib/safecopy.h"
#include "lib/termsafe.h"

#define REMOTE_LINE_MAX (1 << 20) /* kv's wake-up samples, hooks' rows: well below */

struct remote {
	struct remote_opts o;
	pid_t pid;
	int to, from;	      /* the agent's standard input and output */
	struct linerd lr;     /* its lines */
	struct safecopy *err; /* its standard error (and ssh's), escaped, to ours */
	bool dead;	      /* the connection is gone: every later call fails at once */
	uint8_t mac[6];	      /* the server's device */
};

void remote_peer_mac(const struct remote *r, uint8_t mac[6])
{
	memcpy(mac, r->mac, 6);
}

bool remote_alive(const struct remote *r)
{
	return r && !r->dead;
}

/* The connection is gone: said once, on stderr. */
static void gone(struct remote *r, const char *why)
{
	if (!r->dead)
		fprintf(stderr, "offloadlab: the agent on %s: %s\n", r->o.host, why);
	r->dead = true;
}

const struct remote_opts *remote_opts_of(const struct remote *r)
{
	return &r->o;
}

/* A word for the other host's shell (ssh runs the command through it): safe characters only. */
static bool shell_safe(const char *s)
{
	if (!s || !*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._:/"
			    "+-=",
			    *s))
			return false;
	return true;
}

/*
 * argv for the agent: the command prefix split on spaces (no shell here), then the agent; or
 * -errno with why written.
 */
static int agent_argv(const struct remote_opts *o, char *store, size_t len, char **argv, int max,
		      char *why, size_t whylen)
{
	int n = 0;
	char *p, *save = NULL;

	if (!shell_safe(o->bin)) {
		snprintf(why, whylen,
			 "refused: the agent's path (--remote-bin) may hold letters, digits and "
			 "@._:/+-= only, and not start with '-'");
		return -EINVAL;
	}
	if (o->cmd) {
		if (strlen(o->cmd) >= len) {
			snprintf(why, whylen, "--remote-cmd is longer than %zu bytes", len - 1);
			return -E2BIG;
		}
		snprintf(store, len, "%s", o->cmd);
		for (p = strtok_r(store, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
			if (n >= max - 4) {
				snprintf(why, whylen, "--remote-cmd has more than %d words",
					 max - 4);
				return -E2BIG;
			}
			argv[n++] = p;
		}
		if (n == 0) {
			snprintf(why, whylen,
				 "--remote-cmd is empty: give the command that reaches the other "
				 "host (e.g. 'ssh -p 2222 srv1'), or --remote HOST alone");
			return -EINVAL;
		}
	} else {
		if (!shell_safe(o->host)) {
			snprintf(
				why, whylen,
				"refused: the host may hold letters, digits and @._:/+-= only, and "
				"not start with '-'");
			return -EINVAL;
		}
		argv[n++] = "ssh";
		argv[n++] = "-T";
		argv[n++] = "-o";
		argv[n++] = "BatchMode=yes";
		argv[n++] = (char *)o->host;
	}
	argv[n++] = (char *)o->bin;
	argv[n++] = "agent";
	argv[n++] = "--stdio";
	argv[n] = NULL;
	return n;
}

static int spawn(struct remote *r, char *why, size_t whylen)
{
	char store[1024], *argv[64];
	int in[2], out[2], errp[2], err;

	err = agent_argv(&r->o, store, sizeof(store), argv, 64, why, whylen);
	if (err < 0)
		return err;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -errno;
	}
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -errno;
	}
	if (r->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "offloadlab: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	r->to = in[1];
	r->from = out[0];
	/* what the other host writes on its standard error reaches this terminal escaped too */
	r->err = safecopy_start(errp[0], stderr);
	if (!r->err)
		close(errp[0]);
	return 0;
}

/*
 * The next line from the agent, or NULL (past the deadline, end, too long, a NUL byte) with
 * why written. The deadline is the request's: lines that come meanwhile do not move it.
 */
static char *read_line(struct remote *r, uint64_t deadline, char *why, size_t whylen)
{
	for (;;) {
		struct pollfd p = { .fd = r->from, .events = POLLIN };
		uint64_t now = bpfu_now_ns();
		char *line;
		ssize_t n;

		switch (lr_next(&r->lr, &line)) {
		case LR_LINE:
			return line;
		case LR_TOOLONG:
			snprintf(why, whylen, "the agent sent a line over %d bytes",
				 REMOTE_LINE_MAX);
			return NULL;
		case LR_NUL:
			snprintf(why, whylen, "the agent sent a line with a NUL byte in it");
			return NULL;
		case LR_EOF:
			snprintf(why, whylen, "the agent ended (connection closed)");
			return NULL;
		case LR_MORE:
			break;
		}
		if (now >= deadline || poll(&p, 1, (int)((deadline - now) / 1000000ULL) + 1) <= 0) {
			if (bpfu_now_ns() < deadline && errno == EINTR)
				continue;
			snprintf(why, whylen, "the agent did not answer within %u s",
				 r->o.timeout_s);
			return NULL;
		}
		n = lr_fill(&r->lr);
		if (n < 0 && n != -EINTR && n != -EAGAIN) {
			snprintf(why, whylen, "the agent ended (reading from it: %s)",
				 strerror((int)-n));
			return NULL;
		}
	}
}

json_t *remote_call(struct remote *r, json_t *req, char *why, size_t whylen)
{
	char *s = json_dumps(req, JSON_COMPACT);
	size_t len = s ? strlen(s) : 0;
	uint64_t deadline = bpfu_now_ns() + (uint64_t)r->o.timeout_s * 1000000000ULL;
	json_t *ans = NULL;

	json_decref(req);
	if (r->dead) {
		snprintf(why, whylen, "the agent ended earlier in this run");
		free(s);
		return NULL;
	}
	if (!s || write(r->to, s, len) != (ssize_t)len || write(r->to, "\n", 1) != 1) {
		snprintf(why, whylen, "the agent ended (cannot write to it: %s)", strerror(errno));
		gone(r, why);
		free(s);
		return NULL;
	}
	free(s);
	for (;;) {
		char *line = read_line(r, deadline, why, whylen);
		json_error_t e;

		if (!line) {
			gone(r, why);
			return NULL;
		}
		ans = json_loads(line, 0, &e);
		if (!json_is_object(ans)) {
			snprintf(why, whylen, "the agent sent something that is not a JSON object");
			gone(r, why);
			json_decref(ans);
			return NULL;
		}
		/* its strings may reach the terminal (events, errors, labels): no escapes */
		if (json_term_safe(ans)) {
			snprintf(why, whylen, "out of memory reading the agent's answer");
			gone(r, why);
			json_decref(ans);
			return NULL;
		}
		if (json_is_string(json_object_get(ans, "event"))) {
			/* what the agent is about to change on its host: said before it is done */
			fprintf(stderr, "offloadlab: on %s: %s\n", r->o.host,
				json_string_value(json_object_get(ans, "event")));
			json_decref(ans);
			continue;
		}
		break;
	}
	if (!json_is_true(json_object_get(ans, "ok"))) {
		const char *e = json_string_value(json_object_get(ans, "error"));

		snprintf(why, whylen, "%s", e ? e : "the agent refused without saying why");
		json_decref(ans);
		return NULL;
	}
	return ans;
}

void remote_close(struct remote *r)
{
	char why[64];
	int i;

	if (!r)
		return;
	if (r->to >= 0 && !r->dead)
		json_decref(remote_call(r, json_pack("{s:s}", "op", "bye"), why, sizeof(why)));
	if (r->to >= 0)
		close(r->to);
	for (i = 0; r->pid > 0 && i < 50; i++) {
		if (waitpid(r->pid, NULL, WNOHANG) == r->pid) {
			r->pid = 0;
			break;
		}
		usleep(100000);
	}
	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		waitpid(r->pid, NULL, 0);
	}
	if (r->from >= 0)
		close(r->from);
	safecopy_stop(r->err);
	lr_free(&r->lr);
	free(r);
}

/* The agent answered hello in the version asked, or why is written. */
static bool hello_version_ok(json_t *ans, char *why, size_t whylen)
{
	json_t *v = json_object_get(ans, "version");
	int64_t got;

	if (jb_int_in(v, AGENT_PROTO_VERSION, AGENT_PROTO_VERSION, &got))
		return true;
	if (json_is_integer(v))
		snprintf(why, whylen,
			 "the agent answered in protocol version %lld, this offloadlab speaks %d: "
			 "refused (install the same offloadlab on both hosts)",
			 (long long)json_integer_value(v), AGENT_PROTO_VERSION);
	else
		snprintf(why, whylen,
			 "the agent's hello names no protocol version (this offloadlab speaks %d): "
			 "refused",
			 AGENT_PROTO_VERSION);
	return false;
}

int remote_open(const struct remote_opts *o, struct remote **out, json_t **env, char *why,
		size_t whylen)
{
	struct remote *r = calloc(1, sizeof(*r));
	json_t *ans;
	int err;

	*out = NULL;
	*env = NULL;
	if (!r)
		return -ENOMEM;
	r->o = *o;
	if (!r->o.timeout_s)
		r->o.timeout_s = REMOTE_TIMEOUT_S;
	r->to = r->from = -1;
	signal(SIGPIPE, SIG_IGN);
	err = spawn(r, why, whylen);
	if (!err && lr_init(&r->lr, r->from, REMOTE_LINE_MAX))
		err = -ENOMEM;
	if (err) {
		if (r->pid > 0) {
			kill(r->pid, SIGTERM);
			waitpid(r->pid, NULL, 0);
		}
		if (r->to >= 0)
			close(r->to);
		if (r->from >= 0)
			close(r->from);
		safecopy_stop(r->err);
		free(r);
		return err;
	}
	ans = remote_call(r, json_pack("{s:s, s:i}", "op", "hello", "version", AGENT_PROTO_VERSION),
			  why, whylen);
	if (ans && !hello_version_ok(ans, why, whylen)) {
		json_decref(ans);
		ans = NULL;
		r->dead = true; /* not our protocol: not even its bye is said */
	}
	if (ans) {
		*env = json_incref(json_object_get(ans, "env"));
		json_decref(ans);
		ans = remote_call(r,
				  json_pack("{s:s, s:s, s:b}", "op", "device", "dev", o->remote_dev,
					    "allow_default_route", o->allow_default_route),
				  why, whylen);
	}
	if (!ans) {
		json_decref(*env);
		*env = NULL;
		remote_close(r);
		return -EPROTO;
	}
	{
		const char *mac = json_string_value(json_object_get(ans, "mac"));
		unsigned int m[6];
		int i;

		if (mac &&
		    sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6)
			for (i = 0; i < 6; i++)
				r->mac[i] = (uint8_t)m[i];
	}
	json_decref(ans);
	*out = r;
	return 0;
}
