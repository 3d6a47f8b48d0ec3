build-dev/obj/exp/kv/afxdp/kv_afxdp_exp.o: \
 src/exp/kv/afxdp/kv_afxdp_exp.c src/exp/claim.h \
 src/exp/kv/afxdp/kv_afxdp_exp.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/kv/kv_exp.h src/exp/side.h
src/exp/claim.h:
src/exp/kv/afxdp/kv_afxdp_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/kv/kv_exp.h:
src/exp/side.h:
