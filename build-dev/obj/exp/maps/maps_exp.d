build-dev/obj/exp/maps/maps_exp.o: src/exp/maps/maps_exp.c \
 src/exp/maps/maps_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h
src/exp/maps/maps_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
