build-dev/tests/bpf/test_maps_bpf: tests/bpf/test_maps_bpf.c \
 src/exp/maps/maps.h src/lib/attach.h src/lib/bpfutil.h src/lib/trbench.h \
 src/lib/results.h src/lib/stats.h build-dev/maps.skel.h src/lib/util.h
src/exp/maps/maps.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/maps.skel.h:
src/lib/util.h:
