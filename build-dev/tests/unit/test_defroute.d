build-dev/tests/unit/test_defroute: tests/unit/test_defroute.c \
 src/lib/defroute.h
src/lib/defroute.h:
