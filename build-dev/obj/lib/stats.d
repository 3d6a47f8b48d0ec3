build-dev/obj/lib/stats.o: src/lib/stats.c src/lib/stats.h src/lib/util.h
src/lib/stats.h:
src/lib/util.h:
