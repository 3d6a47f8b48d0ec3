build-dev/tests/bpf/test_channels_bpf: tests/bpf/test_channels_bpf.c \
 src/exp/channels/channels.h src/lib/bpfutil.h src/lib/trbench.h \
 src/lib/results.h src/lib/stats.h build-dev/channels.skel.h
src/exp/channels/channels.h:
src/lib/bpfutil.h:
src/lib/trbench.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/channels.skel.h:
