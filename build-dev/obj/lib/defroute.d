build-dev/obj/lib/defroute.o: src/lib/defroute.c src/lib/defroute.h
src/lib/defroute.h:
