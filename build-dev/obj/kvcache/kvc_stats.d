build-dev/obj/kvcache/kvc_stats.o: src/kvcache/kvc_stats.c \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h src/kvcache/kvc_pins.h src/lib/cli.h src/lib/log.h \
 build-dev/kvcache.skel.h src/lib/util.h
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/kvcache/kvc_pins.h:
src/lib/cli.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
src/lib/util.h:
