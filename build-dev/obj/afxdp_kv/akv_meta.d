build-dev/obj/afxdp_kv/akv_meta.o: src/afxdp_kv/akv_meta.c \
 src/afxdp_kv/akv_int.h src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_int.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
