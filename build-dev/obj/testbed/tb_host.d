build-dev/obj/testbed/tb_host.o: src/testbed/tb_host.c src/lib/cpu.h \
 src/lib/fdwait.h src/lib/log.h src/testbed/testbed.h
src/lib/cpu.h:
src/lib/fdwait.h:
src/lib/log.h:
src/testbed/testbed.h:
