build-dev/tests/unit/test_stats: tests/unit/test_stats.c src/lib/stats.h \
 src/lib/util.h
src/lib/stats.h:
src/lib/util.h:
