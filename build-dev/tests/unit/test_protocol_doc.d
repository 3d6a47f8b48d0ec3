build-dev/tests/unit/test_protocol_doc: tests/unit/test_protocol_doc.c \
 src/agent/agent.h src/remote/remote.h src/exp/side.h
src/agent/agent.h:
src/remote/remote.h:
src/exp/side.h:
