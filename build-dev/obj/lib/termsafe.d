build-dev/obj/lib/termsafe.o: src/lib/termsafe.c src/lib/termsafe.h
src/lib/termsafe.h:
