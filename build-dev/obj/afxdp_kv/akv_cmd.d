build-dev/obj/afxdp_kv/akv_cmd.o: src/afxdp_kv/akv_cmd.c \
 src/afxdp_kv/akv_int.h src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_int.h:
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
