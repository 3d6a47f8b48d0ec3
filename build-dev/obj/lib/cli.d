build-dev/obj/lib/cli.o: src/lib/cli.c src/lib/cli.h src/lib/util.h
src/lib/cli.h:
src/lib/util.h:
