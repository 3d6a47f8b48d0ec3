build-dev/obj/exp/runner.o: src/exp/runner.c src/remote/remote.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/lib/attach.h src/lib/log.h src/testbed/testbed.h
src/remote/remote.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/attach.h:
src/lib/log.h:
src/testbed/testbed.h:
