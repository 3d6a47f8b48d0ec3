build-dev/obj/lib/table_fmt.o: src/lib/table_fmt.c src/lib/table_fmt.h
src/lib/table_fmt.h:
