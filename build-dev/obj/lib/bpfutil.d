build-dev/obj/lib/bpfutil.o: src/lib/bpfutil.c src/lib/bpfutil.h
src/lib/bpfutil.h:
