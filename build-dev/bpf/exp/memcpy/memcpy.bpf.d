build-dev/bpf/exp/memcpy/memcpy.bpf.o: src/exp/memcpy/memcpy.bpf.c \
  src/exp/memcpy/memcpy.h

src/exp/memcpy/memcpy.h:
