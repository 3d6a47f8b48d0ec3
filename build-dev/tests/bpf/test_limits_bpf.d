build-dev/tests/bpf/test_limits_bpf: tests/bpf/test_limits_bpf.c \
 src/exp/limits/limits_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/lib/bpfutil.h src/lib/trbench.h \
 build-dev/limits.skel.h
src/exp/limits/limits_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
build-dev/limits.skel.h:
