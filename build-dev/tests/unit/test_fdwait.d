build-dev/tests/unit/test_fdwait: tests/unit/test_fdwait.c \
 src/lib/fdwait.h
src/lib/fdwait.h:
