build-dev/obj/exp/isolation/isolation.o: src/exp/isolation/isolation.c \
 src/exp/gen.h src/lib/results.h src/lib/stats.h src/loadgen/loadgen.h \
 src/exp/isolation/isolation_exp.h src/exp/exp.h src/exp/side.h \
 src/exp/isolation/isolation_int.h src/loadgen/echo_server.h \
 src/lib/attach.h src/lib/bpfutil.h src/lib/jbound.h src/lib/log.h \
 src/testbed/testbed.h
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/exp/isolation/isolation_exp.h:
src/exp/exp.h:
src/exp/side.h:
src/exp/isolation/isolation_int.h:
src/loadgen/echo_server.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/jbound.h:
src/lib/log.h:
src/testbed/testbed.h:
