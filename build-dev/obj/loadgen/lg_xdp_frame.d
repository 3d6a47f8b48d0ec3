build-dev/obj/loadgen/lg_xdp_frame.o: src/loadgen/lg_xdp_frame.c \
 src/lib/pkt.h src/loadgen/lg_xdp_int.h src/loadgen/lg_xdp.h \
 src/loadgen/loadgen.h src/lib/stats.h
src/lib/pkt.h:
src/loadgen/lg_xdp_int.h:
src/loadgen/lg_xdp.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
