// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "lib/log.h"
#include "lib/util.h"

int log_verbose;

static void vlog(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "offloadlab: %s", tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}

/* One line of advice for an errno in a BPF or netlink context, or NULL. */
static const char *log_hint(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
	case EACCES:
		/* as root, a refusal comes from the verifier or a lockdown, not from privileges */
		if (geteuid() == 0)
			return "the kernel refused it (for a program: the verifier; -v shows its "
			       "log)";
		return "run as root (or with CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN)";
	case ENOSYS:
		return "this kernel was built without CONFIG_BPF_SYSCALL";
	case EOPNOTSUPP:
	case ENOTSUPP: /* kernel-internal */
		return "this kernel or device does not support the operation";
	case E2BIG:
		return "the program or map is larger than this kernel allows";
	case ENOENT:
		return "a kernel object or file it needs is missing";
	case EBUSY:
		return "another program is already attached there";
	default:
		return NULL;
	}
}

int log_errno(int err, const char *fmt, ...)
{
	const char *hint = log_hint(err);
	va_list ap;
	int e = err < 0 ? -err : err;

	fputs("offloadlab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s",
		e == ENOTSUPP ? "Operation not supported by this kernel" : strerror(e));
	if (hint)
		fprintf(stderr, ": %s", hint);
	fputc('\n', stderr);
	return err;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !log_verbose)
		return 0;
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
