build-dev/obj/report/takeaways.o: src/report/takeaways.c src/exp/exp.h \
 src/lib/results.h src/lib/stats.h src/exp/claim.h src/lib/results_load.h \
 src/report/takeaways.h
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/claim.h:
src/lib/results_load.h:
src/report/takeaways.h:
