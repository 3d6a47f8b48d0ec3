build-dev/obj/afxdp_kv/afxdp_kv_cli.o: src/afxdp_kv/afxdp_kv_cli.c \
 src/afxdp_kv/afxdp_kv_serve.h src/afxdp_kv/afxdp_kv.h \
 src/include/olab_admit.h src/afxdp_kv/akv_metrics.h src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/lib/admit.h src/lib/cli.h src/lib/log.h
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/afxdp_kv/akv_metrics.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/lib/admit.h:
src/lib/cli.h:
src/lib/log.h:
