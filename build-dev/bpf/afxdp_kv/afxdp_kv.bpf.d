build-dev/bpf/afxdp_kv/afxdp_kv.bpf.o: src/afxdp_kv/afxdp_kv.bpf.c \
  src/afxdp_kv/afxdp_kv.h src/include/olab_admit.h \
  src/include/olab_admit.bpf.h

src/afxdp_kv/afxdp_kv.h:

src/include/olab_admit.h:

src/include/olab_admit.bpf.h:
