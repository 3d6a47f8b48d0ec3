// SPDX-License-Identifier: GPL-2.0
/* One end of the testbed on a real device (two hosts), and sockets to the dut's address. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/fdwait.h"
#include "lib/log.h"
#include "testbed/testbed.h"

bool tb_port_taken(const struct tb *tb, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	bool taken = false;
	int t, fd;

	sa.sin_addr.s_addr = tb->dut.addr;
	if (tb_enter(tb, TB_DUT))
		return false;
	for (t = 0; t < 2 && !taken; t++) {
		fd = socket(AF_INET, (t ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
		taken = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
			errno == EADDRINUSE;
		if (fd >= 0)
			close(fd);
	}
	tb_leave(tb);
	return taken;
}

int tb_connect(const struct tb *tb, uint16_t port, uint64_t timeout_ns)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timespec t0, now;
	int fd = -ETIMEDOUT, err;

	a.sin_addr.s_addr = tb->dut.addr;
	/* from the generator; on the server's host alone (its agent), from there */
	err = tb_enter(tb, tb->gen.nsfd >= 0 ? TB_GEN : TB_DUT);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s >= 0 && !connect(s, (struct sockaddr *)&a, sizeof(a))) {
			fd = s;
			break;
		}
		if (s >= 0)
			close(s);
		if (fdwait_ended()) { /* the agent's driver is gone: nobody waits for this */
			fd = -EPIPE;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)(now.tv_sec - t0.tv_sec) * 1000000000ULL + (uint64_t)now.tv_nsec -
			    (uint64_t)t0.tv_nsec >=
		    timeout_ns)
			break;
		usleep(20000);
	}
	tb_leave(tb);
	return fd;
}

/* The IPv4 address and MAC of a device of this namespace. 0 or -errno. */
static int dev_addrs(const char *ifname, struct tb_end *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0) {
		e->addr = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
		inet_ntop(AF_INET, &e->addr, e->ip, sizeof(e->ip));
	} else {
		err = -errno;
	}
	if (!err && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(e->mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

int tb_attach_host(struct tb *tb, enum tb_side side, const char *ifname, const char *peer_ip,
		   const char *peer_ifname)
{
	struct tb_end *here = side == TB_GEN ? &tb->gen : &tb->dut;
	struct tb_end *there = side == TB_GEN ? &tb->dut : &tb->gen;
	int err;

	memset(tb, 0, sizeof(*tb));
	tb->gen.nsfd = tb->dut.nsfd = -1;
	snprintf(here->ns, sizeof(here->ns), "(this host)");
	snprintf(there->ns, sizeof(there->ns), "(the other host)");
	snprintf(here->ifname, sizeof(here->ifname), "%s", ifname);
	snprintf(there->ifname, sizeof(there->ifname), "%s", peer_ifname ? peer_ifname : "");
	here->ifindex = (int)if_nametoindex(ifname);
	if (!here->ifindex)
		return log_errno(-ENODEV, "find device %s in this network namespace", ifname);
	err = dev_addrs(ifname, here);
	if (err)
		return log_errno(err, "read the IPv4 address of %s", ifname);
	if (peer_ip) {
		if (inet_pton(AF_INET, peer_ip, &there->addr) != 1)
			return log_errno(-EINVAL, "read '%s' as an IPv4 address", peer_ip);
		snprintf(there->ip, sizeof(there->ip), "%s", peer_ip);
	}
	tb->host_nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	here->nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (tb->host_nsfd < 0 || here->nsfd < 0)
		return log_errno(-errno, "open this thread's network namespace");
	if (cpu_pick_pair(&tb->gen_cpu, &tb->dut_cpu) < 0)
		tb->gen_cpu = tb->dut_cpu = 0;
	tb->two_hosts = true;
	return 0;
}
