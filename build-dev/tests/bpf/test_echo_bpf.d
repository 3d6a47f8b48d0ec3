build-dev/tests/bpf/test_echo_bpf: tests/bpf/test_echo_bpf.c \
 tests/bpf/bpf_fixture.h src/exp/echo/echo.h src/lib/bpfutil.h \
 src/lib/pkt.h build-dev/echo.skel.h src/lib/util.h
tests/bpf/bpf_fixture.h:
src/exp/echo/echo.h:
src/lib/bpfutil.h:
src/lib/pkt.h:
build-dev/echo.skel.h:
src/lib/util.h:
