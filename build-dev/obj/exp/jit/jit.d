build-dev/obj/exp/jit/jit.o: src/exp/jit/jit.c src/exp/jit/jit_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/jit/jitcode.h \
 src/lib/bpfutil.h src/lib/cli.h src/lib/log.h src/lib/paths.h \
 src/lib/trbench.h build-dev/jit.skel.h
src/exp/jit/jit_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/jit/jitcode.h:
src/lib/bpfutil.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/paths.h:
src/lib/trbench.h:
build-dev/jit.skel.h:
