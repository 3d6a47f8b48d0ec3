build-dev/obj/advise/advise.o: src/advise/advise.c src/advise/advise.h \
 src/lib/offload_model.h src/lib/bpfutil.h src/lib/cli.h src/lib/log.h \
 src/lib/trbench.h src/lib/results.h src/lib/stats.h \
 src/lib/results_load.h build-dev/xdp_pass.skel.h
src/advise/advise.h:
src/lib/offload_model.h:
src/lib/bpfutil.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/trbench.h:
src/lib/results.h:
src/lib/stats.h:
src/lib/results_load.h:
build-dev/xdp_pass.skel.h:
