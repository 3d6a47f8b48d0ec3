build-dev/obj/exp/isolation/isolation_exp.o: \
 src/exp/isolation/isolation_exp.c src/exp/isolation/isolation_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/exp/claim.h
src/exp/isolation/isolation_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/claim.h:
