build-dev/obj/afxdp_kv/akv_store.o: src/afxdp_kv/akv_store.c \
 src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_store.h:
