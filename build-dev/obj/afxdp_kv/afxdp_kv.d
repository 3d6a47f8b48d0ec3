build-dev/obj/afxdp_kv/afxdp_kv.o: src/afxdp_kv/afxdp_kv.c \
 src/afxdp_kv/afxdp_kv_int.h src/afxdp_kv/afxdp_kv.h \
 src/include/olab_admit.h src/afxdp_kv/afxdp_kv_serve.h \
 src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h src/lib/admit.h \
 src/lib/attach.h src/lib/bpfutil.h src/lib/cli.h src/lib/cpu.h \
 src/lib/log.h src/lib/pkt.h build-dev/afxdp_kv.skel.h
src/afxdp_kv/afxdp_kv_int.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
src/lib/admit.h:
src/lib/attach.h:
src/lib/bpfutil.h:
src/lib/cli.h:
src/lib/cpu.h:
src/lib/log.h:
src/lib/pkt.h:
build-dev/afxdp_kv.skel.h:
