build-dev/bpf/exp/limits/limits.bpf.o: src/exp/limits/limits.bpf.c
