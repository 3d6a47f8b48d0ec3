build-dev/obj/lib/linerd.o: src/lib/linerd.c src/lib/linerd.h
src/lib/linerd.h:
