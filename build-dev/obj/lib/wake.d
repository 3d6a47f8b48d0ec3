build-dev/obj/lib/wake.o: src/lib/wake.c src/lib/wake.h src/lib/stats.h \
 build-dev/wake.skel.h
src/lib/wake.h:
src/lib/stats.h:
build-dev/wake.skel.h:
