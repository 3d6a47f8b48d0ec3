build-dev/bpf/loadgen/lg_xdp.bpf.o: src/loadgen/lg_xdp.bpf.c \
  build-dev/vmlinux.h src/loadgen/lg_xdp.h

build-dev/vmlinux.h:

src/loadgen/lg_xdp.h:
