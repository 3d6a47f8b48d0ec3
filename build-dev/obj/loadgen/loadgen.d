build-dev/obj/loadgen/loadgen.o: src/loadgen/loadgen.c src/lib/bpfutil.h \
 src/lib/cpu.h src/lib/log.h src/lib/util.h src/loadgen/loadgen.h \
 src/lib/stats.h
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/log.h:
src/lib/util.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
