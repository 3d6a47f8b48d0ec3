build-dev/tests/bpf/test_jit_bpf: tests/bpf/test_jit_bpf.c \
 src/exp/jit/jit_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/jit/jitcode.h src/lib/bpfutil.h src/lib/trbench.h \
 build-dev/jit.skel.h src/lib/util.h
src/exp/jit/jit_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/jit/jitcode.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
build-dev/jit.skel.h:
src/lib/util.h:
