build-dev/obj/lib/napi.o: src/lib/napi.c src/lib/cpu.h src/lib/env.h \
 src/lib/log.h src/lib/napi.h
src/lib/cpu.h:
src/lib/env.h:
src/lib/log.h:
src/lib/napi.h:
