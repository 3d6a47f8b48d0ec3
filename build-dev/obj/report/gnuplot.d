build-dev/obj/report/gnuplot.o: src/report/gnuplot.c src/lib/log.h \
 src/report/gnuplot.h
src/lib/log.h:
src/report/gnuplot.h:
