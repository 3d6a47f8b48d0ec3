build-dev/tests/bpf/test_kvcache_bpf: tests/bpf/test_kvcache_bpf.c \
 src/lib/bpfutil.h tests/bpf/bpf_fixture.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/pkt.h build-dev/kvcache.skel.h \
 tests/bpf/kvc_open.h src/kvcache/kvc.h src/lib/attach.h src/lib/admit.h \
 src/include/olab_admit.h
src/lib/bpfutil.h:
tests/bpf/bpf_fixture.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/pkt.h:
build-dev/kvcache.skel.h:
tests/bpf/kvc_open.h:
src/kvcache/kvc.h:
src/lib/attach.h:
src/lib/admit.h:
src/include/olab_admit.h:
