build-dev/tests/unit/test_remote_input: tests/unit/test_remote_input.c \
 src/lib/jbound.h src/lib/linerd.h src/lib/safecopy.h src/lib/termsafe.h
src/lib/jbound.h:
src/lib/linerd.h:
src/lib/safecopy.h:
src/lib/termsafe.h:
