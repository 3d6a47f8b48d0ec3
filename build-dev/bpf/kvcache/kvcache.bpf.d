build-dev/bpf/kvcache/kvcache.bpf.o: src/kvcache/kvcache.bpf.c \
  src/include/olab_counters.bpf.h src/include/olab_pkt.bpf.h \
  src/kvcache/kvcache.h src/kvcache/mcproto.h \
  src/include/olab_admit.bpf.h src/include/olab_admit.h \
  src/kvcache/bpf/kvc_maps.bpf.h src/kvcache/bpf/kvc_parse.bpf.h \
  src/kvcache/bpf/kvc_reply.bpf.h src/kvcache/bpf/kvc_window.bpf.h \
  src/kvcache/bpf/kvc_udp.bpf.h src/kvcache/bpf/kvc_tcp.bpf.h \
  src/kvcache/bpf/kvc_egress.bpf.h

src/include/olab_counters.bpf.h:

src/include/olab_pkt.bpf.h:

src/kvcache/kvcache.h:

src/kvcache/mcproto.h:

src/include/olab_admit.bpf.h:

src/include/olab_admit.h:

src/kvcache/bpf/kvc_maps.bpf.h:

src/kvcache/bpf/kvc_parse.bpf.h:

src/kvcache/bpf/kvc_reply.bpf.h:

src/kvcache/bpf/kvc_window.bpf.h:

src/kvcache/bpf/kvc_udp.bpf.h:

src/kvcache/bpf/kvc_tcp.bpf.h:

src/kvcache/bpf/kvc_egress.bpf.h:
