build-dev/obj/lib/stopsig.o: src/lib/stopsig.c src/lib/stopsig.h
src/lib/stopsig.h:
