build-dev/tests/unit/test_prom: tests/unit/test_prom.c \
 src/kvcache/kvc_prom.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/prom.h
src/kvcache/kvc_prom.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/prom.h:
