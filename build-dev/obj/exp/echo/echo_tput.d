build-dev/obj/exp/echo/echo_tput.o: src/exp/echo/echo_tput.c \
 src/exp/echo/echo_int.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/lib/attach.h src/loadgen/echo_server.h src/loadgen/loadgen.h \
 src/exp/gen.h src/exp/side.h src/lib/log.h src/testbed/testbed.h
src/exp/echo/echo_int.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/attach.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/exp/gen.h:
src/exp/side.h:
src/lib/log.h:
src/testbed/testbed.h:
