build-dev/bpf/exp/echo/echo.bpf.o: src/exp/echo/echo.bpf.c \
  src/include/olab_counters.bpf.h src/include/olab_pkt.bpf.h \
  src/exp/echo/echo.h

src/include/olab_counters.bpf.h:

src/include/olab_pkt.bpf.h:

src/exp/echo/echo.h:
