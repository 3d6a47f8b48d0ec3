build-dev/obj/exp/echo/echo_serve.o: src/exp/echo/echo_serve.c \
 src/exp/echo/echo.h src/exp/echo/echo_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/side.h src/lib/attach.h \
 src/lib/bpfutil.h src/lib/cli.h src/lib/log.h src/loadgen/echo_server.h \
 src/loadgen/loadgen.h build-dev/echo.skel.h
src/exp/echo/echo.h:
src/exp/echo/echo_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cli.h:
src/lib/log.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
build-dev/echo.skel.h:
