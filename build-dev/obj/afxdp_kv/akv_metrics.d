build-dev/obj/afxdp_kv/akv_metrics.o: src/afxdp_kv/akv_metrics.c \
 src/afxdp_kv/akv_metrics.h src/afxdp_kv/afxdp_kv_serve.h \
 src/afxdp_kv/afxdp_kv.h src/include/olab_admit.h src/lib/atomicfile.h \
 src/lib/cli.h src/lib/log.h src/lib/prom.h src/lib/util.h
src/afxdp_kv/akv_metrics.h:
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/lib/atomicfile.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/prom.h:
src/lib/util.h:
