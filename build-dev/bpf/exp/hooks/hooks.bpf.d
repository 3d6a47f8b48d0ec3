build-dev/bpf/exp/hooks/hooks.bpf.o: src/exp/hooks/hooks.bpf.c \
  build-dev/vmlinux.h src/include/olab_pkt.bpf.h src/exp/hooks/hooks.h

build-dev/vmlinux.h:

src/include/olab_pkt.bpf.h:

src/exp/hooks/hooks.h:
