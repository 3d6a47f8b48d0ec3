build-dev/obj/lib/floor.o: src/lib/floor.c src/lib/floor.h src/lib/util.h
src/lib/floor.h:
src/lib/util.h:
