build-dev/obj/exp/bandwidth/bandwidth_side.o: \
 src/exp/bandwidth/bandwidth_side.c src/exp/bandwidth/bandwidth_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/lib/attach.h src/lib/bpfutil.h src/lib/cpu.h src/lib/fdwait.h \
 src/lib/log.h src/testbed/testbed.h build-dev/bandwidth.skel.h
src/exp/bandwidth/bandwidth_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/fdwait.h:
src/lib/log.h:
src/testbed/testbed.h:
build-dev/bandwidth.skel.h:
