build-dev/obj/lib/prom.o: src/lib/prom.c src/lib/atomicfile.h \
 src/lib/prom.h
src/lib/atomicfile.h:
src/lib/prom.h:
