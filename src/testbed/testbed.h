/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TESTBED_H
#define OLAB_TESTBED_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Two network namespaces, olab-<pid>-gen (load generator) and olab-<pid>-dut (device under
 * test), joined by one veth pair with addresses from 198.18.0.0/15 (RFC 2544 benchmarking).
 * Both veth ends live inside the namespaces, so the host's interfaces are never touched and
 * removing the namespaces removes everything.
 */
#define TB_PREFIX "olab-"
#define TB_NETNS_DIR "/var/run/netns"

enum tb_side { TB_GEN, TB_DUT };

struct tb_end {
	char ns[40];	 /* namespace name */
	char ifname[16]; /* veth end inside that namespace */
	char ip[16];	 /* dotted IPv4 */
	uint32_t addr;	 /* network byte order */
	uint8_t mac[6];
	int ifindex;
	int nsfd;
};

#define TB_MAX_PROCS 8

struct tb {
	struct tb_end gen, dut;
	int procs[TB_MAX_PROCS]; /* processes started with tb_spawn(), 0 when free */
	int host_nsfd;		 /* where tb_leave() returns to */
	int gen_cpu, dut_cpu;
	bool up;
	bool two_hosts; /* tb_attach_host: one end is a real device here, the other elsewhere */
};

/* Create the namespaces and the veth pair; on failure nothing is left behind. */
int tb_create(struct tb *tb);
/*
 * One end of a two-host set-up: side is the real device ifname of this network namespace
 * (its address and MAC read from it), the other end only an address (peer_ip, may be NULL)
 * on another host. Nothing is created, and tb_destroy() removes nothing but its descriptors.
 * 0, or -errno with the message printed.
 */
int tb_attach_host(struct tb *tb, enum tb_side side, const char *ifname, const char *peer_ip,
		   const char *peer_ifname);
/* Move the calling thread into one side's namespace, or back to the host's. */
int tb_enter(const struct tb *tb, enum tb_side side);
int tb_leave(const struct tb *tb);
/* Call fn(arg) with the calling thread inside one side's namespace; returns fn's result. */
int tb_run_in(const struct tb *tb, enum tb_side side, int (*fn)(void *arg), void *arg);

/*
 * Start argv (no shell) inside one side's namespace, pinned to cpu (-1: not pinned), with
 * stdout/stderr to /dev/null unless verbose. The testbed kills it on teardown, signals
 * included. Returns its pid or -errno.
 */
int tb_spawn(struct tb *tb, enum tb_side side, int cpu, char *const argv[]);

/*
 * The program tb_spawn() would run for name: the first executable name in PATH, as execvp
 * finds it, into out. 0, or -ENOENT when there is none (to say so before starting anything).
 */
int tb_which(const char *name, char *out, size_t len);

/*
 * Keep cpu from going idle without taking it from anything that wants it: a child process at
 * SCHED_IDLE pinned there, spinning (a vCPU that never halts needs no hypervisor wake-up).
 * It ends by itself after max_ns, with the run if the run dies, and on teardown. Stop it
 * with tb_stop(). Returns its pid or -errno.
 */
int tb_spin(struct tb *tb, int cpu, uint64_t max_ns);

/* Stop a process started by tb_spawn(): SIGTERM, then SIGKILL after timeout_ms; reaps it. */
int tb_stop(struct tb *tb, int pid, int timeout_ms);

/*
 * Give one side's veth its own CPU, as the paper's two machines had: switch its NAPI to a
 * kernel thread and pin that thread to cpu. veth has NAPI only while an XDP program is
 * attached (or GRO is on), so attach first. With rt the thread gets a real-time priority so
 * that, like softirq, it preempts a busy-polling task on that CPU at once (latency); without,
 * it shares the CPU with the application like ksoftirqd under load (throughput under
 * overload, where a real-time thread would starve the application). Returns its pid or -errno.
 */
int tb_napi_pin(const struct tb *tb, enum tb_side side, int cpu, bool rt);

/* Remove both namespaces (and with them the veth pair). Safe to call twice. */
void tb_destroy(struct tb *tb);

/*
 * A TCP connection from the generator's namespace to the dut's address on port, retried until
 * a server there answers or timeout_ns passes (a server just spawned). Returns the socket
 * (usable from any namespace) or -errno.
 */
int tb_connect(const struct tb *tb, uint16_t port, uint64_t timeout_ns);

/*
 * Whether something already holds port (TCP or UDP) on the dut's address, in its namespace:
 * on a real host, a server of its own (a memcached) that would answer our requests.
 */
bool tb_port_taken(const struct tb *tb, uint16_t port);

/*
 * Remove namespaces left by runs that died (name olab-<pid>-*, pid no longer alive).
 * Returns how many were removed, or -errno.
 */
int tb_cleanup_stale(void);

/* Count namespaces named olab-<pid>-* for this pid (pid 0: any), for tests. */
int tb_count(int pid);

#endif
