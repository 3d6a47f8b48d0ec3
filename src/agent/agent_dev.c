// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's device: taken by one agent at a time (a lock per network namespace and
 * ifindex), refused where it would cut the host off (a default route through it) or replace
 * someone's program, and described in a state file that the next agent on the same device
 * reads should this one be killed. Both files are keyed by the namespace and the ifindex,
 * never by the name: a device of the same name in another namespace is another device.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "exp/side.h"
#include "lib/atomicfile.h"
#include "lib/attach.h"
#include "lib/defroute.h"
#include "lib/log.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

void agent_threaded_restore(struct agent *a)
{
	if (a->threaded_before && dev_threaded_get(a->dev) != a->threaded_before &&
	    !dev_threaded_set(a->dev, a->threaded_before))
		log_info("agent: could not set /sys/class/net/%s/threaded back to %c", a->dev,
			 a->threaded_before);
}

static int leave_remove(const struct side_leave *l, int ifindex, const char *dev)
{
	int r = att_tc_remove_left(ifindex, l->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS, l->handle,
				   l->priority);

	if (r > 0)
		log_info("agent: removed %s from %s", l->what, dev);
	return r;
}

/* The sides' TC filters (fixed handles) on the device, where one is left. */
static void remove_filters(int ifindex, const char *dev)
{
	const struct exp_side *s;
	const struct side_leave *l;
	size_t i;

	for (i = 0; (s = agent_side(i)); i++)
		for (l = s->leaves; l && l->what; l++)
			leave_remove(l, ifindex, dev);
}

/* The lock and the state file go, in that order of safety: the state first, the lock last. */
static void dev_unlock(struct agent *a)
{
	if (a->state[0])
		unlink(a->state);
	a->state[0] = '\0';
	if (a->lock_fd >= 0) {
		/* unlinked while held: an agent that opened it meanwhile sees it is gone */
		unlink(a->lock);
		close(a->lock_fd);
	}
	a->lock_fd = -1;
	a->lock[0] = '\0';
}

void agent_dev_release(struct agent *a)
{
	if (a->ifindex)
		remove_filters(a->ifindex, a->dev);
	agent_threaded_restore(a);
	a->threaded_before = 0;
	dev_unlock(a);
	a->ifindex = 0;
}

/*
 * This network namespace, as a key no other has had since boot: its cookie (SO_NETNS_COOKIE,
 * Linux 5.14), else the inode of /proc/self/ns/net (which a later namespace may reuse).
 */
static void netns_key(char *buf, size_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t l = sizeof(uint64_t);
	uint64_t cookie = 0;
	struct stat st;

	if (fd >= 0 && !getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &l) &&
	    l == sizeof(cookie))
		snprintf(buf, len, "c%" PRIx64, cookie);
	else if (!stat("/proc/self/ns/net", &st))
		snprintf(buf, len, "i%llx", (unsigned long long)st.st_ino);
	else
		snprintf(buf, len, "unknown");
	if (fd >= 0)
		close(fd);
}

/*
 * The device's lock, taken without waiting: 0, -EBUSY (another agent holds it; *holder its
 * pid, 0 when unknown) or -errno. The lock file is unlinked by the agent that ends holding
 * it, so a lock taken on a file no longer at its path is tried again.
 */
static int dev_lock(struct agent *a, int *holder)
{
	int tries, fd, err;

	*holder = 0;
	for (tries = 0; tries < 8; tries++) {
		struct stat fs, ps;
		char pid[16] = "";

		fd = open(a->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			err = errno == EWOULDBLOCK ? -EBUSY : -errno;
			if (err == -EBUSY && pread(fd, pid, sizeof(pid) - 1, 0) > 0)
				*holder = atoi(pid) > 0 ? atoi(pid) : 0;
			close(fd);
			return err;
		}
		if (!fstat(fd, &fs) && !stat(a->lock, &ps) && fs.st_ino == ps.st_ino &&
		    fs.st_dev == ps.st_dev) {
			char me[16];
			int n = snprintf(me, sizeof(me), "%d\n", (int)getpid());

			if (ftruncate(fd, 0) || pwrite(fd, me, (size_t)n, 0) != n)
				log_info("agent: could not write its pid into %s", a->lock);
			a->lock_fd = fd;
			return 0;
		}
		close(fd); /* its holder ended and removed it as we took it */
	}
	return -EBUSY;
}

/* A state file left by an agent that died (SIGKILL): undo what it says. Its lock is ours. */
static void agent_stale(struct agent *a)
{
	json_t *st = json_load_file(a->state, 0, NULL);
	json_int_t pid = json_integer_value(json_object_get(st, "pid"));
	const char *thr = json_string_value(json_object_get(st, "threaded_before"));
	json_t *rec = json_object_get(st, "rec");

	if (!st)
		return;
	agent_announce("remove what an earlier agent (pid %lld, ended without cleaning up) left on "
		       "%s",
		       (long long)pid, a->dev);
	remove_filters(a->ifindex, a->dev);
	/* what its side recorded (programs a command attached, pins), that side's to undo */
	agent_side_stale(a, json_string_value(json_object_get(rec, "side")),
			 json_object_get(rec, "what"));
	if (thr && (*thr == '0' || *thr == '1') && dev_threaded_get(a->dev) != *thr &&
	    !dev_threaded_set(a->dev, *thr))
		log_info("agent: could not set %s's threaded NAPI back to %c", a->dev, *thr);
	unlink(a->state);
	json_decref(st);
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

/*
 * The state directory: made if missing, and then a real directory of root's, 0700, in a real
 * directory of root's that no one else can write to (nobody else can swap it).
 */
static bool state_dir_ok(void)
{
	struct stat pb, sb;

	mkdir(AGENT_STATE_PARENT, 0700);
	mkdir(AGENT_STATE_DIR, 0700);
	return !lstat(AGENT_STATE_PARENT, &pb) && S_ISDIR(pb.st_mode) && pb.st_uid == 0 &&
	       !(pb.st_mode & 022) && !lstat(AGENT_STATE_DIR, &sb) && S_ISDIR(sb.st_mode) &&
	       sb.st_uid == 0 && !(sb.st_mode & 077);
}

static int dump_state(FILE *f, void *arg)
{
	return json_dumpf(arg, f, 0) ? -EIO : 0;
}

int agent_state_write(const struct agent *a)
{
	json_t *st = json_pack("{s:i, s:s, s:i, s:s}", "pid", (int)getpid(), "dev", a->dev,
			       "ifindex", a->ifindex, "threaded_before",
			       a->threaded_before == '1'   ? "1"
			       : a->threaded_before == '0' ? "0"
							   : "");
	int err;

	/* the serving side's record, for the next agent's stale() of that side */
	if (st && a->rec && a->serving)
		json_object_set_new(
			st, "rec",
			json_pack("{s:s, s:O}", "side", a->serving->prefix, "what", a->rec));
	err = st ? atomic_write(a->state, dump_state, st) : -ENOMEM;

	json_decref(st);
	return err;
}

/*
 * Why the device is refused (after its lock was taken), or NULL: its route (before anything
 * of the device's is touched), then (xdp, after a killed agent's leftovers are removed) an
 * XDP program of someone else's.
 */
static const char *dev_refusal(const char *dev, int ifindex, bool allow, bool xdp, char *why,
			       size_t len)
{
	__u32 prog_id = 0;
	int r = allow || xdp ? 0 : defroute_via(ifindex);

	if (r > 0)
		snprintf(why, len,
			 "%s carries this host's default route (a routing table an ip rule "
			 "reaches): offloadlab would attach programs to the interface you reach "
			 "it by; refused (--allow-default-route-dev overrides)",
			 dev);
	else if (r < 0)
		snprintf(why, len,
			 "cannot read this host's routing rules and tables (%s) to check that %s "
			 "does not carry its default route; refused (--allow-default-route-dev "
			 "overrides)",
			 strerror(-r), dev);
	else if (xdp && !bpf_xdp_query_id(ifindex, 0, &prog_id) && prog_id)
		snprintf(why, len,
			 "%s already has an XDP program (id %u): offloadlab does not "
			 "replace it",
			 dev, prog_id);
	else
		return NULL;
	return why;
}

void agent_op_device(struct agent *a, json_t *req)
{
	const char *dev = json_string_value(json_object_get(req, "dev"));
	bool allow = json_is_true(json_object_get(req, "allow_default_route"));
	char key[40], why[400];
	int ifindex, holder, err;

	if (a->ifindex) {
		agent_fail("this agent already serves %s: one device per agent", a->dev);
		return;
	}
	ifindex = dev && strlen(dev) < IF_NAMESIZE && !strchr(dev, '/') ? (int)if_nametoindex(dev)
									: 0;
	if (!ifindex) {
		agent_fail("no device '%.40s' on this host (its namespace)", dev ? dev : "");
		return;
	}
	if (!state_dir_ok()) {
		agent_fail(AGENT_STATE_DIR
			   " is not a directory of root's alone (in one only root "
			   "may write to): refused (the agent keeps what it changed "
			   "there)");
		return;
	}
	netns_key(key, sizeof(key));
	snprintf(a->lock, sizeof(a->lock), AGENT_STATE_DIR "/%s-%d.lock", key, ifindex);
	err = dev_lock(a, &holder);
	if (err) {
		if (err == -EBUSY && holder)
			agent_fail("%s is in use by another agent on this host (pid %d): one agent "
				   "per device; refused, and nothing of the other's is touched",
				   dev, holder);
		else if (err == -EBUSY)
			agent_fail("%s is in use by another agent on this host (its pid unknown): "
				   "one agent per device; refused, and nothing of the other's is "
				   "touched",
				   dev);
		else
			agent_fail("cannot lock %s: %s", a->lock, strerror(-err));
		a->lock[0] = '\0';
		return;
	}
	if (dev_refusal(dev, ifindex, allow, false, why, sizeof(why))) {
		dev_unlock(a);
		agent_fail("%s", why);
		return;
	}
	snprintf(a->dev, sizeof(a->dev), "%s", dev);
	a->ifindex = ifindex;
	snprintf(a->state, sizeof(a->state), AGENT_STATE_DIR "/%s-%d.json", key, ifindex);
	agent_stale(a); /* an XDP program a killed agent's side left is not someone else's */
	if (dev_refusal(dev, ifindex, allow, true, why, sizeof(why))) {
		a->ifindex = 0;
		a->state[0] = '\0';
		dev_unlock(a);
		agent_fail("%s", why);
		return;
	}
	a->threaded_before = dev_threaded_get(dev);
	err = agent_state_write(a);
	if (err) {
		agent_fail("cannot write %s: %s", a->state, strerror(-err));
		a->ifindex = 0;
		dev_unlock(a);
		return;
	}
	agent_say(json_pack("{s:b, s:s, s:i, s:s}", "ok", 1, "dev", dev, "ifindex", a->ifindex,
			    "mac", dev_mac(dev)));
}
