build-dev/obj/report/compare.o: src/report/compare.c src/lib/cli.h \
 src/report/compare.h src/lib/floor.h src/lib/results_load.h \
 src/lib/table_fmt.h src/report/table.h src/lib/results.h src/lib/stats.h \
 src/report/takeaways.h src/lib/util.h
src/lib/cli.h:
src/report/compare.h:
src/lib/floor.h:
src/lib/results_load.h:
src/lib/table_fmt.h:
src/report/table.h:
src/lib/results.h:
src/lib/stats.h:
src/report/takeaways.h:
src/lib/util.h:
