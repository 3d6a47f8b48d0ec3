build-dev/obj/lib/fdwait.o: src/lib/fdwait.c src/lib/fdwait.h
src/lib/fdwait.h:
