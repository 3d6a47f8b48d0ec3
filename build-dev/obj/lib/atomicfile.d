build-dev/obj/lib/atomicfile.o: src/lib/atomicfile.c src/lib/atomicfile.h \
 src/lib/log.h src/lib/sigclean.h
src/lib/atomicfile.h:
src/lib/log.h:
src/lib/sigclean.h:
