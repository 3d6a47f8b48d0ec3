build-dev/obj/loadgen/loadgen_cli.o: src/loadgen/loadgen_cli.c \
 src/lib/atomicfile.h src/lib/cli.h src/lib/log.h src/lib/results.h \
 src/lib/stats.h src/loadgen/loadgen.h src/lib/table_fmt.h
src/lib/atomicfile.h:
src/lib/cli.h:
src/lib/log.h:
src/lib/results.h:
src/lib/stats.h:
src/loadgen/loadgen.h:
src/lib/table_fmt.h:
