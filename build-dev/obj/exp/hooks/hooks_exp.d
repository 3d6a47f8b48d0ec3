build-dev/obj/exp/hooks/hooks_exp.o: src/exp/hooks/hooks_exp.c \
 src/exp/claim.h src/exp/hooks/hooks_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/hooks/hooks_int.h \
 src/exp/hooks/hooks.h src/lib/attach.h src/testbed/testbed.h \
 build-dev/hooks.skel.h
src/exp/claim.h:
src/exp/hooks/hooks_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/hooks/hooks_int.h:
src/exp/hooks/hooks.h:
src/lib/attach.h:
src/testbed/testbed.h:
build-dev/hooks.skel.h:
