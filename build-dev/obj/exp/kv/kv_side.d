build-dev/obj/exp/kv/kv_side.o: src/exp/kv/kv_side.c \
 src/afxdp_kv/afxdp_kv_serve.h src/afxdp_kv/afxdp_kv.h \
 src/include/olab_admit.h src/exp/kv/kv_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/side.h src/exp/kv/kv_int.h \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h src/lib/cpu.h src/lib/wake.h src/loadgen/loadgen.h \
 src/testbed/testbed.h src/lib/bpfutil.h src/lib/log.h \
 build-dev/kvcache.skel.h
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/exp/kv/kv_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/kv/kv_int.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/cpu.h:
src/lib/wake.h:
src/loadgen/loadgen.h:
src/testbed/testbed.h:
src/lib/bpfutil.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
