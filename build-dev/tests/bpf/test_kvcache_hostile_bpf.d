build-dev/tests/bpf/test_kvcache_hostile_bpf: \
 tests/bpf/test_kvcache_hostile_bpf.c tests/bpf/bpf_fixture.h \
 tests/bpf/kvc_util.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 tests/bpf/kvc_open.h src/kvcache/kvc.h src/lib/attach.h \
 build-dev/kvcache.skel.h src/lib/admit.h src/include/olab_admit.h \
 src/lib/pkt.h
tests/bpf/bpf_fixture.h:
tests/bpf/kvc_util.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
tests/bpf/kvc_open.h:
src/kvcache/kvc.h:
src/lib/attach.h:
build-dev/kvcache.skel.h:
src/lib/admit.h:
src/include/olab_admit.h:
src/lib/pkt.h:
