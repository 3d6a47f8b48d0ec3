build-dev/obj/loadgen/lg_xdp.o: src/loadgen/lg_xdp.c src/lib/attach.h \
 src/lib/bpfutil.h src/lib/cpu.h src/lib/log.h src/lib/napi.h \
 src/lib/stats.h src/loadgen/lg_xdp_int.h src/loadgen/lg_xdp.h \
 src/loadgen/loadgen.h build-dev/lg_xdp.skel.h
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cpu.h:
src/lib/log.h:
src/lib/napi.h:
src/lib/stats.h:
src/loadgen/lg_xdp_int.h:
src/loadgen/lg_xdp.h:
src/loadgen/loadgen.h:
build-dev/lg_xdp.skel.h:
