build-dev/tests/unit/test_mcproto: tests/unit/test_mcproto.c \
 src/kvcache/mcproto.h
src/kvcache/mcproto.h:
