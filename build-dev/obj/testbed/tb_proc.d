build-dev/obj/testbed/tb_proc.o: src/testbed/tb_proc.c src/lib/cpu.h \
 src/lib/env.h src/lib/fdwait.h src/lib/log.h src/testbed/testbed.h
src/lib/cpu.h:
src/lib/env.h:
src/lib/fdwait.h:
src/lib/log.h:
src/testbed/testbed.h:
