build-dev/obj/exp/echo/echo_side.o: src/exp/echo/echo_side.c \
 src/exp/echo/echo.h src/exp/echo/echo_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/side.h src/exp/echo/echo_int.h \
 src/lib/attach.h src/loadgen/echo_server.h src/loadgen/loadgen.h \
 src/lib/bpfutil.h src/lib/fdwait.h src/lib/log.h src/testbed/testbed.h \
 build-dev/echo.skel.h
src/exp/echo/echo.h:
src/exp/echo/echo_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/echo/echo_int.h:
src/lib/attach.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/lib/bpfutil.h:
src/lib/fdwait.h:
src/lib/log.h:
src/testbed/testbed.h:
build-dev/echo.skel.h:
