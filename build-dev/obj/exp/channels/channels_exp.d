build-dev/obj/exp/channels/channels_exp.o: \
 src/exp/channels/channels_exp.c src/exp/channels/channels_exp.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h
src/exp/channels/channels_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
