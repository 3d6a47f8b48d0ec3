build-dev/bpf/exp/chain/chain.bpf.o: src/exp/chain/chain.bpf.c \
  src/exp/chain/chain.h

src/exp/chain/chain.h:
