build-dev/bpf/exp/kv/kv_ceiling.bpf.o: src/exp/kv/kv_ceiling.bpf.c \
  src/include/olab_pkt.bpf.h

src/include/olab_pkt.bpf.h:
