build-dev/obj/exp/gen.o: src/exp/gen.c src/exp/gen.h src/lib/results.h \
 src/lib/stats.h src/loadgen/loadgen.h src/lib/attach.h src/lib/log.h \
 src/lib/floor.h src/testbed/testbed.h
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/lib/attach.h:
src/lib/log.h:
src/lib/floor.h:
src/testbed/testbed.h:
