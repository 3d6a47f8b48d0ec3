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

#include "agent/agent.h"
#include "lib/bpfutil.h"
#include "lib/log.h"

#define REMOTE_LINE_MAX (1 << 20) /* kv's wake-up samples, hooks' rows: well below */
#define REMOTE_TIMEOUT_NS (120ULL * 1000000000ULL) /* one request; experiments' runs are shorter */

struct remote {
	struct remote_opts o;
	pid_t pid;
	int to, from; /* the agent's standard input and output */
	char buf[REMOTE_LINE_MAX];
	size_t have;
	bool dead;	/* the connection is gone: every later call fails at once */
	uint8_t mac[6]; /* the server's device */
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

/* argv for the agent: the command prefix split on spaces (no shell here), then the agent. */
static int agent_argv(const struct remote_opts *o, char *store, size_t len, char **argv, int max)
{
	int n = 0;
	char *p, *save = NULL;

	if (!shell_safe(o->bin))
		return -EINVAL;
	if (o->cmd) {
		snprintf(store, len, "%s", o->cmd);
		for (p = strtok_r(store, " \t", &save); p && n < max - 4;
		     p = strtok_r(NULL, " \t", &save))
			argv[n++] = p;
	} else {
		if (!shell_safe(o->host))
			return -EINVAL;
		argv[n++] = "ssh";
		argv[n++] = "-T";
		argv[n++] = "-o";
		argv[n++] = "BatchMode=yes";
		argv[n++] = (char *)o->host;
	}
	if (n == 0)
		return -EINVAL;
	argv[n++] = (char *)o->bin;
	argv[n++] = "agent";
	argv[n++] = "--stdio";
	argv[n] = NULL;
	return n;
}

static int spawn(struct remote *r, char *why, size_t whylen)
{
	char store[1024], *argv[64];
	int in[2], out[2];

	if (agent_argv(&r->o, store, sizeof(store), argv, 64) < 0) {
		snprintf(why, whylen,
			 "refused: the host and the agent's path may hold letters, digits and "
			 "@._:/+-= only, and not start with '-'");
		return -EINVAL;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
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
		execvp(argv[0], argv);
		fprintf(stderr, "offloadlab: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	r->to = in[1];
	r->from = out[0];
	return 0;
}

/* The next line from the agent, or NULL (timeout, end, too long) with why written. */
static char *read_line(struct remote *r, char *why, size_t whylen)
{
	uint64_t end = bpfu_now_ns() + REMOTE_TIMEOUT_NS;

	for (;;) {
		char *nl = memchr(r->buf, '\n', r->have);
		struct pollfd p = { .fd = r->from, .events = POLLIN };
		uint64_t now = bpfu_now_ns();
		ssize_t n;

		if (nl) {
			static char line[REMOTE_LINE_MAX];
			size_t l = (size_t)(nl - r->buf);

			memcpy(line, r->buf, l);
			line[l] = '\0';
			r->have -= l + 1;
			memmove(r->buf, nl + 1, r->have);
			return line;
		}
		if (r->have == sizeof(r->buf)) {
			snprintf(why, whylen, "the agent sent a line over %d bytes",
				 REMOTE_LINE_MAX);
			return NULL;
		}
		if (now >= end || poll(&p, 1, (int)((end - now) / 1000000ULL) + 1) <= 0) {
			snprintf(why, whylen, "the agent did not answer within %llu s",
				 REMOTE_TIMEOUT_NS / 1000000000ULL);
			return NULL;
		}
		n = read(r->from, r->buf + r->have, sizeof(r->buf) - r->have);
		if (n <= 0) {
			snprintf(why, whylen, "the agent ended (connection closed)");
			return NULL;
		}
		r->have += (size_t)n;
	}
}

json_t *remote_call(struct remote *r, json_t *req, char *why, size_t whylen)
{
	char *s = json_dumps(req, JSON_COMPACT);
	size_t len = s ? strlen(s) : 0;
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
		char *line = read_line(r, why, whylen);
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
	free(r);
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
	r->to = r->from = -1;
	signal(SIGPIPE, SIG_IGN);
	err = spawn(r, why, whylen);
	if (err) {
		free(r);
		return err;
	}
	ans = remote_call(r, json_pack("{s:s, s:i}", "op", "hello", "version", AGENT_PROTO_VERSION),
			  why, whylen);
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
