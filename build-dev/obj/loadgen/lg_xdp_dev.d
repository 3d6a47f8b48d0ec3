build-dev/obj/loadgen/lg_xdp_dev.o: src/loadgen/lg_xdp_dev.c \
 src/lib/bpfutil.h src/loadgen/lg_xdp_int.h src/loadgen/lg_xdp.h \
 src/loadgen/loadgen.h src/lib/stats.h
src/lib/bpfutil.h:
src/loadgen/lg_xdp_int.h:
src/loadgen/lg_xdp.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
