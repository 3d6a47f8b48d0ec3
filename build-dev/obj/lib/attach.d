build-dev/obj/lib/attach.o: src/lib/attach.c src/lib/attach.h \
 src/lib/log.h build-dev/xdp_pass.skel.h
src/lib/attach.h:
src/lib/log.h:
build-dev/xdp_pass.skel.h:
