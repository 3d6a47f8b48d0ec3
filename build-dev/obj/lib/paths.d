build-dev/obj/lib/paths.o: src/lib/paths.c src/lib/paths.h
src/lib/paths.h:
