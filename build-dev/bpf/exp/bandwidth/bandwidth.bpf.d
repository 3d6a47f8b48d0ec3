build-dev/bpf/exp/bandwidth/bandwidth.bpf.o: \
  src/exp/bandwidth/bandwidth.bpf.c
