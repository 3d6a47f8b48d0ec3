build-dev/tests/unit/test_akv_store: tests/unit/test_akv_store.c \
 src/afxdp_kv/akv_store.h
src/afxdp_kv/akv_store.h:
