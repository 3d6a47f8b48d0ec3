build-dev/obj/exp/preproc/preproc_exp.o: src/exp/preproc/preproc_exp.c \
 src/exp/preproc/preproc_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/side.h src/exp/claim.h
src/exp/preproc/preproc_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/claim.h:
