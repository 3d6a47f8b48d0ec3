build-dev/obj/exp/jit/jit_exp.o: src/exp/jit/jit_exp.c \
 src/exp/jit/jit_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 build-dev/jit.skel.h
src/exp/jit/jit_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/jit.skel.h:
