build-dev/obj/kvcache/kvc_cmd.o: src/kvcache/kvc_cmd.c src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/kvcache/kvc_pins.h src/kvcache/kvc_prom.h src/lib/admit.h \
 src/include/olab_admit.h src/lib/cli.h src/lib/log.h \
 build-dev/kvcache.skel.h
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/kvcache/kvc_pins.h:
src/kvcache/kvc_prom.h:
src/lib/admit.h:
src/include/olab_admit.h:
src/lib/cli.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
