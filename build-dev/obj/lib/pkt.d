build-dev/obj/lib/pkt.o: src/lib/pkt.c src/lib/pkt.h
src/lib/pkt.h:
