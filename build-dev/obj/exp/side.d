build-dev/obj/exp/side.o: src/exp/side.c src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/side.h src/lib/log.h src/remote/remote.h
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/log.h:
src/remote/remote.h:
