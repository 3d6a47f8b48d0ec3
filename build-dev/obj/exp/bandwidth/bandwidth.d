build-dev/obj/exp/bandwidth/bandwidth.o: src/exp/bandwidth/bandwidth.c \
 src/exp/bandwidth/bandwidth_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/side.h src/lib/bpfutil.h src/lib/cpu.h \
 src/lib/jbound.h src/lib/log.h src/testbed/testbed.h
src/exp/bandwidth/bandwidth_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/jbound.h:
src/lib/log.h:
src/testbed/testbed.h:
