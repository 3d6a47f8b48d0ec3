build-dev/obj/exp/maps/maps.o: src/exp/maps/maps.c src/exp/maps/maps.h \
 src/exp/maps/maps_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/lib/bpfutil.h src/lib/env.h src/lib/log.h src/lib/trbench.h \
 build-dev/maps.skel.h src/lib/util.h
src/exp/maps/maps.h:
src/exp/maps/maps_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/bpfutil.h:
src/lib/env.h:
src/lib/log.h:
src/lib/trbench.h:
build-dev/maps.skel.h:
src/lib/util.h:
