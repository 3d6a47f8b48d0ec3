build-dev/obj/report/plot.o: src/report/plot.c src/report/gnuplot.h \
 src/lib/results_load.h src/report/plot.h src/lib/util.h
src/report/gnuplot.h:
src/lib/results_load.h:
src/report/plot.h:
src/lib/util.h:
