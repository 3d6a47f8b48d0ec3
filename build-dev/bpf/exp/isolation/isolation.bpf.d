build-dev/bpf/exp/isolation/isolation.bpf.o: \
  src/exp/isolation/isolation.bpf.c src/include/olab_pkt.bpf.h

src/include/olab_pkt.bpf.h:
