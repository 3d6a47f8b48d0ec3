build-dev/obj/exp/limits/limits_exp.o: src/exp/limits/limits_exp.c \
 src/exp/limits/limits_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/claim.h
src/exp/limits/limits_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/claim.h:
