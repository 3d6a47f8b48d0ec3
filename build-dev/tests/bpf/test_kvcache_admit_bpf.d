build-dev/tests/bpf/test_kvcache_admit_bpf: \
 tests/bpf/test_kvcache_admit_bpf.c tests/bpf/bpf_fixture.h \
 src/afxdp_kv/afxdp_kv.h src/include/olab_admit.h tests/bpf/kvc_util.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h tests/bpf/kvc_open.h \
 src/kvcache/kvc.h src/lib/attach.h build-dev/kvcache.skel.h \
 src/lib/admit.h src/lib/pkt.h build-dev/afxdp_kv.skel.h
tests/bpf/bpf_fixture.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
tests/bpf/kvc_util.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
tests/bpf/kvc_open.h:
src/kvcache/kvc.h:
src/lib/attach.h:
build-dev/kvcache.skel.h:
src/lib/admit.h:
src/lib/pkt.h:
build-dev/afxdp_kv.skel.h:
