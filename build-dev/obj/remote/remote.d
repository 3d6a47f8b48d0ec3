build-dev/obj/remote/remote.o: src/remote/remote.c src/remote/remote.h \
 src/lib/bpfutil.h src/lib/jbound.h src/lib/linerd.h src/lib/log.h \
 src/lib/safecopy.h src/lib/termsafe.h
src/remote/remote.h:
src/lib/bpfutil.h:
src/lib/jbound.h:
src/lib/linerd.h:
src/lib/log.h:
src/lib/safecopy.h:
src/lib/termsafe.h:
