build-dev/obj/lib/cpu.o: src/lib/cpu.c src/lib/cpu.h
src/lib/cpu.h:
