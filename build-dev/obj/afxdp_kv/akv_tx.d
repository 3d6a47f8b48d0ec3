build-dev/obj/afxdp_kv/akv_tx.o: src/afxdp_kv/akv_tx.c \
 src/afxdp_kv/afxdp_kv_int.h src/afxdp_kv/afxdp_kv.h \
 src/include/olab_admit.h src/afxdp_kv/afxdp_kv_serve.h \
 src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h src/lib/pkt.h
src/afxdp_kv/afxdp_kv_int.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
src/lib/pkt.h:
