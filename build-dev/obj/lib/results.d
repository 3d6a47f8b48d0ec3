build-dev/obj/lib/results.o: src/lib/results.c src/lib/atomicfile.h \
 src/lib/jbound.h src/lib/results.h src/lib/stats.h src/lib/util.h
src/lib/atomicfile.h:
src/lib/jbound.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/util.h:
