build-dev/obj/exp/echo/echo.o: src/exp/echo/echo.c \
 src/exp/echo/echo_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/side.h src/exp/echo/echo_int.h src/lib/attach.h \
 src/loadgen/echo_server.h src/loadgen/loadgen.h src/exp/gen.h \
 src/lib/jbound.h src/lib/log.h src/lib/util.h src/lib/wake.h \
 src/testbed/testbed.h
src/exp/echo/echo_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/echo/echo_int.h:
src/lib/attach.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/exp/gen.h:
src/lib/jbound.h:
src/lib/log.h:
src/lib/util.h:
src/lib/wake.h:
src/testbed/testbed.h:
