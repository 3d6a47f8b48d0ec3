build-dev/tests/unit/test_plot: tests/unit/test_plot.c \
 src/report/gnuplot.h
src/report/gnuplot.h:
