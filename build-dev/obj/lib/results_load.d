build-dev/obj/lib/results_load.o: src/lib/results_load.c src/lib/log.h \
 src/lib/results.h src/lib/stats.h src/lib/results_load.h
src/lib/log.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/results_load.h:
