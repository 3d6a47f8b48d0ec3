build-dev/obj/exp/channels/channels.o: src/exp/channels/channels.c \
 src/exp/channels/channels.h src/exp/channels/channels_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/lib/attach.h \
 src/lib/bpfutil.h src/lib/cpu.h src/lib/log.h src/lib/trbench.h \
 src/testbed/testbed.h build-dev/channels.skel.h src/lib/util.h \
 src/exp/channels/channels_int.h
src/exp/channels/channels.h:
src/exp/channels/channels_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/log.h:
src/lib/trbench.h:
src/testbed/testbed.h:
build-dev/channels.skel.h:
src/lib/util.h:
src/exp/channels/channels_int.h:
