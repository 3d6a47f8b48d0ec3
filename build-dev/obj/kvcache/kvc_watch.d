build-dev/obj/kvcache/kvc_watch.o: src/kvcache/kvc_watch.c \
 src/kvcache/kvc.h src/kvcache/kvcache.h src/kvcache/mcproto.h \
 src/lib/attach.h src/lib/log.h build-dev/kvcache.skel.h src/lib/util.h
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
src/lib/util.h:
