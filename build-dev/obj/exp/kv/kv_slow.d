build-dev/obj/exp/kv/kv_slow.o: src/exp/kv/kv_slow.c src/exp/kv/kv_int.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/kv/kv_exp.h \
 src/exp/side.h src/kvcache/kvc.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/attach.h src/lib/cpu.h src/lib/wake.h \
 src/loadgen/loadgen.h src/testbed/testbed.h
src/exp/kv/kv_int.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/kv/kv_exp.h:
src/exp/side.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/cpu.h:
src/lib/wake.h:
src/loadgen/loadgen.h:
src/testbed/testbed.h:
