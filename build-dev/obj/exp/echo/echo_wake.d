build-dev/obj/exp/echo/echo_wake.o: src/exp/echo/echo_wake.c \
 src/exp/echo/echo_int.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/lib/attach.h src/loadgen/echo_server.h src/loadgen/loadgen.h \
 src/lib/wake.h src/testbed/testbed.h
src/exp/echo/echo_int.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/attach.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/lib/wake.h:
src/testbed/testbed.h:
