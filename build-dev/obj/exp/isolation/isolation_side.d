build-dev/obj/exp/isolation/isolation_side.o: \
 src/exp/isolation/isolation_side.c src/exp/isolation/isolation_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/exp/isolation/isolation_int.h src/loadgen/echo_server.h \
 src/loadgen/loadgen.h src/kvcache/kvc.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/attach.h src/lib/log.h \
 src/testbed/testbed.h build-dev/isolation.skel.h \
 build-dev/kvcache.skel.h
src/exp/isolation/isolation_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/isolation/isolation_int.h:
src/loadgen/echo_server.h:
src/loadgen/loadgen.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/log.h:
src/testbed/testbed.h:
build-dev/isolation.skel.h:
build-dev/kvcache.skel.h:
