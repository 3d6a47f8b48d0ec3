// SPDX-License-Identifier: GPL-2.0
/*
 * The offload's simple form (--xdp, --tc-ingress, --tc-egress, --sk-skb OBJ:PROG): the user's
 * object opened, the named program checked against the hook, loaded with its maps, attached.
 * What fails is said in words a user can act on: the programs the object has, the type the
 * hook needs, the verifier's last lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach.h"
#include "lib/log.h"
#include "try/try_offload.h"

#define VLOG_SIZE (1u << 20)
#define VLOG_LINES 12 /* of the verifier's log, the last ones: the reason is at its end */
#define SOCKMAP_SLOTS 256

static enum bpf_prog_type want_type(enum try_kind k)
{
	switch (k) {
	case TK_XDP:
		return BPF_PROG_TYPE_XDP;
	case TK_TC_INGRESS:
	case TK_TC_EGRESS:
		return BPF_PROG_TYPE_SCHED_CLS;
	case TK_SK_SKB:
		return BPF_PROG_TYPE_SK_SKB;
	default:
		return BPF_PROG_TYPE_UNSPEC;
	}
}

/* The object's programs' names, "a (xdp), b (tc)", into buf. */
static void prog_names(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_program *p;
	size_t n = 0;

	buf[0] = '\0';
	bpf_object__for_each_program (p, obj) {
		int w = snprintf(buf + n, len - n, "%s%s (%s)", n ? ", " : "", bpf_program__name(p),
				 libbpf_bpf_prog_type_str(bpf_program__type(p)) ?: "?");

		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* The last VLOG_LINES lines of the verifier's log, joined by " | ". */
static void log_tail(const char *log, char *buf, size_t len)
{
	const char *p = log + strlen(log), *start;
	int lines = 0;
	size_t n = 0;

	while (p > log && (p[-1] == '\n' || p[-1] == ' '))
		p--;
	start = p;
	while (start > log && lines < VLOG_LINES) {
		start--;
		if (*start == '\n')
			lines++;
	}
	if (*start == '\n')
		start++;
	n = (size_t)snprintf(buf, len, "%s", start > log ? "... " : "");
	for (; start < p && n + 4 < len; start++) {
		if (*start == '\n') {
			memcpy(buf + n, " | ", 3);
			n += 3;
		} else if ((unsigned char)*start >= 0x20 && *start != 0x7f) {
			buf[n++] = *start;
		}
	}
	buf[n < len ? n : len - 1] = '\0';
}

/* The object's one sockmap or sockhash, or a new sockmap of ours. */
static int find_sockmap(struct try_offload *t, char *why, size_t whylen)
{
	struct bpf_map *m;
	int fd = -1, n = 0;

	bpf_object__for_each_map (m, t->obj) {
		if (bpf_map__type(m) == BPF_MAP_TYPE_SOCKMAP ||
		    bpf_map__type(m) == BPF_MAP_TYPE_SOCKHASH) {
			fd = bpf_map__fd(m);
			n++;
		}
	}
	if (n > 1) {
		snprintf(why, whylen,
			 "the object has %d sockmaps: it is not clear which one the verdict runs "
			 "on (use --attach with your own loader)",
			 n);
		return -EINVAL;
	}
	if (n == 1) {
		t->sockmap_fd = fd;
		return 0;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_SOCKMAP, "olab_try_socks", 4, 4, SOCKMAP_SLOTS, NULL);
	if (fd < 0) {
		snprintf(why, whylen, "create a sockmap for the sk_skb verdict: %s",
			 strerror(errno));
		return -errno;
	}
	t->sockmap_fd = fd;
	t->own_map = true;
	return 0;
}

static int attach(struct try_offload *t, struct bpf_program *p, int ifindex, const char *ifname,
		  char *why, size_t whylen)
{
	enum bpf_attach_type at;
	int err;

	switch (t->kind) {
	case TK_XDP:
		t->xdp = bpf_program__attach_xdp(p, ifindex);
		if (!t->xdp) {
			err = -errno;
			snprintf(why, whylen, "attach XDP to %s: %s", ifname, strerror(-err));
			return err;
		}
		return 0;
	case TK_TC_INGRESS:
	case TK_TC_EGRESS:
		t->tcx_fd = att_tcx(t->prog_fd, ifindex, ifname, t->kind == TK_TC_EGRESS);
		if (t->tcx_fd < 0) {
			err = t->tcx_fd;
			t->tcx_fd = -1;
			snprintf(why, whylen, "attach TC %s to %s (tcx): %s",
				 t->kind == TK_TC_EGRESS ? "egress" : "ingress", ifname,
				 strerror(-err));
			return err;
		}
		return 0;
	case TK_SK_SKB:
		err = find_sockmap(t, why, whylen);
		if (err)
			return err;
		at = bpf_program__expected_attach_type(p);
		if (at != BPF_SK_SKB_STREAM_VERDICT && at != BPF_SK_SKB_VERDICT) {
			if (at == BPF_SK_SKB_STREAM_PARSER) {
				snprintf(why, whylen,
					 "%s is a stream parser (sk_skb/stream_parser): name the "
					 "verdict program",
					 bpf_program__name(p));
				return -EINVAL;
			}
			at = BPF_SK_SKB_VERDICT; /* plain SEC("sk_skb"): a verdict, no parser */
		}
		if (bpf_prog_attach(t->prog_fd, t->sockmap_fd, at, 0)) {
			err = -errno;
			snprintf(why, whylen, "attach the sk_skb verdict to its sockmap: %s",
				 strerror(-err));
			return err;
		}
		return 0;
	default:
		snprintf(why, whylen, "no hook");
		return -EINVAL;
	}
}

int try_offload_load(struct try_offload *t, enum try_kind kind, const char *obj, const char *prog,
		     int ifindex, const char *ifname, const struct try_loaded *loaded, char *why,
		     size_t whylen)
{
	char names[400], *vlog = NULL, tail[1600];
	struct bpf_program *p, *q;
	enum bpf_prog_type want = want_type(kind);
	int err;

	memset(t, 0, sizeof(*t));
	t->tcx_fd = t->sockmap_fd = t->prog_fd = -1;
	t->kind = kind;
	t->obj = bpf_object__open_file(obj, NULL);
	if (!t->obj) {
		err = -errno;
		t->obj = NULL;
		snprintf(why, whylen, "open the BPF object %s: %s%s", obj, strerror(-err),
			 err == -ENOENT ? "" : " (a BPF ELF object from clang -target bpf?)");
		return err;
	}
	p = bpf_object__find_program_by_name(t->obj, prog);
	if (!p) {
		prog_names(t->obj, names, sizeof(names));
		snprintf(why, whylen, "no program named '%s' in %s; it has: %s", prog, obj, names);
		err = -ENOENT;
		goto fail;
	}
	if (bpf_program__type(p) != want) {
		snprintf(why, whylen,
			 "%s in %s is a %s program: --%s needs a %s program (SEC(\"%s\"))", prog,
			 obj, libbpf_bpf_prog_type_str(bpf_program__type(p)) ?: "?",
			 try_kind_name[kind], libbpf_bpf_prog_type_str(want) ?: "?",
			 kind == TK_XDP	     ? "xdp"
			 : kind == TK_SK_SKB ? "sk_skb"
					     : "tc");
		err = -EINVAL;
		goto fail;
	}
	/* only the named program: another one the kernel refuses is not this run's business */
	bpf_object__for_each_program (q, t->obj) {
		bpf_program__set_autoload(q, q == p);
	}
	vlog = calloc(1, VLOG_SIZE);
	if (!vlog) {
		err = -ENOMEM;
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	/* log level 0: libbpf asks for the log only when the load fails, into vlog */
	bpf_program__set_log_buf(p, vlog, VLOG_SIZE);
	err = bpf_object__load(t->obj);
	if (err) {
		log_tail(vlog, tail, sizeof(tail));
		snprintf(why, whylen, "load %s from %s: %s; the verifier said: %s", prog, obj,
			 strerror(-err), vlog[0] ? tail : "(nothing: run with -v)");
		goto fail;
	}
	t->prog_fd = bpf_program__fd(p);
	err = loaded && loaded->fn ? loaded->fn(loaded->arg, t->obj, why, whylen) : 0;
	if (!err)
		err = attach(t, p, ifindex, ifname, why, whylen);
	if (err)
		goto fail;
	free(vlog);
	return 0;
fail:
	free(vlog);
	try_offload_unload(t);
	return err;
}

void try_offload_unload(struct try_offload *t)
{
	bpf_link__destroy(t->xdp);
	t->xdp = NULL;
	if (t->tcx_fd >= 0)
		close(t->tcx_fd);
	t->tcx_fd = -1;
	if (t->own_map && t->sockmap_fd >= 0)
		close(t->sockmap_fd);
	t->sockmap_fd = -1;
	t->own_map = false;
	/* the object's maps and programs go with it (a sockmap drops its sockets) */
	bpf_object__close(t->obj);
	t->obj = NULL;
	t->prog_fd = -1;
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int try_offload_sockets(struct try_offload *t, int pid, uint16_t port, uint16_t peer_port,
			char *why, size_t whylen)
{
	char path[64];
	struct dirent *de;
	int pidfd, added = 0, err = 0, slots;
	DIR *d;

	if (t->sockmap_fd < 0)
		return 0;
	{
		struct bpf_map_info mi;
		__u32 ml = sizeof(mi);

		memset(&mi, 0, sizeof(mi));
		slots = !bpf_obj_get_info_by_fd(t->sockmap_fd, &mi, &ml) && mi.max_entries
				? (int)mi.max_entries
				: 1;
		if (slots > SOCKMAP_SLOTS)
			slots = SOCKMAP_SLOTS;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		snprintf(why, whylen, "reach the server's sockets (pidfd_open): %s",
			 strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		struct sockaddr_in me, peer;
		socklen_t ml = sizeof(me), pl = sizeof(peer);
		int type = 0, fd, target;
		socklen_t tl = sizeof(type);
		char *end;
		__u32 key;

		target = (int)strtol(de->d_name, &end, 10);
		if (*end || de->d_name[0] == '.')
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
		if (fd < 0)
			continue;
		if (!getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) && type == SOCK_STREAM &&
		    !getsockname(fd, (struct sockaddr *)&me, &ml) && me.sin_family == AF_INET &&
		    ntohs(me.sin_port) == port && !getpeername(fd, (struct sockaddr *)&peer, &pl) &&
		    (!peer_port || ntohs(peer.sin_port) == peer_port)) {
			/* a full map takes the newest connection in its oldest's slot */
			key = (__u32)(t->map_next % slots);
			if (!bpf_map_update_elem(t->sockmap_fd, &key, &fd, BPF_ANY)) {
				t->map_next++;
				added++;
			} else if (!err) {
				err = -errno;
			}
		}
		close(fd);
	}
	if (d)
		closedir(d);
	close(pidfd);
	if (!added && err) {
		snprintf(why, whylen, "put the server's connection in the sockmap: %s",
			 strerror(-err));
		return err;
	}
	return added;
}
