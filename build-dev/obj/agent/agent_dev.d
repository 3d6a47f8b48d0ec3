build-dev/obj/agent/agent_dev.o: src/agent/agent_dev.c src/agent/agent.h \
 src/remote/remote.h src/agent/agent_int.h src/testbed/testbed.h \
 src/exp/side.h src/lib/atomicfile.h src/lib/attach.h src/lib/defroute.h \
 src/lib/log.h
src/agent/agent.h:
src/remote/remote.h:
src/agent/agent_int.h:
src/testbed/testbed.h:
src/exp/side.h:
src/lib/atomicfile.h:
src/lib/attach.h:
src/lib/defroute.h:
src/lib/log.h:
