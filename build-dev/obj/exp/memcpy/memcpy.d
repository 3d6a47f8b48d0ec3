build-dev/obj/exp/memcpy/memcpy.o: src/exp/memcpy/memcpy.c \
 src/exp/memcpy/memcpy.h src/exp/memcpy/memcpy_exp.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/bpfutil.h src/lib/log.h \
 src/lib/trbench.h build-dev/memcpy.skel.h
src/exp/memcpy/memcpy.h:
src/exp/memcpy/memcpy_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/bpfutil.h:
src/lib/log.h:
src/lib/trbench.h:
build-dev/memcpy.skel.h:
