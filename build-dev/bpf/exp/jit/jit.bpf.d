build-dev/bpf/exp/jit/jit.bpf.o: src/exp/jit/jit.bpf.c \
  src/exp/jit/jitcode.h

src/exp/jit/jitcode.h:
