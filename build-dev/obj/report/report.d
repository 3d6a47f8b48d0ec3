build-dev/obj/report/report.o: src/report/report.c src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/lib/atomicfile.h src/lib/cli.h \
 src/lib/log.h src/lib/results_load.h src/report/plot.h \
 src/report/report.h src/lib/table_fmt.h src/report/table.h \
 src/report/takeaways.h src/lib/util.h
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/atomicfile.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/results_load.h:
src/report/plot.h:
src/report/report.h:
src/lib/table_fmt.h:
src/report/table.h:
src/report/takeaways.h:
src/lib/util.h:
