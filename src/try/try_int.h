/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside `offloadlab try` (src/try/): what the command (try.c), the server's side (try_side.c:
 * the user's server, try_server.c; the offload, try_offload.c and try_hook.c) and the
 * measurement (try_measure.c, try_verdict.c) share. Not for use outside src/try.
 */
#ifndef OLAB_TRY_INT_H
#define OLAB_TRY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "exp/exp.h"
#include "exp/side.h"
#include "remote/remote.h"
#include "try/try_wl.h"

#define TRY_ARGV_MAX 64	  /* words in a --server, --attach or --detach command */
#define TRY_CMD_MAX 4096  /* bytes in one */
#define TRY_READY_S 10	  /* a server has this long to open its port */
#define TRY_HOOK_CMD_S 60 /* an --attach or --detach command has this long */
#define TRY_PROGS_MAX 16  /* programs attached at once */
#define TRY_TAIL 1500	  /* bytes of a command's output shown when it fails */

/* the offload's forms; TK_CEIL: the generator's ceiling (the XDP echo), the side's own */
enum try_kind { TK_NONE, TK_XDP, TK_TC_INGRESS, TK_TC_EGRESS, TK_SK_SKB, TK_CMD, TK_CEIL };
extern const char *const try_kind_name[]; /* "xdp", "tc-ingress" ... as the options spell them */

enum try_placement { TP_PAPER, TP_SHARED };

/* --engine: the load generator's (auto: the XDP engine where it can run, as kv picks it) */
enum try_engine { TE_AUTO, TE_XDP, TE_SOCKET };

struct try_opts {
	const char *server; /* --server 'CMD' */
	uint16_t port;	    /* --port */
	bool tcp;	    /* --proto tcp */
	bool ready;	    /* --ready: wait until the port answers a request */
	enum try_placement placement;
	enum try_engine engine;
	enum try_kind kind;	     /* the offload's form */
	const char *obj, *prog;	     /* simple form: OBJ:PROG */
	const char *attach, *detach; /* general form */
	const char *pin;	     /* simple form: the object's maps pinned there (bpffs) */
	const char *requests, *pcap, *preload;
	bool preload_tcp_set, preload_tcp; /* --preload-proto (else the preload goes as --proto) */
	struct wl_class_by class_by;
	double rate;		       /* --rate: open-loop requests/s (0: from --loads) */
	unsigned int loads[4], nloads; /* % of the baseline's capacity */
	uint64_t duration_ns;	       /* per throughput run */
	unsigned int samples;	       /* interleaved pairs */
	struct run_opts ro;	       /* quick, samples */
	const char *json, *out;
	bool no_report;
	double budget_s;
	struct remote_opts remote; /* remote.host set: the server's side through the agent */
};

/*
 * A command line split into words without a shell (blanks separate, '...' and "..." quote,
 * \ escapes outside '...'), its placeholders {addr} {port} {dev} replaced by values that are
 * checked first. 0, or -EINVAL with why; argv[] then points into buf, ends with NULL.
 */
struct try_argv {
	char buf[TRY_CMD_MAX * 2];
	char *argv[TRY_ARGV_MAX + 1];
	int argc;
};
struct try_subst {
	const char *addr, *dev;
	uint16_t port;
};
int try_split(const char *cmd, const struct try_subst *s, struct try_argv *out, char *why,
	      size_t whylen);
/* The same for option checks before any value is known: the placeholders stay as they are. */
int try_split_check(const char *cmd, char *why, size_t whylen);
/* The argv as one line for messages and results.json (words with blanks quoted). */
void try_argv_line(const struct try_argv *a, char *buf, size_t len);

/* A program found on the device: what results.json and the cost metrics name it by. */
struct try_prog {
	uint32_t id;
	char name[20];
	char tag[17];
	char hook[16]; /* xdp, tc-ingress, tc-egress, sk-skb, sk-msg */
	uint32_t type;
	/* a classic TC filter's handle and priority (removal of leftovers); 0 for links */
	uint32_t tc_handle, tc_prio;
	bool tcx;
	/* sk-skb, sk-msg: the sockmap (or sockhash) it is attached to, and how */
	uint32_t map_id, attach_type;
};

/* The command's experiment (not in the registry: `run` never runs it). */
extern const struct experiment try_exp;
/* The run's options and workloads, for try_exp's run() (set by the command). */
struct try_ctx {
	const struct try_opts *o;
	const struct workload *wl, *pre;
	char wl_digest[17];
	json_t *section; /* results.json's "try": filled by the run */
	bool said;	 /* the run's error said on stderr already */
};
extern struct try_ctx *try_current;

/* try_measure.c: try_exp's run(). */
int try_measure(struct exp_ctx *x);

#endif
