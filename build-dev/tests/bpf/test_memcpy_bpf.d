build-dev/tests/bpf/test_memcpy_bpf: tests/bpf/test_memcpy_bpf.c \
 src/exp/memcpy/memcpy.h src/lib/bpfutil.h src/lib/trbench.h \
 src/lib/results.h src/lib/stats.h build-dev/memcpy.skel.h
src/exp/memcpy/memcpy.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/memcpy.skel.h:
