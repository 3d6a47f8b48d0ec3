build-dev/tests/unit/test_advise: tests/unit/test_advise.c \
 src/advise/advise.h src/lib/offload_model.h
src/advise/advise.h:
src/lib/offload_model.h:
