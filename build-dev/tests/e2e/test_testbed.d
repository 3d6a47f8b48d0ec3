build-dev/tests/e2e/test_testbed: tests/e2e/test_testbed.c \
 src/testbed/testbed.h
src/testbed/testbed.h:
