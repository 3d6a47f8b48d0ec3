build-dev/obj/lib/safecopy.o: src/lib/safecopy.c src/lib/linerd.h \
 src/lib/safecopy.h src/lib/termsafe.h
src/lib/linerd.h:
src/lib/safecopy.h:
src/lib/termsafe.h:
