build-dev/tests/unit/test_compare: tests/unit/test_compare.c \
 src/report/compare.h src/lib/floor.h
src/report/compare.h:
src/lib/floor.h:
