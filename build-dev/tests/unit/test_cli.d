build-dev/tests/unit/test_cli: tests/unit/test_cli.c src/lib/cli.h
src/lib/cli.h:
