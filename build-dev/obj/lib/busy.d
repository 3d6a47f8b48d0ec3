build-dev/obj/lib/busy.o: src/lib/busy.c src/lib/bpfutil.h src/lib/busy.h
src/lib/bpfutil.h:
src/lib/busy.h:
