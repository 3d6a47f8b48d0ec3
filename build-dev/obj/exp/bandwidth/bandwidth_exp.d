build-dev/obj/exp/bandwidth/bandwidth_exp.o: \
 src/exp/bandwidth/bandwidth_exp.c src/exp/bandwidth/bandwidth_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/claim.h
src/exp/bandwidth/bandwidth_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/claim.h:
