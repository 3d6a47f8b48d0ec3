build-dev/obj/exp/preproc/preproc_side.o: src/exp/preproc/preproc_side.c \
 src/exp/preproc/preproc_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/side.h src/lib/attach.h src/lib/bpfutil.h \
 src/lib/cpu.h src/lib/log.h src/testbed/testbed.h \
 build-dev/preproc.skel.h
src/exp/preproc/preproc_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/log.h:
src/testbed/testbed.h:
build-dev/preproc.skel.h:
