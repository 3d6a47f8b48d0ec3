build-dev/tests/unit/test_akv_proto: tests/unit/test_akv_proto.c \
 src/afxdp_kv/akv_proto.h src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_proto.h:
src/afxdp_kv/akv_store.h:
