build-dev/bpf/lib/wake.bpf.o: src/lib/wake.bpf.c build-dev/vmlinux.h

build-dev/vmlinux.h:
