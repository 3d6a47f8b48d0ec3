build-dev/tests/e2e/test_loadgen: tests/e2e/test_loadgen.c \
 src/loadgen/echo_server.h src/loadgen/loadgen.h src/lib/stats.h \
 src/lib/bpfutil.h
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
src/lib/bpfutil.h:
