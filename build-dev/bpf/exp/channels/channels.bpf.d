build-dev/bpf/exp/channels/channels.bpf.o: \
  src/exp/channels/channels.bpf.c src/exp/channels/channels.h

src/exp/channels/channels.h:
