// SPDX-License-Identifier: GPL-2.0
/* gnuplot behind a privilege boundary: a script in through an fd, an SVG out through a pipe. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "report/gnuplot.h"

/* nobody/nogroup: who gnuplot runs as when offloadlab runs as root */
#define PLOT_UID 65534
#define PLOT_GID 65534

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The child: stdin the script, stdout the pipe, nothing else open; then gnuplot. */
static void child(int script_fd, int out_fd)
{
	int nul = open("/dev/null", O_WRONLY);

	if (dup2(script_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(126);
	if (nul >= 0 && !log_verbose)
		dup2(nul, STDERR_FILENO);
	/* nothing of root's (a lock, a half-written page, BPF objects) crosses the boundary */
	if (close_range(3, ~0U, 0))
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	if (chdir("/"))
		_exit(126);
	/* no network, no privileges; refuse to plot at all rather than plot as root */
	if (geteuid() == 0 && (unshare(CLONE_NEWNET) || setgroups(0, NULL) || setgid(PLOT_GID) ||
			       setuid(PLOT_UID) || !setuid(0)))
		_exit(126);
	prctl(PR_SET_PDEATHSIG, SIGKILL);  /* after setuid, which clears it */
	setenv("HOME", "/nonexistent", 1); /* no ~/.gnuplot of anyone's */
	execlp("gnuplot", "gnuplot", (char *)NULL);
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything gnuplot writes, up to GNUPLOT_SVG_MAX and the deadline; NULL past either. */
static char *read_svg(int fd)
{
	long long deadline = now_ms() + GNUPLOT_DEADLINE_MS;
	size_t len = 0, cap = 64 << 10;
	char *buf = malloc(cap + 1);

	while (buf) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			log_info("gnuplot took more than %d s over one plot: left out",
				 GNUPLOT_DEADLINE_MS / 1000);
			break;
		}
		if (len == cap) {
			char *nb = cap >= GNUPLOT_SVG_MAX ? NULL : realloc(buf, 2 * cap + 1);

			if (!nb) {
				log_info("gnuplot wrote more than %u bytes for one plot: left out",
					 GNUPLOT_SVG_MAX);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n == 0) {
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

char *gnuplot_svg(const char *script, size_t len)
{
	int sfd = memfd_create("olab-plot", MFD_CLOEXEC), p[2] = { -1, -1 }, status = -1;
	char *svg = NULL, *start;
	pid_t pid = -1;

	if (sfd < 0 || write_all(sfd, script, len) || lseek(sfd, 0, SEEK_SET) ||
	    pipe2(p, O_CLOEXEC))
		goto out;
	pid = fork();
	if (pid == 0)
		child(sfd, p[1]);
	if (pid < 0)
		goto out;
	close(p[1]);
	p[1] = -1;
	svg = read_svg(p[0]);
	if (!svg)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(svg);
		svg = NULL;
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	/* inline: drop the XML prolog and doctype, keep from <svg on */
	start = svg ? strstr(svg, "<svg") : NULL;
	if (svg && (!start || !gnuplot_svg_inert(start))) {
		if (start)
			log_info("gnuplot drew something that is not a plain picture: left out");
		free(svg);
		return NULL;
	}
	if (svg && start != svg)
		memmove(svg, start, strlen(start) + 1);
	return svg;
}

/* After an "href" or "url(": optional blanks, "=", quotes; then it must be "#". */
static bool local_ref(const char *p, const char *end)
{
	while (p < end && strchr(" \t\r\n='\"(", *p))
		p++;
	return p < end && *p == '#';
}

/* One tag, from after "<" (or "</") to its ">": a known element, inert attributes. */
static bool tag_inert(const char *p, const char *end)
{
	static const char *const known[] = { "svg",
					     "g",
					     "path",
					     "polygon",
					     "polyline",
					     "line",
					     "rect",
					     "circle",
					     "ellipse",
					     "text",
					     "tspan",
					     "title",
					     "desc",
					     "defs",
					     "use",
					     "filter",
					     "feFlood",
					     "feComposite",
					     "clipPath",
					     "marker",
					     "linearGradient",
					     "radialGradient",
					     "stop" };
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), i;
	const char *q;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == n && !strncmp(p, known[i], n))
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return false;
	for (q = p + n; q < end; q++) {
		const char *a = q + 1;

		if (!strncasecmp(q, "href", 4) && !local_ref(q + 4, end))
			return false;
		if (!strncasecmp(q, "url(", 4) && !local_ref(q + 4, end))
			return false;
		/* an event handler: a blank, "on", letters, "=" (onload, onclick ...) */
		if (!isspace((unsigned char)*q) || strncasecmp(a, "on", 2))
			continue;
		for (a += 2; a < end && isalpha((unsigned char)*a); a++)
			;
		while (a < end && isspace((unsigned char)*a))
			a++;
		if (a > q + 3 && a < end && *a == '=')
			return false;
	}
	return true;
}

/* The ">" that ends a tag, outside quoted attribute values; NULL if none. */
static const char *tag_end(const char *p)
{
	char quote = 0;

	for (; *p; p++) {
		if (quote) {
			quote = *p == quote ? 0 : quote;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '>')
			return p;
	}
	return NULL;
}

bool gnuplot_svg_inert(const char *svg)
{
	const char *p = svg, *end;

	if (strcasestr(svg, "javascript:") || strcasestr(svg, "@import"))
		return false;
	while ((p = strchr(p, '<'))) {
		p++;
		if (!strncmp(p, "!--", 3)) {
			end = strstr(p, "-->");
			if (!end)
				return false;
			p = end + 3;
			continue;
		}
		if (*p == '/')
			p++;
		end = tag_end(p);
		if (!end || !tag_inert(p, end))
			return false;
		p = end + 1;
	}
	return true;
}
