build-dev/obj/agent/agent.o: src/agent/agent.c src/agent/agent.h \
 src/remote/remote.h src/agent/agent_int.h src/testbed/testbed.h \
 src/exp/exp.h src/lib/results.h src/lib/stats.h src/exp/side.h \
 src/lib/cli.h src/lib/env.h src/lib/fdwait.h src/lib/linerd.h \
 src/lib/log.h src/lib/stopsig.h build-dev/version.h
src/agent/agent.h:
src/remote/remote.h:
src/agent/agent_int.h:
src/testbed/testbed.h:
src/exp/exp.h:
src/lib/results.h:
src/lib/stats.h:
src/exp/side.h:
src/lib/cli.h:
src/lib/env.h:
src/lib/fdwait.h:
src/lib/linerd.h:
src/lib/log.h:
src/lib/stopsig.h:
build-dev/version.h:
