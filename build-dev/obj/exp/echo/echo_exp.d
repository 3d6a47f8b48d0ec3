build-dev/obj/exp/echo/echo_exp.o: src/exp/echo/echo_exp.c \
 src/exp/echo/echo_exp.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/side.h src/exp/claim.h
src/exp/echo/echo_exp.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/exp/claim.h:
