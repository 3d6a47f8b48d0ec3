build-dev/bpf/lib/xdp_pass.bpf.o: src/lib/xdp_pass.bpf.c
