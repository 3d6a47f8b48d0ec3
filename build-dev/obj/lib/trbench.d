build-dev/obj/lib/trbench.o: src/lib/trbench.c src/lib/bpfutil.h \
 src/lib/pkt.h src/lib/stats.h src/lib/trbench.h src/lib/results.h
src/lib/bpfutil.h:
src/lib/pkt.h:
src/lib/stats.h:
src/lib/trbench.h:
src/lib/results.h:
