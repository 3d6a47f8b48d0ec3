build-dev/tests/unit/test_outfile: tests/unit/test_outfile.c \
 src/lib/atomicfile.h
src/lib/atomicfile.h:
