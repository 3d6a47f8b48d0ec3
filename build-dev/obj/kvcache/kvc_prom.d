build-dev/obj/kvcache/kvc_prom.o: src/kvcache/kvc_prom.c \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h src/kvcache/kvc_prom.h src/lib/cli.h src/lib/log.h \
 src/lib/prom.h src/lib/util.h
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/kvcache/kvc_prom.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/prom.h:
src/lib/util.h:
