build-dev/tests/unit/test_sigclean: tests/unit/test_sigclean.c \
 src/lib/sigclean.h
src/lib/sigclean.h:
