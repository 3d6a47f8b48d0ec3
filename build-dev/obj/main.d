build-dev/obj/main.o: src/main.c src/advise/advise.h \
 src/lib/offload_model.h src/agent/agent.h src/remote/remote.h \
 src/exp/echo/echo_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/side.h src/exp/jit/jit_exp.h src/afxdp_kv/afxdp_kv_serve.h \
 src/afxdp_kv/afxdp_kv.h src/include/olab_admit.h src/kvcache/kvc.h \
 src/kvcache/kvcache.h src/kvcache/mcproto.h src/lib/attach.h \
 src/exp/exp.h src/lib/bpfutil.h src/lib/busy.h src/lib/cli.h \
 src/lib/env.h src/lib/log.h src/lib/results.h src/lib/verinfo.h \
 src/loadgen/loadgen_cli.h src/report/compare.h src/lib/floor.h \
 src/report/report.h src/run/run.h src/testbed/testbed.h \
 build-dev/version.h src/lib/util.h
src/advise/advise.h:
src/lib/offload_model.h:
src/agent/agent.h:
src/remote/remote.h:
src/exp/echo/echo_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/jit/jit_exp.h:
src/afxdp_kv/afxdp_kv_serve.h:
src/afxdp_kv/afxdp_kv.h:
src/include/olab_admit.h:
src/kvcache/kvc.h:
src/kvcache/kvcache.h:
src/kvcache/mcproto.h:
src/lib/attach.h:
src/exp/exp.h:
src/lib/bpfutil.h:
src/lib/busy.h:
src/lib/cli.h:
src/lib/env.h:
src/lib/log.h:
src/lib/results.h:
src/lib/verinfo.h:
src/loadgen/loadgen_cli.h:
src/report/compare.h:
src/lib/floor.h:
src/report/report.h:
src/run/run.h:
src/testbed/testbed.h:
build-dev/version.h:
src/lib/util.h:
