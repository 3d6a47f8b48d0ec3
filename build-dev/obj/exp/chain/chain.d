build-dev/obj/exp/chain/chain.o: src/exp/chain/chain.c \
 src/exp/chain/chain.h src/exp/chain/chain_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/bpfutil.h src/lib/log.h \
 src/lib/pkt.h src/lib/trbench.h build-dev/chain.skel.h \
 build-dev/kvc_bpf2bpf.skel.h build-dev/kvc_inline.skel.h \
 build-dev/kvc_tail.skel.h build-dev/kvc_tailvar.skel.h \
 build-dev/kvcache.skel.h src/kvcache/kvc.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/attach.h src/lib/util.h
src/exp/chain/chain.h:
src/exp/chain/chain_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/bpfutil.h:
src/lib/log.h:
src/lib/pkt.h:
src/lib/trbench.h:
build-dev/chain.skel.h:
build-dev/kvc_bpf2bpf.skel.h:
build-dev/kvc_inline.skel.h:
build-dev/kvc_tail.skel.h:
build-dev/kvc_tailvar.skel.h:
build-dev/kvcache.skel.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/util.h:
