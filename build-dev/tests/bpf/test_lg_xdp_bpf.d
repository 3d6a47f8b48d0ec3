build-dev/tests/bpf/test_lg_xdp_bpf: tests/bpf/test_lg_xdp_bpf.c \
 tests/bpf/bpf_fixture.h src/lib/bpfutil.h src/lib/pkt.h src/lib/stats.h \
 src/loadgen/lg_xdp_int.h src/loadgen/lg_xdp.h src/loadgen/loadgen.h \
 build-dev/lg_xdp.skel.h
tests/bpf/bpf_fixture.h:
src/lib/bpfutil.h:
src/lib/pkt.h:
src/lib/stats.h:
src/loadgen/lg_xdp_int.h:
src/loadgen/lg_xdp.h:
src/loadgen/loadgen.h:
build-dev/lg_xdp.skel.h:
