build-dev/tests/bpf/test_chain_bpf: tests/bpf/test_chain_bpf.c \
 src/exp/chain/chain.h src/lib/bpfutil.h src/lib/trbench.h \
 src/lib/results.h src/lib/stats.h build-dev/chain.skel.h
src/exp/chain/chain.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/chain.skel.h:
