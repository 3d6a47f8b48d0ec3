build-dev/obj/lib/verinfo.o: src/lib/verinfo.c src/lib/paths.h \
 src/lib/verinfo.h build-dev/version.h
src/lib/paths.h:
src/lib/verinfo.h:
build-dev/version.h:
