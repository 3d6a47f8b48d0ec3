build-dev/obj/exp/kv/kv_afxdp.o: src/exp/kv/kv_afxdp.c src/exp/gen.h \
 src/lib/results.h src/lib/stats.h src/loadgen/loadgen.h src/exp/kv/kv.h \
 src/exp/exp.h src/exp/side.h src/exp/kv/kv_int.h src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/lib/cpu.h src/lib/wake.h src/testbed/testbed.h src/lib/jbound.h \
 src/lib/log.h
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/exp/kv/kv.h:
src/exp/exp.h:
src/exp/side.h:
src/exp/kv/kv_int.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/cpu.h:
src/lib/wake.h:
src/testbed/testbed.h:
src/lib/jbound.h:
src/lib/log.h:
