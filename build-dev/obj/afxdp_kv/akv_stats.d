build-dev/obj/afxdp_kv/akv_stats.o: src/afxdp_kv/akv_stats.c \
 src/afxdp_kv/akv_int.h src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_int.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
