build-dev/obj/exp/kv/kv_exp.o: src/exp/kv/kv_exp.c src/exp/kv/kv_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/exp/claim.h
src/exp/kv/kv_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/claim.h:
