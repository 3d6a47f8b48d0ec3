build-dev/obj/lib/offload_model.o: src/lib/offload_model.c \
 src/lib/offload_model.h
src/lib/offload_model.h:
