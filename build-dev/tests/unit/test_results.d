build-dev/tests/unit/test_results: tests/unit/test_results.c \
 src/lib/results.h src/lib/stats.h src/run/run.h
src/lib/results.h:
src/lib/stats.h:
src/run/run.h:
