build-dev/bpf/exp/maps/maps.bpf.o: src/exp/maps/maps.bpf.c \
  src/include/olab_pkt.bpf.h src/exp/maps/maps.h

src/include/olab_pkt.bpf.h:

src/exp/maps/maps.h:
