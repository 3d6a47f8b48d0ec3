/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kvcache e2e tests share on the veth testbed (include after <cmocka.h>): the cache
 * put in front of the dut's server and removed again, and the verifying client's verdict.
 */
#ifndef OLAB_KVTB_H
#define OLAB_KVTB_H

#include "kvcache/kvc.h"
#include "lib/attach.h"
#include "support/kvverify.h"
#include "testbed/testbed.h"

/* The kvcache on the dut's veth, and an XDP_PASS program on the client's, without which
 * XDP_TX replies do not reach it. */
static inline void kvtb_cache_attach(struct tb *tb, struct kvc *k, struct xdp_pass_link *peer)
{
	assert_int_equal(tb_enter(tb, TB_GEN), 0);
	assert_int_equal(xdp_pass_attach(tb->gen.ifname, peer), 0);
	tb_leave(tb);
	assert_int_equal(tb_enter(tb, TB_DUT), 0);
	assert_int_equal(kvc_attach(tb->dut.ifname, 11211, 4096, k), 0);
	tb_leave(tb);
}

static inline void kvtb_cache_detach(struct tb *tb, struct kvc *k, struct xdp_pass_link *peer)
{
	assert_int_equal(tb_enter(tb, TB_DUT), 0);
	kvc_detach(k);
	tb_leave(tb);
	assert_int_equal(tb_enter(tb, TB_GEN), 0);
	xdp_pass_detach(peer);
	tb_leave(tb);
}

/* The verifying client's run, printed; it must have found nothing wrong. */
static inline void kvtb_assert_clean(const struct kvv_result *r)
{
	kvv_print(r);
	assert_true(r->writes > 0 && r->reads > 0);
	assert_int_equal(r->stale, 0);
	assert_int_equal(r->missing, 0);
	assert_int_equal(r->corrupt, 0);
	assert_int_equal(r->final_mismatch, 0);
	assert_int_equal(r->write_errors, 0);
}

#endif
