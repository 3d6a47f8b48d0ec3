build-dev/obj/exp/kv/kv.o: src/exp/kv/kv.c src/exp/gen.h \
 src/lib/results.h src/lib/stats.h src/loadgen/loadgen.h \
 src/exp/kv/kv_exp.h src/exp/exp.h src/exp/side.h src/exp/kv/kv_int.h \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h src/lib/cpu.h src/lib/wake.h src/testbed/testbed.h \
 src/lib/bpfutil.h src/lib/log.h src/lib/offload_model.h \
 build-dev/kvcache.skel.h
src/exp/gen.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/exp/kv/kv_exp.h:
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
src/lib/bpfutil.h:
src/lib/log.h:
src/lib/offload_model.h:
build-dev/kvcache.skel.h:
