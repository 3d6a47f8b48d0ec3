build-dev/obj/lib/admit.o: src/lib/admit.c src/lib/admit.h \
 src/include/olab_admit.h src/lib/cli.h src/lib/log.h
src/lib/admit.h:
src/include/olab_admit.h:
src/lib/cli.h:
src/lib/log.h:
