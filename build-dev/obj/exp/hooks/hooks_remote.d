build-dev/obj/exp/hooks/hooks_remote.o: src/exp/hooks/hooks_remote.c \
 src/exp/hooks/hooks_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/hooks/hooks_int.h src/exp/hooks/hooks.h \
 src/lib/attach.h src/testbed/testbed.h src/exp/side.h src/lib/bpfutil.h \
 src/lib/cpu.h src/lib/jbound.h src/lib/log.h
src/exp/hooks/hooks_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/hooks/hooks_int.h:
src/exp/hooks/hooks.h:
src/lib/attach.h:
src/testbed/testbed.h:
src/exp/side.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/jbound.h:
src/lib/log.h:
