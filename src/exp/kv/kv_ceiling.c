// SPDX-License-Identifier: GPL-2.0
/* The kv experiment's XDP_TX responder (kv_ceiling.bpf.c): load, attach, its program. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "lib/attach.h"
#include "lib/log.h"

#include "kv_ceiling.skel.h"

struct kv_ceiling_bpf *kv_ceiling_load(unsigned int value_size, unsigned short port)
{
	struct kv_ceiling_bpf *sk;
	char tail[sizeof(sk->rodata->tail) + 1];
	int n = snprintf(tail, sizeof(tail), " 0 %u\r\n", value_size), err;

	if (n < 0 || (size_t)n + value_size + 7 > sizeof(tail) - 1) {
		errno = EINVAL;
		return NULL;
	}
	sk = kv_ceiling_bpf__open();
	if (!sk)
		return NULL;
	memset(tail + n, 'v', value_size);
	memcpy(tail + n + value_size, "\r\nEND\r\n", 7);
	memcpy((void *)sk->rodata->tail, tail, (size_t)n + value_size + 7);
	sk->rodata->tail_len = (__u32)(n + value_size + 7);
	sk->rodata->port = port;
	err = kv_ceiling_bpf__load(sk);
	if (err) {
		log_errno(err, "load the XDP_TX responder");
		kv_ceiling_bpf__destroy(sk);
		errno = -err;
		return NULL;
	}
	return sk;
}

struct bpf_link *kv_ceiling_attach(struct kv_ceiling_bpf *sk, int ifindex, const char *ifname)
{
	return att_xdp(sk->progs.olab_kv_ceiling, ifindex, ifname);
}

int kv_ceiling_prog_fd(const struct kv_ceiling_bpf *sk)
{
	return bpf_program__fd(sk->progs.olab_kv_ceiling);
}

void kv_ceiling_destroy(struct kv_ceiling_bpf *sk)
{
	kv_ceiling_bpf__destroy(sk);
}
