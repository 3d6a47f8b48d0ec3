// SPDX-License-Identifier: GPL-2.0
/*
 * The testbed's namespaces and veth pair: made, entered, torn down (on exit, on a signal, and
 * at the next start for a run that died). Processes in them: tb_proc.c; one end on a real
 * device (two hosts), and sockets to the dut: tb_host.c.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "lib/util.h"

/* Testbeds alive in this process, for teardown from a signal handler or atexit. */
#define TB_MAX_LIVE 4
static struct tb *live[TB_MAX_LIVE];
static bool handlers_installed;

/* Run argv (no shell), with output suppressed unless verbose; returns its exit status. */
static int tb_run_cmd(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (!log_verbose) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* async-signal-safe: only umount2/unlink, no allocation, no fork */
static void ns_remove(const char *name)
{
	char path[128];
	size_t dl = sizeof(TB_NETNS_DIR) - 1, nl = strlen(name);

	if (!name[0] || dl + 1 + nl + 1 > sizeof(path))
		return;
	memcpy(path, TB_NETNS_DIR, dl);
	path[dl] = '/';
	memcpy(path + dl + 1, name, nl + 1);
	umount2(path, MNT_DETACH);
	unlink(path);
}

static void teardown_raw(struct tb *tb)
{
	int i;

	/* processes first: a live process keeps its namespace (and its veth) alive */
	for (i = 0; i < TB_MAX_PROCS; i++) {
		if (tb->procs[i] > 0) {
			kill(tb->procs[i], SIGKILL);
			waitpid(tb->procs[i], NULL, 0);
			tb->procs[i] = 0;
		}
	}
	if (!tb->up)
		return;
	ns_remove(tb->gen.ns);
	ns_remove(tb->dut.ns);
	tb->up = false;
}

static void teardown_all(void)
{
	int i;

	for (i = 0; i < TB_MAX_LIVE; i++)
		if (live[i])
			teardown_raw(live[i]);
}

static const int tb_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction tb_before[ARRAY_SIZE(tb_sigs)];

static void on_signal(int sig)
{
	size_t i;

	teardown_all();
	/* then whatever handled it before (temporary files' cleanup, or the default) */
	for (i = 0; i < ARRAY_SIZE(tb_sigs); i++)
		if (tb_sigs[i] == sig)
			sigaction(sig, &tb_before[i], NULL);
	raise(sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	size_t i;

	if (handlers_installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(tb_sigs); i++)
		sigaction(tb_sigs[i], &sa, &tb_before[i]);
	atexit(teardown_all);
	handlers_installed = true;
}

static void track(struct tb *tb, bool on)
{
	int i;

	for (i = 0; i < TB_MAX_LIVE; i++) {
		if (on && !live[i]) {
			live[i] = tb;
			return;
		}
		if (!on && live[i] == tb) {
			live[i] = NULL;
			return;
		}
	}
}

/* ip [-n NS] ARGS...; the argument list ends with IP_END */
#define IP_END ((const char *)NULL)
static int ip(const char *ns, ...)
{
	const char *argv[24];
	const char *a;
	va_list ap;
	int n = 0, rc;

	argv[n++] = "ip";
	if (ns) {
		argv[n++] = "-n";
		argv[n++] = ns;
	}
	va_start(ap, ns);
	while ((a = va_arg(ap, const char *)) && n < (int)ARRAY_SIZE(argv) - 1)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	rc = tb_run_cmd((char *const *)argv);
	if (rc)
		log_debug("'ip%s%s %s %s ...' exited with %d", ns ? " -n " : "", ns ? ns : "",
			  argv[ns ? 3 : 1], argv[ns ? 4 : 2] ? argv[ns ? 4 : 2] : "", rc);
	return rc;
}

static int open_ns(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", TB_NETNS_DIR, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int read_mac(struct tb *tb, struct tb_end *e, enum tb_side side)
{
	struct ifreq ifr;
	int err, fd = -1;

	err = tb_enter(tb, side);
	if (err)
		return err;
	e->ifindex = (int)if_nametoindex(e->ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !e->ifindex) {
		err = -errno;
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", e->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		err = -errno;
		goto out;
	}
	memcpy(e->mac, ifr.ifr_hwaddr.sa_data, sizeof(e->mac));
out:
	if (fd >= 0)
		close(fd);
	tb_leave(tb);
	return err;
}

static void end_init(struct tb_end *e, int pid, const char *role, const char *ifname,
		     const char *ipaddr)
{
	snprintf(e->ns, sizeof(e->ns), TB_PREFIX "%d-%s", pid, role);
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	snprintf(e->ip, sizeof(e->ip), "%s", ipaddr);
	inet_pton(AF_INET, ipaddr, &e->addr);
	e->nsfd = -1;
}

int tb_create(struct tb *tb)
{
	char gen_cidr[24], dut_cidr[24];
	int err, pid = (int)getpid();

	memset(tb, 0, sizeof(*tb));
	tb->host_nsfd = -1;
	end_init(&tb->gen, pid, "gen", "olab-g", "198.18.0.1");
	end_init(&tb->dut, pid, "dut", "olab-d", "198.18.0.2");
	snprintf(gen_cidr, sizeof(gen_cidr), "%s/24", tb->gen.ip);
	snprintf(dut_cidr, sizeof(dut_cidr), "%s/24", tb->dut.ip);
	if (cpu_pick_pair(&tb->gen_cpu, &tb->dut_cpu) < 0)
		tb->gen_cpu = tb->dut_cpu = 0;

	if (geteuid() != 0) {
		log_info("creating the testbed needs root: run offloadlab as root "
			 "(it creates network namespaces and loads BPF programs)");
		return -EPERM;
	}
	install_handlers();
	tb->host_nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (tb->host_nsfd < 0)
		return log_errno(-errno, "open this thread's network namespace");

	/* tracked before creation so a signal mid-way still removes what exists */
	tb->up = true;
	track(tb, true);
	if (ip(NULL, "netns", "add", tb->gen.ns, IP_END) ||
	    ip(NULL, "netns", "add", tb->dut.ns, IP_END)) {
		err = -EIO;
		log_info("cannot create network namespaces %s and %s: is iproute2 installed and "
			 "are you root? (scripts/install-deps.sh)",
			 tb->gen.ns, tb->dut.ns);
		goto fail;
	}
	if (ip(tb->gen.ns, "link", "add", tb->gen.ifname, "type", "veth", "peer", "name",
	       tb->dut.ifname, IP_END) ||
	    ip(tb->gen.ns, "link", "set", tb->dut.ifname, "netns", tb->dut.ns, IP_END) ||
	    ip(tb->gen.ns, "addr", "add", gen_cidr, "dev", tb->gen.ifname, IP_END) ||
	    ip(tb->dut.ns, "addr", "add", dut_cidr, "dev", tb->dut.ifname, IP_END) ||
	    ip(tb->gen.ns, "link", "set", "lo", "up", IP_END) ||
	    ip(tb->dut.ns, "link", "set", "lo", "up", IP_END) ||
	    ip(tb->gen.ns, "link", "set", tb->gen.ifname, "up", IP_END) ||
	    ip(tb->dut.ns, "link", "set", tb->dut.ifname, "up", IP_END)) {
		err = -EIO;
		log_info("cannot set up the veth pair between %s and %s (veth support missing "
			 "from this kernel?); run with -v to see the failing command",
			 tb->gen.ns, tb->dut.ns);
		goto fail;
	}
	tb->gen.nsfd = open_ns(tb->gen.ns);
	tb->dut.nsfd = open_ns(tb->dut.ns);
	if (tb->gen.nsfd < 0 || tb->dut.nsfd < 0) {
		err = log_errno(-errno, "open the testbed's namespaces");
		goto fail;
	}
	err = read_mac(tb, &tb->gen, TB_GEN);
	if (!err)
		err = read_mac(tb, &tb->dut, TB_DUT);
	if (err) {
		log_errno(err, "read the testbed's veth addresses");
		goto fail;
	}
	/* static neighbours: no ARP exchange inside a measurement */
	{
		char gmac[18], dmac[18];
		const uint8_t *g = tb->gen.mac, *d = tb->dut.mac;

		snprintf(gmac, sizeof(gmac), "%02x:%02x:%02x:%02x:%02x:%02x", g[0], g[1], g[2],
			 g[3], g[4], g[5]);
		snprintf(dmac, sizeof(dmac), "%02x:%02x:%02x:%02x:%02x:%02x", d[0], d[1], d[2],
			 d[3], d[4], d[5]);
		if (ip(tb->gen.ns, "neigh", "replace", tb->dut.ip, "lladdr", dmac, "dev",
		       tb->gen.ifname, "nud", "permanent", IP_END) ||
		    ip(tb->dut.ns, "neigh", "replace", tb->gen.ip, "lladdr", gmac, "dev",
		       tb->dut.ifname, "nud", "permanent", IP_END))
			log_debug("static neighbour entries failed; ARP will resolve instead");
	}
	log_debug("testbed %s (%s %s) <-> %s (%s %s), cpus gen %d dut %d", tb->gen.ns,
		  tb->gen.ifname, tb->gen.ip, tb->dut.ns, tb->dut.ifname, tb->dut.ip, tb->gen_cpu,
		  tb->dut_cpu);
	return 0;
fail:
	tb_destroy(tb);
	return err;
}

int tb_enter(const struct tb *tb, enum tb_side side)
{
	int fd = side == TB_GEN ? tb->gen.nsfd : tb->dut.nsfd;

	if (fd < 0)
		return -EBADF;
	if (setns(fd, CLONE_NEWNET))
		return log_errno(-errno, "enter namespace %s",
				 side == TB_GEN ? tb->gen.ns : tb->dut.ns);
	return 0;
}

int tb_leave(const struct tb *tb)
{
	if (tb->host_nsfd < 0)
		return -EBADF;
	if (setns(tb->host_nsfd, CLONE_NEWNET))
		return log_errno(-errno, "return to the host's network namespace");
	return 0;
}

void tb_destroy(struct tb *tb)
{
	if (tb->gen.nsfd >= 0)
		close(tb->gen.nsfd);
	if (tb->dut.nsfd >= 0)
		close(tb->dut.nsfd);
	tb->gen.nsfd = tb->dut.nsfd = -1;
	if (tb->host_nsfd >= 0) {
		setns(tb->host_nsfd, CLONE_NEWNET);
		close(tb->host_nsfd);
		tb->host_nsfd = -1;
	}
	teardown_raw(tb);
	track(tb, false);
}

int tb_run_in(const struct tb *tb, enum tb_side side, int (*fn)(void *arg), void *arg)
{
	int err = tb_enter(tb, side), ret;

	if (err)
		return err;
	ret = fn(arg);
	err = tb_leave(tb);
	return err ? err : ret;
}

/* "olab-<pid>-<role>" -> pid, or 0 when the name is not ours */
static int ns_pid(const char *name)
{
	char *end;
	long pid;

	if (strncmp(name, TB_PREFIX, sizeof(TB_PREFIX) - 1))
		return 0;
	pid = strtol(name + sizeof(TB_PREFIX) - 1, &end, 10);
	if (end == name + sizeof(TB_PREFIX) - 1 || *end != '-' || pid <= 0 || pid > 1 << 30)
		return 0;
	return (int)pid;
}

static bool pid_alive(int pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

int tb_cleanup_stale(void)
{
	DIR *d = opendir(TB_NETNS_DIR);
	struct dirent *de;
	int removed = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		int pid = ns_pid(de->d_name);

		if (!pid || pid_alive(pid))
			continue;
		log_info("removing %s, left by a run (pid %d) that did not finish", de->d_name,
			 pid);
		ns_remove(de->d_name);
		removed++;
	}
	closedir(d);
	return removed;
}

int tb_count(int pid)
{
	DIR *d = opendir(TB_NETNS_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		int p = ns_pid(de->d_name);

		if (p && (!pid || p == pid))
			n++;
	}
	closedir(d);
	return n;
}
