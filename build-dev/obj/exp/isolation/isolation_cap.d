build-dev/obj/exp/isolation/isolation_cap.o: \
 src/exp/isolation/isolation_cap.c src/lib/bpfutil.h src/lib/cpu.h \
 src/exp/gen.h src/lib/results.h src/lib/stats.h src/loadgen/loadgen.h \
 src/exp/isolation/isolation_int.h src/loadgen/echo_server.h \
 src/testbed/testbed.h
src/lib/bpfutil.h:
src/lib/cpu.h:
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/exp/isolation/isolation_int.h:
src/loadgen/echo_server.h:
src/testbed/testbed.h:
