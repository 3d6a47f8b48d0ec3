build-dev/obj/kvcache/kvc.o: src/kvcache/kvc.c src/lib/admit.h \
 src/include/olab_admit.h src/lib/bpfutil.h src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/lib/cli.h src/lib/log.h build-dev/kvcache.skel.h src/lib/util.h
src/lib/admit.h:
src/include/olab_admit.h:
src/lib/bpfutil.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/cli.h:
src/lib/log.h:
build-dev/kvcache.skel.h:
src/lib/util.h:
