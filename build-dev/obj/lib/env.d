build-dev/obj/lib/env.o: src/lib/env.c src/lib/env.h src/lib/stats.h \
 src/lib/util.h src/lib/verinfo.h build-dev/version.h
src/lib/env.h:
src/lib/stats.h:
src/lib/util.h:
src/lib/verinfo.h:
build-dev/version.h:
