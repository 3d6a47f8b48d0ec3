build-dev/obj/report/table.o: src/report/table.c src/lib/table_fmt.h \
 src/report/table.h src/lib/results.h src/lib/stats.h
src/lib/table_fmt.h:
src/report/table.h:
src/lib/results.h:
src/lib/stats.h:
