build-dev/obj/exp/memcpy/memcpy_exp.o: src/exp/memcpy/memcpy_exp.c \
 src/exp/memcpy/memcpy_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/claim.h
src/exp/memcpy/memcpy_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/claim.h:
