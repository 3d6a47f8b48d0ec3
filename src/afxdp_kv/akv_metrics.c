// SPDX-License-Identifier: GPL-2.0
/* The AF_XDP server's counters outside its process: the state file, stats, cleanup. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "afxdp_kv/akv_metrics.h"
#include "lib/atomicfile.h"
#include "lib/cli.h"
#include "lib/log.h"
#include "lib/prom.h"
#include "lib/util.h"

#define STATE_DIR "/run/offloadlab"
#define MAX_FIELDS 160

struct field {
	char name[48];
	char val[24];
};

struct state {
	int n;
	struct field f[MAX_FIELDS];
};

struct akv_pub {
	char path[128], dev[IF_NAMESIZE], textfile[4096];
	bool has_textfile, warned;
	int ifindex;
	uint16_t port;
	struct state st;
};

/* ---- the state file ---- */

static int state_path(const char *dev, char *buf, size_t len, int *ifindex)
{
	struct stat ns;
	unsigned int i = if_nametoindex(dev);

	if (!i)
		return -ENODEV;
	if (ifindex)
		*ifindex = (int)i;
	snprintf(buf, len, STATE_DIR "/afxdp-kv-%llx-%u.stats",
		 stat("/proc/self/ns/net", &ns) ? 0ULL : (unsigned long long)ns.st_ino, i);
	return 0;
}

/* The folder is root's alone (as the agent's state): nothing planted there is trusted. */
static int state_dir(void)
{
	struct stat sb;

	mkdir(STATE_DIR, 0700);
	if (lstat(STATE_DIR, &sb))
		return -errno;
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 022))
		return -EPERM;
	return 0;
}

static bool word_ok(const char *s, const char *allowed, size_t max)
{
	size_t n = strlen(s);

	return n && n < max && strspn(s, allowed) == n;
}

static void add(struct state *st, const char *name, const char *val)
{
	if (st->n == MAX_FIELDS || !word_ok(name, "abcdefghijklmnopqrstuvwxyz0123456789_.", 48) ||
	    !word_ok(val, "0123456789.", 24))
		return;
	snprintf(st->f[st->n].name, sizeof(st->f[0].name), "%s", name);
	snprintf(st->f[st->n].val, sizeof(st->f[0].val), "%s", val);
	st->n++;
}

static void addu(struct state *st, const char *name, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	add(st, name, b);
}

static const char *get(const struct state *st, const char *name)
{
	int i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->f[i].name, name))
			return st->f[i].val;
	return NULL;
}

static uint64_t getu(const struct state *st, const char *name)
{
	const char *v = get(st, name);

	return v ? strtoull(v, NULL, 10) : 0;
}

/* Strict: "name value" lines only, within bounds; anything else refuses the whole file. */
static int state_read(const char *path, struct state *st)
{
	char line[128], name[64], val[64], extra;
	FILE *f = fopen(path, "re");
	int err = 0;

	st->n = 0;
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		int before = st->n;

		if (!strchr(line, '\n') || sscanf(line, "%63s %63s %c", name, val, &extra) != 2)
			err = -EBADMSG;
		else
			add(st, name, val);
		if (!err && st->n == before)
			err = -EBADMSG;
	}
	fclose(f);
	return err;
}

static int state_fill(FILE *f, void *arg)
{
	const struct state *st = arg;
	int i;

	for (i = 0; i < st->n; i++)
		fprintf(f, "%s %s\n", st->f[i].name, st->f[i].val);
	return 0;
}

/* A server is alive at pid: the process exists and is offloadlab (pids are reused). */
static bool server_alive(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || (kill(pid, 0) && errno != EPERM))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "offloadlab", 10);
}

/* ---- Prometheus ---- */

/* memcached's 'stats' fields as memcached_exporter names them: commands by command, status. */
static const struct {
	const char *stat, *command, *status;
} cmd_stats[] = {
	{ "get_hits", "get", "hit" },	       { "get_misses", "get", "miss" },
	{ "cmd_set", "set", "hit" },	       { "delete_hits", "delete", "hit" },
	{ "delete_misses", "delete", "miss" }, { "incr_hits", "incr", "hit" },
	{ "incr_misses", "incr", "miss" },     { "decr_hits", "decr", "hit" },
	{ "decr_misses", "decr", "miss" },     { "cas_hits", "cas", "hit" },
	{ "cas_misses", "cas", "miss" },       { "cas_badval", "cas", "badval" },
	{ "touch_hits", "touch", "hit" },      { "touch_misses", "touch", "miss" },
	{ "cmd_flush", "flush", "hit" },
};

static const struct {
	const char *key, *reason;
} drops[] = {
	{ "bad", "bad_frame" },
	{ "no_room", "no_tx_room" },
	{ "xsk_rx_dropped", "xsk_rx_dropped" },
	{ "xsk_rx_ring_full", "xsk_rx_ring_full" },
	{ "xsk_rx_invalid", "xsk_rx_invalid" },
	{ "xsk_tx_invalid", "xsk_tx_invalid" },
};

struct prom_job {
	const char *dev;
	bool up;
	const struct state *st;
};

static void one(struct prom *p, const char *dev, const char *k, const char *v, uint64_t n)
{
	const char *labels[] = { "dev", dev, k, v, NULL };

	prom_sample(p, labels, n);
}

static void simple(struct prom *p, const struct prom_job *j, const char *name, enum prom_type t,
		   const char *help, const char *key)
{
	prom_family(p, name, t, help);
	one(p, j->dev, NULL, NULL, getu(j->st, key));
}

static int prom_fill(FILE *f, void *arg)
{
	const struct prom_job *j = arg;
	struct prom p;
	size_t i;
	bool any = false;

	prom_init(&p, f);
	prom_family(&p, "offloadlab_afxdp_kv_up", PROM_GAUGE,
		    "1 when an AF_XDP key-value server serves on the device");
	one(&p, j->dev, NULL, NULL, j->up);
	if (!j->up)
		return prom_end(&p);
	simple(&p, j, "offloadlab_afxdp_kv_requests_total", PROM_COUNTER,
	       "Request datagrams taken (AF_XDP, and reassembled ones through the UDP socket)",
	       "requests");
	simple(&p, j, "offloadlab_afxdp_kv_replies_total", PROM_COUNTER, "Reply datagrams sent",
	       "replies");
	simple(&p, j, "offloadlab_afxdp_kv_frames_sent_total", PROM_COUNTER,
	       "Frames sent (a reply longer than the MTU is several IP fragments)", "frames_out");
	prom_family(&p, "offloadlab_afxdp_kv_dropped_total", PROM_COUNTER,
		    "Frames dropped, by why: malformed, no room to send, or the AF_XDP socket's "
		    "own drops");
	for (i = 0; i < ARRAY_SIZE(drops); i++)
		one(&p, j->dev, "reason", drops[i].reason, getu(j->st, drops[i].key));
	prom_family(&p, "offloadlab_afxdp_kv_xdp_packets_total", PROM_COUNTER,
		    "Packets the server's XDP program saw, by what it did");
	one(&p, j->dev, "action", "redirected", getu(j->st, "xdp_redirected"));
	one(&p, j->dev, "action", "passed", getu(j->st, "xdp_passed"));
	simple(&p, j, "offloadlab_afxdp_kv_current_items", PROM_GAUGE, "Items held", "items");
	simple(&p, j, "offloadlab_afxdp_kv_items_evicted_total", PROM_COUNTER,
	       "Items evicted for room (least recently used first)", "evictions");
	simple(&p, j, "offloadlab_afxdp_kv_current_bytes", PROM_GAUGE, "Bytes the items take",
	       "bytes");
	simple(&p, j, "offloadlab_afxdp_kv_limit_bytes", PROM_GAUGE,
	       "Bytes the items may take (--memory)", "limit_bytes");
	/* from the server's reply to memcached's 'stats', where it gives them */
	for (i = 0; i < ARRAY_SIZE(cmd_stats); i++) {
		char key[64];

		snprintf(key, sizeof(key), "stat.%s", cmd_stats[i].stat);
		if (!get(j->st, key))
			continue;
		if (!any)
			prom_family(&p, "offloadlab_afxdp_kv_commands_total", PROM_COUNTER,
				    "Commands by command and status, as memcached counts them");
		any = true;
		{
			const char *labels[] = { "dev",	    j->dev,
						 "command", cmd_stats[i].command,
						 "status",  cmd_stats[i].status,
						 NULL };

			prom_sample(&p, labels, getu(j->st, key));
		}
	}
	if (get(j->st, "stat.bytes_read"))
		simple(&p, j, "offloadlab_afxdp_kv_read_bytes_total", PROM_COUNTER,
		       "Request bytes read, as memcached counts them", "stat.bytes_read");
	if (get(j->st, "stat.bytes_written"))
		simple(&p, j, "offloadlab_afxdp_kv_written_bytes_total", PROM_COUNTER,
		       "Reply bytes written, as memcached counts them", "stat.bytes_written");
	return prom_end(&p);
}

static int textfile_write(const char *dir, const char *dev, bool up, const struct state *st)
{
	struct prom_job j = { .dev = dev, .up = up, .st = st };
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "offloadlab_afxdp_kv_%s.prom", dev);
	for (i = strlen("offloadlab_afxdp_kv_"); name[i + 5]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
			    name[i]))
			name[i] = '_';
	return prom_textfile(dir, name, prom_fill, &j);
}

/* ---- the server's side ---- */

int akv_pub_open(const struct akv_opts *o, const char *textfile, struct akv_pub **out)
{
	struct akv_pub *p = calloc(1, sizeof(*p));
	struct state old;
	int err;

	if (!p)
		return -ENOMEM;
	snprintf(p->dev, sizeof(p->dev), "%s", o->dev);
	p->port = o->port;
	if (textfile) {
		p->has_textfile = true;
		snprintf(p->textfile, sizeof(p->textfile), "%s", textfile);
	}
	err = state_path(o->dev, p->path, sizeof(p->path), &p->ifindex);
	if (err) {
		free(p);
		return log_errno(err, "find the device %s", o->dev);
	}
	err = state_dir();
	if (err) {
		free(p);
		return log_errno(err, "use " STATE_DIR " for the server's counters (a folder of "
				      "root's alone)");
	}
	err = state_read(p->path, &old);
	if (err == -EBADMSG)
		fprintf(stderr, "offloadlab afxdp-kv: removed an unreadable state file: %s\n",
			p->path);
	if (!err) {
		pid_t pid = (pid_t)getu(&old, "pid");

		if (server_alive(pid) && pid != getpid()) {
			fprintf(stderr,
				"offloadlab afxdp-kv: another server (pid %d) serves %s: stop it "
				"first\n",
				(int)pid, o->dev);
			free(p);
			return -EBUSY;
		}
		fprintf(stderr,
			"offloadlab afxdp-kv: removed what a killed server (pid %d) left: %s\n",
			(int)pid, p->path);
	}
	unlink(p->path);
	*out = p;
	return 0;
}

void akv_pub_tick(struct akv_pub *p, struct akv_server *s)
{
	static struct akv_metrics m;
	struct akv_stats st;
	struct state *x = &p->st;
	char *line, *save = NULL;
	int err;

	akv_server_stats(s, &st);
	akv_server_metrics(s, &m);
	x->n = 0;
	addu(x, "pid", (uint64_t)getpid());
	addu(x, "ifindex", (uint64_t)p->ifindex);
	addu(x, "port", p->port);
	addu(x, "time", (uint64_t)time(NULL));
	addu(x, "zerocopy", st.zerocopy);
	addu(x, "requests", st.requests);
	addu(x, "replies", st.replies);
	addu(x, "frames_out", st.frames_out);
	addu(x, "bad", st.bad);
	addu(x, "no_room", st.no_room);
	addu(x, "items", st.items);
	addu(x, "evictions", st.evictions);
	addu(x, "bytes", m.bytes);
	addu(x, "limit_bytes", m.limit_bytes);
	addu(x, "xsk_rx_dropped", m.xsk_rx_dropped);
	addu(x, "xsk_rx_ring_full", m.xsk_rx_ring_full);
	addu(x, "xsk_rx_invalid", m.xsk_rx_invalid);
	addu(x, "xsk_tx_invalid", m.xsk_tx_invalid);
	addu(x, "xdp_redirected", m.xdp_redirected);
	addu(x, "xdp_passed", m.xdp_passed);
	/* "STAT name value" lines of memcached's stats reply; numbers only */
	for (line = strtok_r(m.stats, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char name[48], val[24], key[64], extra;

		if (sscanf(line, "STAT %47s %23s %c", name, val, &extra) != 2)
			continue;
		snprintf(key, sizeof(key), "stat.%s", name);
		add(x, key, val);
	}
	err = atomic_write(p->path, state_fill, x);
	if (!err && p->has_textfile)
		err = textfile_write(p->textfile, p->dev, true, x);
	if (err && !p->warned) {
		log_errno(err, "publish the server's counters (%s%s%s)", p->path,
			  p->has_textfile ? ", " : "", p->has_textfile ? p->textfile : "");
		p->warned = true;
	}
}

void akv_pub_close(struct akv_pub *p)
{
	if (!p)
		return;
	unlink(p->path);
	if (p->has_textfile)
		textfile_write(p->textfile, p->dev, false, &p->st);
	free(p);
}

/* ---- the commands ---- */

/* The live server's state on dev; 0, -ESRCH when none serves there, or -errno. */
static int live_state(const char *dev, struct state *st, char *path, size_t len)
{
	int ifindex, err = state_path(dev, path, len, &ifindex);

	if (err)
		return err;
	err = state_read(path, st);
	if (err == -ENOENT)
		return -ESRCH;
	if (err)
		return err;
	if (!server_alive((pid_t)getu(st, "pid")) || getu(st, "ifindex") != (uint64_t)ifindex)
		return -ESRCH;
	return 0;
}

/* A field's value: integers, one dot a real, anything else (a version: 1.6.18) a string. */
static json_t *json_value(const char *v)
{
	const char *dot = strchr(v, '.');

	if (!dot)
		return json_integer((json_int_t)strtoull(v, NULL, 10));
	if (!strchr(dot + 1, '.'))
		return json_real(strtod(v, NULL));
	return json_string(v);
}

int akv_stats_cmd(const char *dev, enum akv_format fmt, const char *textfile)
{
	static struct state st;
	char path[128] = "";
	int err = live_state(dev, &st, path, sizeof(path)), i;

	if (err == -ENODEV)
		return log_errno(err, "find the device %s in this namespace", dev), EXIT_FAIL;
	if (err && err != -ESRCH)
		return log_errno(err, "read the server's counters in %s", path), EXIT_FAIL;
	if (textfile) {
		int werr = textfile_write(textfile, dev, !err, &st);

		if (werr)
			return log_errno(werr, "write the metrics into %s", textfile), EXIT_FAIL;
	}
	if (err) {
		fprintf(stderr, "offloadlab afxdp-kv: no server serves %s in this namespace%s\n",
			dev, textfile ? " (wrote offloadlab_afxdp_kv_up 0)" : "");
		return EXIT_FAIL;
	}
	if (textfile)
		return EXIT_OK;
	if (fmt == AKV_FMT_PROM) {
		struct prom_job j = { .dev = dev, .up = true, .st = &st };

		err = prom_fill(stdout, &j);
		return err ? (log_errno(err, "write the metrics"), EXIT_FAIL) : EXIT_OK;
	}
	if (fmt == AKV_FMT_JSON) {
		json_t *o = json_object(), *s = json_object();

		for (i = 0; i < st.n; i++)
			json_object_set_new(s, st.f[i].name, json_value(st.f[i].val));
		json_object_set_new(o, "device", json_string(dev));
		json_object_set_new(o, "stats", s);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		return EXIT_OK;
	}
	for (i = 0; i < st.n; i++)
		printf("%-32s %s\n", st.f[i].name, st.f[i].val);
	return EXIT_OK;
}

int akv_cleanup_cmd(const char *dev)
{
	static struct state st;
	char path[128] = "";
	int err = live_state(dev, &st, path, sizeof(path));

	if (err == -ENODEV)
		return log_errno(err, "find the device %s in this namespace", dev), EXIT_FAIL;
	if (!err) {
		fprintf(stderr,
			"offloadlab afxdp-kv: a server (pid %llu) still serves %s: "
			"not touching it\n",
			(unsigned long long)getu(&st, "pid"), dev);
		return EXIT_FAIL;
	}
	if (err != -ESRCH && err != -EBADMSG)
		return log_errno(err, "read %s", path), EXIT_FAIL;
	if (!unlink(path))
		printf("afxdp-kv: removed what a server on %s left (%s)\n", dev, path);
	return EXIT_OK;
}
