build-dev/tests/e2e/test_kvcache_e2e: tests/e2e/test_kvcache_e2e.c \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h tests/support/kvtb.h tests/support/kvverify.h \
 src/testbed/testbed.h src/lib/bpfutil.h build-dev/kvcache.skel.h
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
tests/support/kvtb.h:
tests/support/kvverify.h:
src/testbed/testbed.h:
src/lib/bpfutil.h:
build-dev/kvcache.skel.h:
