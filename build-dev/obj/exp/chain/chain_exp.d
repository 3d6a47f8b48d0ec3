build-dev/obj/exp/chain/chain_exp.o: src/exp/chain/chain_exp.c \
 src/exp/chain/chain_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h build-dev/chain.skel.h
src/exp/chain/chain_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
build-dev/chain.skel.h:
