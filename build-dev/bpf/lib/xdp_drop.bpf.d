build-dev/bpf/lib/xdp_drop.bpf.o: src/lib/xdp_drop.bpf.c
