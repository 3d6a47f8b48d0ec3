build-dev/obj/afxdp_kv/akv_admin.o: src/afxdp_kv/akv_admin.c \
 src/afxdp_kv/akv_int.h src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_int.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
