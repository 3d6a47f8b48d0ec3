build-dev/obj/lib/jbound.o: src/lib/jbound.c src/lib/jbound.h
src/lib/jbound.h:
