build-dev/obj/exp/registry.o: src/exp/registry.c src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/util.h
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/util.h:
