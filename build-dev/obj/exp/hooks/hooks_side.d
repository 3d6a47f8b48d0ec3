build-dev/obj/exp/hooks/hooks_side.o: src/exp/hooks/hooks_side.c \
 src/exp/hooks/hooks_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/hooks/hooks_int.h src/exp/hooks/hooks.h \
 src/lib/attach.h src/testbed/testbed.h src/exp/side.h src/lib/bpfutil.h \
 src/lib/fdwait.h src/lib/log.h src/lib/util.h build-dev/hooks.skel.h
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
src/lib/fdwait.h:
src/lib/log.h:
src/lib/util.h:
build-dev/hooks.skel.h:
