build-dev/obj/lib/sigclean.o: src/lib/sigclean.c src/lib/sigclean.h \
 src/lib/util.h
src/lib/sigclean.h:
src/lib/util.h:
