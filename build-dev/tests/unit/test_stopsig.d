build-dev/tests/unit/test_stopsig: tests/unit/test_stopsig.c \
 src/lib/stopsig.h
src/lib/stopsig.h:
