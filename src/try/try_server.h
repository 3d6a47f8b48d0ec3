/* SPDX-License-Identifier: GPL-2.0 */
/* The user's commands on the server's side (try_server.c); inside src/try only. */
#ifndef OLAB_TRY_SERVER_H
#define OLAB_TRY_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "try/try_int.h"

struct tb;

struct try_server {
	int pid;    /* 0 when not running */
	int out_fd; /* its stdout and stderr (a memfd) */
};

/*
 * Start argv in the dut's namespace (pinned to cpu, -1: not) and wait until it holds port
 * (tcp or udp) on the dut's address. 0; or -EADDRINUSE (taken before it started), -ECHILD
 * (it exited first), -ETIMEDOUT (never opened it), each with why and its output's tail, the
 * server stopped.
 */
int try_server_start(struct try_server *s, const struct tb *tb, const struct try_argv *a,
		     uint16_t port, bool tcp, int cpu, char *why, size_t whylen);
/* 0 while it runs; -ECHILD with why (how it ended, its output's tail) once it has exited. */
int try_server_alive(struct try_server *s, char *why, size_t whylen);
/* SIGTERM, SIGKILL after 2 s, reaped; safe to call twice. */
void try_server_stop(struct try_server *s);

/*
 * An --attach or --detach command in the dut's namespace, to its end (killed after
 * TRY_HOOK_CMD_S): 0 when it exited 0; else -EIO or -ETIMEDOUT with tail (how it ended, its
 * output's last lines).
 */
int try_cmd_run(const struct tb *tb, const struct try_argv *a, char *tail, size_t taillen);

/* The last TRY_TAIL bytes of fd's content, made safe for a terminal, lines joined by '|'. */
void try_tail(int fd, char *buf, size_t len);

#endif
