build-dev/bpf/exp/preproc/preproc.bpf.o: src/exp/preproc/preproc.bpf.c \
  src/include/olab_counters.bpf.h src/include/olab_pkt.bpf.h \
  src/exp/preproc/preproc.h

src/include/olab_counters.bpf.h:

src/include/olab_pkt.bpf.h:

src/exp/preproc/preproc.h:
