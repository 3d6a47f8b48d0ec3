build-dev/obj/exp/claim.o: src/exp/claim.c src/exp/claim.h
src/exp/claim.h:
