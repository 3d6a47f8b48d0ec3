build-dev/tests/bpf/test_kv_ceiling_bpf: tests/bpf/test_kv_ceiling_bpf.c \
 tests/bpf/bpf_fixture.h src/exp/kv/kv_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/side.h src/lib/pkt.h \
 build-dev/kv_ceiling.skel.h src/lib/util.h
tests/bpf/bpf_fixture.h:
src/exp/kv/kv_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/pkt.h:
build-dev/kv_ceiling.skel.h:
src/lib/util.h:
