build-dev/obj/exp/kv/kv_ceiling.o: src/exp/kv/kv_ceiling.c \
 src/exp/kv/kv_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/side.h src/exp/kv/kv_int.h src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/lib/cpu.h src/lib/wake.h src/loadgen/loadgen.h src/testbed/testbed.h \
 src/lib/log.h build-dev/kv_ceiling.skel.h
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
src/lib/log.h:
build-dev/kv_ceiling.skel.h:
