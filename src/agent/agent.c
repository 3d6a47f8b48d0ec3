// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab agent --stdio: the server's side of an experiment on this host, driven over its
 * standard input and output (docs/agent-protocol.md). It never listens on the network. What it
 * attaches it removes on EOF, on SIGTERM/SIGHUP/SIGINT, and, after a SIGKILL, at the next
 * start (a state file per device says what was changed and by which pid).
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent/agent.h"
#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/echo/echo.h"
#include "exp/exp.h"
#include "exp/hooks/hooks_exp.h"
#include "exp/kv/kv.h"
#include "kvcache/kvcache.h"
#include "exp/isolation/isolation_exp.h"
#include "exp/preproc/preproc_exp.h"
#include "exp/echo/echo_exp.h"
#include "lib/atomicfile.h"
#include "lib/attach.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/log.h"
#include "version.h"

#define AGENT_STATE_DIR "/run/offloadlab"
#define AGENT_LINE_MAX 65536

struct agent {
	char dev[IF_NAMESIZE];
	int ifindex;
	char threaded_before; /* '0' or '1' as found in /sys, 0 when unknown */
	char state[128];      /* the state file while the device is ours */
	struct echo_side *echo;
	struct bw_agent *bw;
	struct pp_side *pp;
	struct iso_agent *iso;
	struct hooks_side *hk;
	struct kv_side *kv;
};

static volatile sig_atomic_t agent_stop;

static void on_signal(int sig)
{
	agent_stop = sig;
}

/* One line of JSON to the driver. */
static void say(json_t *o)
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

/* A change about to be made on this host, named before it is made. */
static void announce(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void announce(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say(json_pack("{s:s}", "event", buf));
}

static void fail_with(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail_with(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say(json_pack("{s:b, s:s}", "ok", 0, "error", buf));
}

/* The device's threaded-NAPI setting back as this agent found it. */
static void threaded_restore(struct agent *a)
{
	if (a->threaded_before && dev_threaded_get(a->dev) != a->threaded_before &&
	    !dev_threaded_set(a->dev, a->threaded_before))
		log_info("agent: could not set /sys/class/net/%s/threaded back to %c", a->dev,
			 a->threaded_before);
}

/* The kvcache's TC egress filters: it watches every interface of the host (the writes). */
static void remove_kvc_filters(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;

	for (i = ifs; i && i->if_index; i++)
		if (att_tc_remove_left((int)i->if_index, BPF_TC_EGRESS, KVC_TC_HANDLE,
				       KVC_TC_PRIORITY) > 0)
			log_info("agent: removed the kvcache's TC egress filter from %s",
				 i->if_name);
	if (ifs)
		if_freenameindex(ifs);
}

/* This host's other interfaces, comma-separated, into buf. */
static const char *other_ifs(const char *dev, char *buf, size_t len)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	size_t used = 0;

	buf[0] = '\0';
	for (i = ifs; i && i->if_index && used < len; i++)
		if (strcmp(i->if_name, dev))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 i->if_name);
	if (ifs)
		if_freenameindex(ifs);
	return buf;
}

/* The experiments' TC filters (fixed handles), where one is left on the device. */
static void remove_filters(int ifindex, const char *dev)
{
	if (att_tc_remove_left(ifindex, BPF_TC_INGRESS, ECHO_TC_HANDLE, ECHO_TC_PRIORITY) > 0)
		log_info("agent: removed the echo TC filter from %s", dev);
	if (att_tc_remove_left(ifindex, BPF_TC_INGRESS, BW_TC_HANDLE, BW_TC_PRIORITY) > 0)
		log_info("agent: removed the bandwidth TC filter from %s", dev);
	if (att_tc_remove_left(ifindex, BPF_TC_INGRESS, HOOKS_TC_HANDLE, HOOKS_TC_PRIORITY) > 0)
		log_info("agent: removed the hooks' TC filter from %s", dev);
}

/* Everything this agent set up on its device removed, and the device as it found it. */
static void agent_restore(struct agent *a)
{
	if (a->echo) {
		echo_side_down(a->echo);
		a->echo = NULL;
	}
	bandwidth_side_down(a->bw);
	a->bw = NULL;
	preproc_side_down(a->pp);
	a->pp = NULL;
	isolation_side_down(a->iso);
	a->iso = NULL;
	hooks_side_down(a->hk);
	a->hk = NULL;
	kv_side_down(a->kv);
	a->kv = NULL;
	if (a->ifindex)
		remove_filters(a->ifindex, a->dev);
	threaded_restore(a);
	a->threaded_before = 0;
	if (a->state[0])
		unlink(a->state);
	a->state[0] = '\0';
}

/* A state file left by an agent that died (SIGKILL): undo what it says, once its pid is gone. */
static void agent_stale(struct agent *a)
{
	json_t *st = json_load_file(a->state, 0, NULL);
	int pid = (int)json_integer_value(json_object_get(st, "pid"));
	const char *thr = json_string_value(json_object_get(st, "threaded_before"));

	if (!st)
		return;
	if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
		json_decref(st);
		return; /* alive: not ours to clean */
	}
	announce("remove what an earlier agent (pid %d, ended without cleaning up) left on %s", pid,
		 a->dev);
	remove_filters(a->ifindex, a->dev);
	/* only where that agent ran kv: a kvcache attached by hand (kvcache attach) stays */
	if (json_is_true(json_object_get(st, "kv")))
		remove_kvc_filters();
	if (thr && (*thr == '0' || *thr == '1') && dev_threaded_get(a->dev) != *thr &&
	    !dev_threaded_set(a->dev, *thr))
		log_info("agent: could not set %s's threaded NAPI back to %c", a->dev, *thr);
	unlink(a->state);
	json_decref(st);
}

/* Whether the IPv4 or IPv6 default route goes through dev. */
static bool carries_default_route(const char *dev)
{
	char line[512], ifn[64], dst[64];
	unsigned int plen;
	bool yes = false;
	FILE *f = fopen("/proc/net/route", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %63s", ifn, dst) == 2 && !strcmp(ifn, dev) &&
		    !strcmp(dst, "00000000"))
			yes = true;
	if (f)
		fclose(f);
	f = fopen("/proc/net/ipv6_route", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *last = strrchr(line, ' ');

		if (sscanf(line, "%63s %x", dst, &plen) == 2 && plen == 0 && last &&
		    !strncmp(last + 1, dev, strlen(dev)) && last[1 + strlen(dev)] == '\n' &&
		    strspn(dst, "0") == 32)
			yes = true;
	}
	if (f)
		fclose(f);
	return yes;
}

/* The device's MAC as /sys shows it ("" when it cannot be read). */
static const char *dev_mac(const char *dev)
{
	static char mac[32];
	char path[96];
	FILE *f;

	mac[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	f = fopen(path, "r");
	if (f && fgets(mac, sizeof(mac), f))
		mac[strcspn(mac, "\n")] = '\0';
	if (f)
		fclose(f);
	return mac;
}

/* The state directory: made if missing, and then a real directory of root's, 0700. */
static bool state_dir_ok(void)
{
	struct stat sb;

	mkdir(AGENT_STATE_DIR, 0700);
	return !lstat(AGENT_STATE_DIR, &sb) && S_ISDIR(sb.st_mode) && sb.st_uid == 0 &&
	       !(sb.st_mode & 077);
}

static int dump_state(FILE *f, void *arg)
{
	return json_dumpf(arg, f, 0) ? -EIO : 0;
}

/* What this agent changed, for the next one should this one be killed: its pid, the device,
 * the threaded-NAPI setting found, and whether kv (the kvcache on every interface) ran. */
static int state_write(const struct agent *a, bool kv)
{
	json_t *st = json_pack("{s:i, s:s, s:i, s:s, s:b}", "pid", (int)getpid(), "dev", a->dev,
			       "ifindex", a->ifindex, "threaded_before",
			       a->threaded_before == '1'   ? "1"
			       : a->threaded_before == '0' ? "0"
							   : "",
			       "kv", kv);
	int err = st ? atomic_write(a->state, dump_state, st) : -ENOMEM;

	json_decref(st);
	return err;
}

static void op_device(struct agent *a, json_t *req)
{
	const char *dev = json_string_value(json_object_get(req, "dev"));
	bool allow = json_is_true(json_object_get(req, "allow_default_route"));
	__u32 prog_id = 0;
	int err;

	if (a->ifindex) {
		fail_with("this agent already serves %s: one device per agent", a->dev);
		return;
	}
	if (!dev || strlen(dev) >= IF_NAMESIZE || strchr(dev, '/') || !if_nametoindex(dev)) {
		fail_with("no device '%s' on this host (its namespace)", dev ? dev : "");
		return;
	}
	if (!allow && carries_default_route(dev)) {
		fail_with("%s carries this host's default route: offloadlab would attach programs "
			  "to the interface you reach it by; refused (--allow-default-route-dev "
			  "overrides)",
			  dev);
		return;
	}
	if (!bpf_xdp_query_id((int)if_nametoindex(dev), 0, &prog_id) && prog_id) {
		fail_with("%s already has an XDP program (id %u): offloadlab does not replace it",
			  dev, prog_id);
		return;
	}
	if (!state_dir_ok()) {
		fail_with(AGENT_STATE_DIR " is not a directory of root's alone: refused (the agent "
					  "keeps what it changed there)");
		return;
	}
	snprintf(a->dev, sizeof(a->dev), "%s", dev);
	a->ifindex = (int)if_nametoindex(dev);
	snprintf(a->state, sizeof(a->state), AGENT_STATE_DIR "/agent-%s.json", dev);
	agent_stale(a);
	a->threaded_before = dev_threaded_get(dev);
	err = state_write(a, false);
	if (err) {
		fail_with("cannot write %s: %s", a->state, strerror(-err));
		a->state[0] = '\0';
		a->ifindex = 0;
		return;
	}
	say(json_pack("{s:b, s:s, s:i, s:s}", "ok", 1, "dev", dev, "ifindex", a->ifindex, "mac",
		      dev_mac(dev)));
}

/* Whether an experiment's server side is up (one at a time on the device). */
static bool side_busy(const struct agent *a)
{
	return a->echo || a->bw || a->pp || a->iso || a->hk || a->kv;
}

static void op_echo_up(struct agent *a, json_t *req)
{
	const char *variant = json_string_value(json_object_get(req, "variant"));
	const char *l4 = json_string_value(json_object_get(req, "l4"));
	const char *peer = json_string_value(json_object_get(req, "peer"));
	bool split = json_is_true(json_object_get(req, "split"));
	char why[200] = "";
	int err;

	if (!a->ifindex || side_busy(a) || !variant || !l4 || !peer) {
		fail_with(!a->ifindex	 ? "no device yet (op device first)"
			  : side_busy(a) ? "something is already up on the device (its _down first)"
					 : "echo_up needs variant, l4 and peer");
		return;
	}
	announce("attach the echo %s (%s) to %s: an XDP program (the echo or XDP_PASS)%s%s",
		 variant, l4, a->dev, !strcmp(variant, "tc") ? ", a TC ingress filter" : "",
		 split ? ", threaded NAPI pinned to one CPU" : "");
	err = echo_side_up(a->dev, peer, variant, l4, split, &a->echo, why, sizeof(why));
	if (err) {
		fail_with("%s", why[0] ? why : strerror(-err));
		return;
	}
	say(json_pack("{s:b}", "ok", 1));
}

static void op_echo_accept(struct agent *a)
{
	if (!a->echo || echo_side_accept(a->echo))
		fail_with("no connection to take into the sockmap");
	else
		say(json_pack("{s:b}", "ok", 1));
}

static void op_echo_down(struct agent *a)
{
	uint64_t n = echo_side_down(a->echo);

	a->echo = NULL;
	threaded_restore(a); /* the next experiment finds the device as it was */
	say(json_pack("{s:b, s:I}", "ok", 1, "replied", (json_int_t)n));
}

static void op_bw_up(struct agent *a, json_t *req)
{
	const char *cond = json_string_value(json_object_get(req, "cond"));
	char why[200] = "";
	int err;

	if (!a->ifindex || side_busy(a) || !cond) {
		fail_with(!a->ifindex ? "no device yet (op device first)"
			  : !cond     ? "bw_up needs cond"
				      : "something is already up on the device");
		return;
	}
	announce("bandwidth: a TCP sink on port 5201 of %s%s", a->dev,
		 !strcmp(cond, "xdp")	  ? ", an XDP_PASS program on it"
		 : !strcmp(cond, "tc")	  ? ", an empty TC ingress filter on it"
		 : !strcmp(cond, "skskb") ? ", an empty sk_skb verdict on the sink's socket"
					  : "");
	err = bandwidth_side_up(a->dev, cond, &a->bw, why, sizeof(why));
	if (err)
		fail_with("%s", why[0] ? why : strerror(-err));
	else
		say(json_pack("{s:b}", "ok", 1));
}

static void op_bw(struct agent *a, const char *op)
{
	uint64_t ns, bytes;

	if (!a->bw) {
		fail_with("no bandwidth sink is up (bw_up first)");
	} else if (!strcmp(op, "bw_accept")) {
		if (bandwidth_side_accept(a->bw))
			fail_with("no stream to accept");
		else
			say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "bw_bytes")) {
		bytes = bandwidth_side_bytes(a->bw, &ns);
		say(json_pack("{s:b, s:I, s:I}", "ok", 1, "bytes", (json_int_t)bytes, "ns",
			      (json_int_t)ns));
	} else {
		bandwidth_side_down(a->bw);
		a->bw = NULL;
		threaded_restore(a); /* the next experiment finds the device as it was */
		say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_pp(struct agent *a, const char *op, json_t *req)
{
	char why[200] = "";
	uint64_t ns, pkts;

	if (!strcmp(op, "pp_up")) {
		if (!a->ifindex || side_busy(a)) {
			fail_with(!a->ifindex ? "no device yet (op device first)"
					      : "something is already up on the device");
			return;
		}
		announce("preproc: an XDP program truncating UDP datagrams to port 9009 on %s, "
			 "threaded NAPI on one CPU, a UDP sink",
			 a->dev);
		if (preproc_side_up(a->dev, &a->pp, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!a->pp) {
		fail_with("no preproc sink is up (pp_up first)");
	} else if (!strcmp(op, "pp_cut")) {
		json_int_t pct = json_integer_value(json_object_get(req, "pct"));

		if (pct < 0 || pct > 100) {
			fail_with("pp_cut takes pct 0..100");
			return;
		}
		preproc_side_cut(a->pp, (unsigned int)pct);
		say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "pp_pkts")) {
		pkts = preproc_side_pkts(a->pp, &ns);
		say(json_pack("{s:b, s:I, s:I}", "ok", 1, "pkts", (json_int_t)pkts, "ns",
			      (json_int_t)ns));
	} else {
		preproc_side_down(a->pp);
		a->pp = NULL;
		threaded_restore(a); /* the next experiment finds the device as it was */
		say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_iso(struct agent *a, const char *op, json_t *req)
{
	char why[200] = "";

	if (!strcmp(op, "iso_up")) {
		if (!a->ifindex || side_busy(a)) {
			fail_with(!a->ifindex ? "no device yet (op device first)"
					      : "something is already up on the device");
			return;
		}
		announce("isolation: a UDP echo server on port 7100 and a neighbour's XDP program "
			 "(port 9100) on %s, threaded NAPI on one CPU",
			 a->dev);
		if (isolation_side_up(a->dev, &a->iso, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!a->iso) {
		fail_with("no isolation server is up (iso_up first)");
	} else if (!strcmp(op, "iso_kvc_up")) {
		char others[200];

		announce("isolation: the XDP neighbour off %s; memcached (1 worker, 64 MB) on its "
			 "address, port 11211, and the kvcache (XDP and a TC egress filter) on it "
			 "and on every other interface of this host: %s",
			 a->dev, other_ifs(a->dev, others, sizeof(others)));
		if (state_write(a, true))
			fail_with("cannot write %s", a->state);
		else if (isolation_side_kvc_up(a->iso, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "iso_kvc_hits")) {
		say(json_pack("{s:b, s:I}", "ok", 1, "hits",
			      (json_int_t)isolation_side_kvc_hits(a->iso)));
	} else if (!strcmp(op, "iso_iters")) {
		json_int_t it = json_integer_value(json_object_get(req, "iters"));

		if (it < 0 || it > 100000) {
			fail_with("iso_iters takes iters 0..100000");
			return;
		}
		isolation_side_iters(a->iso, (unsigned int)it);
		say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "iso_pkts")) {
		say(json_pack("{s:b, s:I}", "ok", 1, "pkts",
			      (json_int_t)isolation_side_pkts(a->iso)));
	} else {
		isolation_side_down(a->iso);
		a->iso = NULL;
		threaded_restore(a); /* the next experiment finds the device as it was */
		state_write(a, false);
		say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_hk_up(struct agent *a, json_t *req)
{
	const char *part = json_string_value(json_object_get(req, "part"));
	bool reach = part && !strcmp(part, "reach");
	char why[200] = "";

	if (!a->ifindex || side_busy(a) || !part || (!reach && strcmp(part, "stats"))) {
		fail_with(!a->ifindex	 ? "no device yet (op device first)"
			  : side_busy(a) ? "something is already up on the device"
					 : "hk_up takes part \"stats\" or \"reach\"");
		return;
	}
	announce("hooks: %s XDP and TC ingress programs on %s%s, a socket on port %d with a "
		 "reader thread, its sockmap",
		 reach ? "stamping" : "empty", a->dev,
		 reach ? ", stamping programs on the netif_receive_skb and sk_data_ready "
			 "tracepoints"
		       : ", BPF run-time statistics on while it is up",
		 HOOKS_PORT);
	if (hooks_side_up(a->dev, reach, &a->hk, why, sizeof(why)))
		fail_with("%s", why);
	else
		say(json_pack("{s:b, s:o}", "ok", 1, "caps", hooks_side_caps()));
}

static void op_hk(struct agent *a, const char *op, json_t *req)
{
	bool skskb = json_is_true(json_object_get(req, "skskb"));
	char why[200] = "";

	if (!strcmp(op, "hk_up")) {
		op_hk_up(a, req);
	} else if (!a->hk) {
		fail_with("the hooks' programs are not up (hk_up first)");
	} else if (!strcmp(op, "hk_open")) {
		json_int_t n = json_integer_value(json_object_get(req, "n"));

		if (hooks_side_open(a->hk, json_is_true(json_object_get(req, "tcp")),
				    json_is_true(json_object_get(req, "busy")), skskb,
				    n > 0 && n < 100000 ? (int)n : 0, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "hk_accept")) {
		if (hooks_side_accept(a->hk, skskb, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "hk_close")) {
		say(json_pack("{s:b, s:i}", "ok", 1, "got", hooks_side_close(a->hk)));
	} else if (!strcmp(op, "hk_rows")) {
		json_int_t from = json_integer_value(json_object_get(req, "from"));
		json_int_t count = json_integer_value(json_object_get(req, "count"));

		if (from < 0 || from > 100000 || count < 1 || count > 500) {
			fail_with("hk_rows takes from 0..100000 and count 1..500");
			return;
		}
		say(json_pack("{s:b, s:o}", "ok", 1, "rows",
			      hooks_side_rows(a->hk, (int)from, (int)count)));
	} else if (!strcmp(op, "hk_stats")) {
		say(json_pack("{s:b, s:o}", "ok", 1, "stats", hooks_side_stats(a->hk)));
	} else if (!strcmp(op, "hk_testrun")) {
		json_int_t samples = json_integer_value(json_object_get(req, "samples"));

		say(json_pack("{s:b, s:o}", "ok", 1, "result",
			      hooks_side_testrun(a->hk, json_is_true(json_object_get(req, "quick")),
						 samples >= 100 && samples <= 8000
							 ? (unsigned int)samples
							 : 0)));
	} else if (!strcmp(op, "hk_down")) {
		hooks_side_down(a->hk);
		a->hk = NULL;
		threaded_restore(a); /* the next experiment finds the device as it was */
		say(json_pack("{s:b}", "ok", 1));
	} else {
		fail_with("no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	}
}

static void op_kv(struct agent *a, const char *op, json_t *req)
{
	char why[300] = "";
	json_t *ans;

	if (!strcmp(op, "kv_up")) {
		if (!a->ifindex || side_busy(a)) {
			fail_with(!a->ifindex ? "no device yet (op device first)"
					      : "something is already up on the device");
			return;
		}
		announce("kv: memcached (1 worker, 256 MB) on %s's address, port %d, pinned to one "
			 "CPU; BPF run-time statistics and sched tracepoint programs while it runs",
			 a->dev, 11211);
		if (state_write(a, true)) {
			fail_with("cannot write %s", a->state);
			return;
		}
		if (kv_side_up(a->dev, &a->kv, why, sizeof(why)))
			fail_with("%s", why);
		else
			say(kv_side_hello(a->kv));
		return;
	}
	if (!a->kv) {
		fail_with("kv's server side is not up (kv_up first)");
		return;
	}
	if (!strcmp(op, "kv_down")) {
		kv_side_down(a->kv);
		a->kv = NULL;
		threaded_restore(a); /* the next experiment finds the device as it was */
		state_write(a, false);
		say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!strcmp(op, "kv_sv_up")) {
		json_int_t sv = json_integer_value(json_object_get(req, "sv"));
		char others[200];

		announce("kv: %s on %s%s%s%s",
			 sv == 0   ? "an XDP_PASS program (memcached alone)"
			 : sv == 1 ? "the kvcache (XDP and a TC egress filter)"
				   : "the XDP_TX responder",
			 a->dev,
			 sv == 1 ? ", and on every other interface of this host, so that no write "
				   "to memcached passes it by: "
				 : "",
			 sv == 1 ? other_ifs(a->dev, others, sizeof(others)) : "",
			 json_is_true(json_object_get(req, "pin"))
				 ? "; its NAPI as a real-time thread on memcached's CPU"
				 : "");
	} else if (!strcmp(op, "kv_ax_up")) {
		bool cache = json_is_true(json_object_get(req, "cache"));
		char others[200];

		announce("kv-afxdp: the AF_XDP key-value server (UDP port 11212, copy mode) on "
			 "%s%s%s"
			 "; its NAPI as a real-time thread on the server's CPU",
			 a->dev,
			 cache ? " with the kvcache in front (XDP and a TC egress filter), also on "
				 "every other interface of this host: "
			       : "",
			 cache ? other_ifs(a->dev, others, sizeof(others)) : "");
	} else if (!strcmp(op, "kv_obs_begin") && json_is_true(json_object_get(req, "spin"))) {
		announce("kv: an idle-class spinner on memcached's CPU for the run");
	}
	ans = kv_side_op(a->kv, op, req, why, sizeof(why));
	if (ans)
		say(ans);
	else
		fail_with("%s", why);
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
		fail_with("'%.40s' is not an experiment the agent runs on its own (runtime ones "
			  "only: they need no network)",
			  name ? name : "");
		return;
	}
	if (samples >= 100 && samples <= 8000)
		o.samples = (unsigned int)samples;
	announce("run the %s experiment here (loads and test-runs BPF programs, attaches nothing)",
		 e->name);
	result_init(&r, e->name);
	exp_run(e, &o, &r);
	say(json_pack("{s:b, s:o}", "ok", 1, "result", result_to_json(&r, e->question, e->paper)));
	result_free(&r);
}

/* One request; false when the driver said bye or the protocol cannot go on. */
static bool agent_handle(struct agent *a, json_t *req, bool *hello)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (!op) {
		fail_with("a request needs an \"op\"");
		return true;
	}
	if (!*hello) {
		json_t *v = json_object_get(req, "version");

		if (strcmp(op, "hello")) {
			fail_with("say hello first (with the protocol version)");
			return true;
		}
		if (!json_is_integer(v) || json_integer_value(v) != AGENT_PROTO_VERSION) {
			fail_with("protocol version mismatch: the driver speaks %s%lld, this agent "
				  "(offloadlab " OLAB_VERSION ") speaks %d",
				  json_is_integer(v) ? "" : "no version, ",
				  json_is_integer(v) ? (long long)json_integer_value(v) : 0LL,
				  AGENT_PROTO_VERSION);
			return false;
		}
		*hello = true;
		say(json_pack("{s:b, s:i, s:s, s:o}", "ok", 1, "version", AGENT_PROTO_VERSION,
			      "agent", "offloadlab " OLAB_VERSION " (" OLAB_GIT ")", "env",
			      env_capture()));
		return true;
	}
	if (!strcmp(op, "device"))
		op_device(a, req);
	else if (!strcmp(op, "echo_up"))
		op_echo_up(a, req);
	else if (!strcmp(op, "echo_accept"))
		op_echo_accept(a);
	else if (!strcmp(op, "echo_down"))
		op_echo_down(a);
	else if (!strcmp(op, "bw_up"))
		op_bw_up(a, req);
	else if (!strcmp(op, "bw_accept") || !strcmp(op, "bw_bytes") || !strcmp(op, "bw_down"))
		op_bw(a, op);
	else if (!strncmp(op, "kv_", 3))
		op_kv(a, op, req);
	else if (!strncmp(op, "hk_", 3))
		op_hk(a, op, req);
	else if (!strncmp(op, "iso_", 4))
		op_iso(a, op, req);
	else if (!strncmp(op, "pp_", 3))
		op_pp(a, op, req);
	else if (!strcmp(op, "run"))
		op_run(req);
	else if (!strcmp(op, "env"))
		say(json_pack("{s:b, s:o}", "ok", 1, "env", env_capture()));
	else if (!strcmp(op, "bye")) {
		agent_restore(a);
		say(json_pack("{s:b}", "ok", 1));
		return false;
	} else
		fail_with("no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	return true;
}

static const char agent_doc[] =
	"The server's side of the experiments on this host, for `offloadlab run --remote` on "
	"another: it reads one JSON request per line on standard input and answers on standard "
	"output (docs/agent-protocol.md). It never listens on the network; run it through ssh. "
	"Everything it attaches is removed on end of input, SIGTERM or SIGHUP, and after a "
	"SIGKILL by the next agent on the same device."
	"\vExamples:\n"
	"  ssh server offloadlab agent --stdio      (what run --remote does)\n"
	"  echo '{\"op\":\"hello\",\"version\":1}' | sudo offloadlab agent --stdio";

static const struct argp_option agent_options[] = {
	{ "stdio", 's', NULL, 0, "Speak the protocol on standard input and output", 0 },
	{ 0 },
};

static error_t agent_parse(int key, char *arg, struct argp_state *state)
{
	bool *stdio = state->input;

	switch (key) {
	case 's':
		*stdio = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!*stdio)
			argp_error(state, "say --stdio (the only transport)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int agent_main(int argc, char **argv)
{
	struct argp argp = { agent_options, agent_parse, NULL, agent_doc, NULL, NULL, NULL };
	struct agent a = { 0 };
	static char line[AGENT_LINE_MAX];
	bool stdio = false, hello = false, go = true;
	struct sigaction sa = { .sa_handler = on_signal };

	if (argp_parse(&argp, argc, argv, 0, NULL, &stdio))
		return EXIT_USAGE;
	if (geteuid() != 0) {
		fprintf(stderr,
			"offloadlab agent: needs root (it loads and attaches BPF programs)\n");
		return EXIT_FAIL;
	}
	log_setup_libbpf();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* no buffering: poll() must see every line the driver sends */
	setvbuf(stdin, NULL, _IONBF, 0);
	while (go && !agent_stop) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		json_t *req;

		if (poll(&p, 1, 200) <= 0)
			continue;
		if (!fgets(line, sizeof(line), stdin))
			break; /* end of input: the driver is gone */
		req = json_loads(line, 0, NULL);
		if (!json_is_object(req))
			fail_with("a request is one JSON object on one line");
		else
			go = agent_handle(&a, req, &hello);
		json_decref(req);
	}
	agent_restore(&a);
	return hello || go ? EXIT_OK : 2;
}
