build-dev/tests/unit/test_experiments: tests/unit/test_experiments.c \
 src/agent/agent.h src/remote/remote.h src/exp/exp.h src/lib/results.h \
 src/lib/stats.h src/exp/side.h src/report/takeaways.h
src/agent/agent.h:
src/remote/remote.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/report/takeaways.h:
