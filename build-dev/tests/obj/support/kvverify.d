build-dev/tests/obj/support/kvverify.o: tests/support/kvverify.c \
 tests/support/kvverify.h src/lib/bpfutil.h src/lib/util.h
tests/support/kvverify.h:
src/lib/bpfutil.h:
src/lib/util.h:
