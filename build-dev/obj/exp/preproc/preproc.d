build-dev/obj/exp/preproc/preproc.o: src/exp/preproc/preproc.c \
 src/exp/gen.h src/lib/results.h src/lib/stats.h src/loadgen/loadgen.h \
 src/exp/preproc/preproc.h src/exp/preproc/preproc_exp.h src/exp/exp.h \
 src/exp/side.h src/lib/bpfutil.h src/lib/jbound.h src/lib/log.h \
 src/testbed/testbed.h
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/exp/preproc/preproc.h:
src/exp/preproc/preproc_exp.h:
src/exp/exp.h:
src/exp/side.h:
src/lib/bpfutil.h:
src/lib/jbound.h:
src/lib/log.h:
src/testbed/testbed.h:
