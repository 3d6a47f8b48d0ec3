/* SPDX-License-Identifier: GPL-2.0 */
/* The offload on the server's device (try_offload.c, try_progs.c); inside src/try only. */
#ifndef OLAB_TRY_OFFLOAD_H
#define OLAB_TRY_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "try/try_int.h"

struct bpf_object;
struct bpf_link;

/* The simple form: one program of the user's object, loaded by us and attached by us. */
struct try_offload {
	struct bpf_object *obj;
	struct bpf_link *xdp;
	int tcx_fd;	/* the tcx link */
	int sockmap_fd; /* the sockmap the sk_skb verdict runs on (the object's, or ours) */
	bool own_map;
	int prog_fd;
	enum try_kind kind;
	int map_next; /* the sockmap's next free slot */
};

/*
 * Open obj, check that prog is in it and fits kind's hook, load it (its maps made from the
 * object), call loaded(arg, the object) when it is not NULL (the pins), and attach it on
 * ifindex of the calling thread's namespace (sk_skb: to a sockmap). 0, or -errno with why: the
 * verifier's log cut to its last lines, the programs the object has, the type the hook needs,
 * loaded()'s. Nothing is left on failure but what loaded() made.
 */
struct try_loaded {
	int (*fn)(void *arg, struct bpf_object *obj, char *why, size_t whylen);
	void *arg;
};
int try_offload_load(struct try_offload *t, enum try_kind kind, const char *obj, const char *prog,
		     int ifindex, const char *ifname, const struct try_loaded *loaded, char *why,
		     size_t whylen);
/* Everything the load made, removed; safe on a zeroed or failed one. */
void try_offload_unload(struct try_offload *t);
/*
 * sk_skb: the server's connected TCP sockets on port (taken from pid with pidfd_getfd) put in
 * the sockmap, only the one whose peer is on peer_port when it is not 0 (the generator's
 * connection). How many were put there, or -errno with why.
 */
int try_offload_sockets(struct try_offload *t, int pid, uint16_t port, uint16_t peer_port,
			char *why, size_t whylen);

/*
 * try_progs.c: the programs on the device ifindex of the calling thread's namespace: its XDP
 * program, its tcx links' programs and its classic TC filters' (read from `tc -j filter show`),
 * and the programs on the host's sockmaps (sk-skb, sk-msg: they run on sockets, not on a
 * device). How many were written to out (at most max), or -errno.
 */
int try_progs_on_dev(int ifindex, const char *ifname, struct try_prog *out, int max);
/* p's info (name, tag, type) from its id; 0 or -errno. */
int try_prog_info(struct try_prog *p);
/* Remove p from the device (XDP, a tcx program, a classic TC filter) or its sockmap; 0 or -errno. */
int try_prog_remove(int ifindex, const struct try_prog *p);
/* *p (zeroed first) of a loaded program's fd; 0 or -errno. */
int try_prog_of_fd(int fd, struct try_prog *p);
/* p's run time and count since load (bpf-stats); 0 or -errno. */
int try_prog_stats(const struct try_prog *p, uint64_t *run_ns, uint64_t *run_cnt);

#endif
