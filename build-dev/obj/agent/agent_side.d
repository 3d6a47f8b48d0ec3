build-dev/obj/agent/agent_side.o: src/agent/agent_side.c \
 src/agent/agent.h src/remote/remote.h src/agent/agent_int.h \
 src/testbed/testbed.h src/exp/exp.h src/lib/results.h src/lib/stats.h \
 src/exp/side.h
src/agent/agent.h:
src/remote/remote.h:
src/agent/agent_int.h:
src/testbed/testbed.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
