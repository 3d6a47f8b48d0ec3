// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach.h"
#include "lib/log.h"

#include "xdp_pass.skel.h"

/*
 * An ifindex means a device only in the namespace it came from: refuse unless, in the calling
 * thread's namespace, it names exactly the device we mean. This keeps a caller that forgot
 * tb_enter() from attaching to a host interface that happens to share the number.
 */
static int check_dev(int ifindex, const char *ifname)
{
	char name[IF_NAMESIZE] = "";

	if (!if_indextoname((unsigned int)ifindex, name) || strcmp(name, ifname)) {
		log_info("refusing to attach to ifindex %d: in this namespace it is '%s', not %s "
			 "(a bug: enter the device's namespace first)",
			 ifindex, name[0] ? name : "nothing", ifname);
		return -ENODEV;
	}
	return 0;
}

static int att_tc(int ifindex, const char *ifname, int prog_fd, enum bpf_tc_attach_point where,
		  __u32 handle, __u32 priority, struct att_tc *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	t->opts.handle = handle;
	t->opts.priority = priority;
	err = check_dev(ifindex, ifname);
	if (err)
		return err;
	t->hook.sz = sizeof(t->hook);
	t->opts.sz = sizeof(t->opts);
	t->hook.ifindex = ifindex;
	t->hook.attach_point = where;
	{
		/* an existing clsact is fine: keep libbpf from printing the kernel's EEXIST */
		libbpf_print_fn_t old = libbpf_set_print(NULL);

		err = bpf_tc_hook_create(&t->hook);
		libbpf_set_print(old);
	}
	if (err && err != -EEXIST)
		return log_errno(err, "create the clsact qdisc on %s", ifname);
	/* a clsact that was there before stays, with whatever else it holds */
	t->hook_made = err == 0;
	t->opts.prog_fd = prog_fd;
	err = bpf_tc_attach(&t->hook, &t->opts);
	if (err) {
		att_tc_detach(t);
		return log_errno(err, "attach a TC %s program to %s",
				 where == BPF_TC_INGRESS ? "ingress" : "egress", ifname);
	}
	t->attached = true;
	return 0;
}

int att_tc_ingress(int ifindex, const char *ifname, int prog_fd, struct att_tc *t)
{
	return att_tc(ifindex, ifname, prog_fd, BPF_TC_INGRESS, 0, 0, t);
}

int att_tc_ingress_at(int ifindex, const char *ifname, int prog_fd, __u32 handle, __u32 priority,
		      struct att_tc *t)
{
	return att_tc(ifindex, ifname, prog_fd, BPF_TC_INGRESS, handle, priority, t);
}

int att_tc_remove_left(int ifindex, enum bpf_tc_attach_point where, __u32 handle, __u32 priority)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = priority);
	libbpf_print_fn_t old = libbpf_set_print(NULL); /* "no qdisc" is an answer here */
	int err = bpf_tc_query(&hook, &opts);

	libbpf_set_print(old);
	if (err)
		return 0;
	opts.prog_id = 0;
	opts.flags = 0;
	opts.prog_fd = 0;
	err = bpf_tc_detach(&hook, &opts);
	if (err)
		return err;
	/* a clsact left empty goes with it: the one who made it cannot come back for it */
	if (!att_tc_has_filters(ifindex)) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return 1;
}

int att_tc_egress_at(int ifindex, const char *ifname, int prog_fd, __u32 handle, __u32 priority,
		     struct att_tc *t)
{
	return att_tc(ifindex, ifname, prog_fd, BPF_TC_EGRESS, handle, priority, t);
}

/* Does `tc filter show dev IFNAME DIR` print anything (a filter someone else added)? */
static bool tc_dir_has_filters(const char *ifname, const char *dir)
{
	char *argv[] = { "tc", "filter", "show", "dev", (char *)ifname, (char *)dir, NULL };
	char buf[64];
	int p[2], status;
	ssize_t n;
	bool any = false;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return true; /* cannot tell: keep the qdisc */
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return true;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(p[1], STDOUT_FILENO);
		if (nul >= 0)
			dup2(nul, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		any |= n > 0;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return any || !WIFEXITED(status) || WEXITSTATUS(status);
}

bool att_tc_has_filters(int ifindex)
{
	char name[IF_NAMESIZE];

	if (!if_indextoname((unsigned int)ifindex, name))
		return false;
	return tc_dir_has_filters(name, "ingress") || tc_dir_has_filters(name, "egress");
}

void att_tc_detach(struct att_tc *t)
{
	if (t->attached) {
		t->opts.flags = t->opts.prog_fd = t->opts.prog_id = 0;
		bpf_tc_detach(&t->hook, &t->opts);
	}
	/* the qdisc we made goes only if nobody added a filter of their own to it since */
	if (t->hook_made && !att_tc_has_filters(t->hook.ifindex)) {
		t->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&t->hook);
	}
	memset(t, 0, sizeof(*t));
}

/* The tcx attach points (kernel 6.6), which this libbpf and these UAPI headers predate. */
#define ATT_TCX_INGRESS 46
#define ATT_TCX_EGRESS 47
#define ATT_F_BEFORE (1U << 3)

int att_tcx(int prog_fd, int ifindex, const char *ifname, bool egress)
{
	union bpf_attr attr;
	int err = check_dev(ifindex, ifname), fd;

	if (err)
		return err;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (__u32)prog_fd;
	attr.link_create.target_ifindex = (__u32)ifindex;
	attr.link_create.attach_type = egress ? ATT_TCX_EGRESS : ATT_TCX_INGRESS;
	/* first: it only reads, and sees every packet before anyone may drop or redirect it */
	attr.link_create.flags = ATT_F_BEFORE;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return log_errno(-errno, "attach a TC %s program to %s (tcx, kernel 6.6 or later)",
				 egress ? "egress" : "ingress", ifname);
	return fd;
}

struct bpf_link *att_xdp(struct bpf_program *prog, int ifindex, const char *ifname)
{
	struct bpf_link *l;
	int err = check_dev(ifindex, ifname);

	if (err) {
		errno = -err;
		return NULL;
	}
	l = bpf_program__attach_xdp(prog, ifindex);

	if (!l)
		log_errno(-errno, "attach XDP (native) to %s", ifname);
	return l;
}

int att_sockmap(int prog_fd, int map_fd, enum bpf_attach_type type)
{
	if (bpf_prog_attach(prog_fd, map_fd, type, 0))
		return log_errno(-errno, "attach an sk_skb program to a sockmap");
	return 0;
}

int xdp_pass_attach(const char *ifname, struct xdp_pass_link *p)
{
	int ifindex = (int)if_nametoindex(ifname);

	memset(p, 0, sizeof(*p));
	if (!ifindex)
		return log_errno(-ENODEV, "find device %s in this namespace", ifname);
	p->skel = xdp_pass_bpf__open_and_load();
	if (!p->skel)
		return log_errno(-errno, "load the XDP pass program");
	p->link = att_xdp(p->skel->progs.olab_xdp_pass, ifindex, ifname);
	if (!p->link) {
		int err = -errno;

		xdp_pass_detach(p);
		return err;
	}
	return 0;
}

void xdp_pass_detach(struct xdp_pass_link *p)
{
	bpf_link__destroy(p->link);
	xdp_pass_bpf__destroy(p->skel);
	memset(p, 0, sizeof(*p));
}

bool dev_is_veth(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool veth = false;

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		veth = !strcmp(info.driver, "veth");
	close(fd);
	return veth;
}

bool dev_is_virtual(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool virt = true;

	if (fd < 0)
		return true;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	/* a device on a bus (PCI, USB, a VM's virtio) has its address there */
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && info.bus_info[0])
		virt = false;
	close(fd);
	return virt;
}

char dev_threaded_get(const char *ifname)
{
	char path[96], c = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, &c, 1) != 1)
		c = 0;
	if (fd >= 0)
		close(fd);
	return c == '0' || c == '1' ? c : 0;
}

static bool threaded_try(const char *ifname, char v)
{
	char path[96];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ok = fd >= 0 && write(fd, &v, 1) == 1;
	if (fd >= 0)
		close(fd);
	return ok;
}

bool dev_threaded_set(const char *ifname, char v)
{
	struct xdp_pass_link p = { 0 };
	bool ok = threaded_try(ifname, v);

	if (!ok && dev_is_veth(ifname) && !xdp_pass_attach(ifname, &p)) {
		ok = threaded_try(ifname, v);
		xdp_pass_detach(&p);
	}
	return ok;
}

const char *dev_others(const char *dev, char *buf, size_t len)
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
