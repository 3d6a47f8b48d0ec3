build-dev/obj/testbed/testbed.o: src/testbed/testbed.c src/lib/cpu.h \
 src/lib/log.h src/testbed/testbed.h src/lib/util.h
src/lib/cpu.h:
src/lib/log.h:
src/testbed/testbed.h:
src/lib/util.h:
