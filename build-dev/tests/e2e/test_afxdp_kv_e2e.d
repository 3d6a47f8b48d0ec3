build-dev/tests/e2e/test_afxdp_kv_e2e: tests/e2e/test_afxdp_kv_e2e.c \
 src/afxdp_kv/afxdp_kv_serve.h src/afxdp_kv/afxdp_kv.h \
 src/include/olab_admit.h src/kvcache/kvc.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/attach.h tests/support/kvtb.h \
 tests/support/kvverify.h src/testbed/testbed.h build-dev/kvcache.skel.h
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
tests/support/kvtb.h:
tests/support/kvverify.h:
src/testbed/testbed.h:
build-dev/kvcache.skel.h:
