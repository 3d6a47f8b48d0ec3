build-dev/obj/run/run.o: src/run/run.c src/remote/remote.h src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/atomicfile.h src/lib/bpfutil.h \
 src/lib/busy.h src/lib/cli.h src/lib/env.h src/lib/log.h \
 src/report/report.h src/report/table.h src/run/run.h \
 src/testbed/testbed.h src/lib/util.h
src/remote/remote.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/atomicfile.h:
src/lib/bpfutil.h:
src/lib/busy.h:
src/lib/cli.h:
src/lib/env.h:
src/lib/log.h:
src/report/report.h:
src/report/table.h:
src/run/run.h:
src/testbed/testbed.h:
src/lib/util.h:
