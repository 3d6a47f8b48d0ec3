build-dev/tests/bpf/test_hooks_bpf: tests/bpf/test_hooks_bpf.c \
 tests/bpf/bpf_fixture.h src/exp/hooks/hooks.h src/lib/pkt.h \
 build-dev/hooks.skel.h
tests/bpf/bpf_fixture.h:
src/exp/hooks/hooks.h:
src/lib/pkt.h:
build-dev/hooks.skel.h:
