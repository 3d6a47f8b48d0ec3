build-dev/obj/exp/limits/limits.o: src/exp/limits/limits.c \
 src/exp/limits/limits_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/lib/bpfutil.h src/lib/log.h src/lib/trbench.h \
 build-dev/limits.skel.h src/lib/util.h
src/exp/limits/limits_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/bpfutil.h:
src/lib/log.h:
src/lib/trbench.h:
build-dev/limits.skel.h:
src/lib/util.h:
