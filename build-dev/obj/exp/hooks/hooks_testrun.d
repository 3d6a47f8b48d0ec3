build-dev/obj/exp/hooks/hooks_testrun.o: src/exp/hooks/hooks_testrun.c \
 src/exp/hooks/hooks.h src/exp/hooks/hooks_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/attach.h src/lib/bpfutil.h \
 src/lib/cpu.h src/lib/log.h src/lib/pkt.h src/testbed/testbed.h \
 build-dev/hooks.skel.h src/lib/util.h src/exp/hooks/hooks_int.h
src/exp/hooks/hooks.h:
src/exp/hooks/hooks_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/log.h:
src/lib/pkt.h:
src/testbed/testbed.h:
build-dev/hooks.skel.h:
src/lib/util.h:
src/exp/hooks/hooks_int.h:
