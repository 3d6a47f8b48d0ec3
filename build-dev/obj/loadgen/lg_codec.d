build-dev/obj/loadgen/lg_codec.o: src/loadgen/lg_codec.c src/lib/util.h \
 src/loadgen/loadgen.h src/lib/stats.h
src/lib/util.h:
src/loadgen/loadgen.h:
src/lib/stats.h:
