build-dev/obj/kvcache/kvc_pins.o: src/kvcache/kvc_pins.c \
 src/kvcache/kvc_pins.h src/kvcache/kvc.h src/kvcache/kvcache.h \
 src/kvcache/mcproto.h src/lib/attach.h src/lib/log.h \
 build-dev/kvcache.skel.h src/lib/util.h
src/kvcache/kvc_pins.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
src/lib/util.h:
