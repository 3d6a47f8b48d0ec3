build-dev/obj/loadgen/echo_server.o: src/loadgen/echo_server.c \
 src/loadgen/echo_server.h src/loadgen/loadgen.h src/lib/stats.h \
 src/lib/cpu.h src/lib/log.h
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
src/lib/cpu.h:
src/lib/log.h:
