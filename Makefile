# SPDX-License-Identifier: GPL-2.0
# offloadlab build: BPF object -> skeleton -> C, everything generated under build/.
.DELETE_ON_ERROR:
.SUFFIXES:

BUILD      ?= build
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
TRIPLET    := $(shell $(CC) -dumpmachine)
VERSION    := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
CLANG_VER  := $(shell $(CLANG) --version 2>/dev/null | head -n1)
BPFTOOL_VER := $(shell $(BPFTOOL) version 2>/dev/null | head -n1)

WERROR     ?= -Werror
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -MMD -MP -Isrc -I$(BUILD)
# The sanitizer build (make san): the same sources under ASan and UBSan, in build-san/.
SAN_FLAGS  ?=
CFLAGS     += $(SAN_FLAGS)
LDFLAGS    += $(SAN_FLAGS)
LDLIBS     := -lxdp -lbpf -lelf -lz -ljansson -lcapstone -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall $(WERROR) -MMD -MP \
	      -Isrc -Isrc/include -I$(BUILD) -idirafter /usr/include/$(TRIPLET)

# Components: every src/**/*.c that is not a BPF program and not main.c is library code.
BPF_SRCS  := $(shell find src -name '*.bpf.c' | sort)
LIB_SRCS  := $(filter-out $(BPF_SRCS) src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJS  := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
BPF_OBJS  := $(patsubst src/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS     := $(foreach s,$(BPF_SRCS),$(BUILD)/$(notdir $(s:.bpf.c=.skel.h)))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
# Code only the tests use (the verifying memcached client): a library of its own.
TSUP_SRCS := $(sort $(wildcard tests/support/*.c))
TSUP_OBJS := $(patsubst tests/%.c,$(BUILD)/tests/obj/%.o,$(TSUP_SRCS))
BPFT_SRCS := $(sort $(wildcard tests/bpf/test_*.c tests/e2e/test_*.c))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS) $(BPFT_SRCS))

PROG := $(BUILD)/offloadlab

.PHONY: all deps run test check lint format clean san deps-check
all: $(PROG) $(TEST_BINS)

deps:
	@scripts/install-deps.sh

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/bpf/%.bpf.o: src/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Skeletons are flat in build/ so that foo.c includes "foo.skel.h".
define skel_rule
$(BUILD)/$(notdir $(1:.bpf.c=.skel.h)): $(patsubst src/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(1))
	$$(BPFTOOL) gen skeleton $$< name $(notdir $(1:.bpf.c=))_bpf > $$@
endef
$(foreach s,$(BPF_SRCS),$(eval $(call skel_rule,$(s))))

# Version strings live in one generated header, rewritten only when they change, and only the
# files that print them include it: a new commit rebuilds two objects, not all of them.
VERSION_H := $(BUILD)/version.h
$(VERSION_H): FORCE
	@mkdir -p $(@D)
	@printf '#define OLAB_VERSION "%s"\n#define OLAB_GIT "%s"\n#define OLAB_CLANG "%s"\n#define OLAB_BPFTOOL "%s"\n' \
		'$(VERSION)' '$(GIT_COMMIT)' '$(CLANG_VER)' '$(BPFTOOL_VER)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:

# Each object depends on the skeletons and headers it includes (-MMD's .d files): touching one
# .bpf.c rebuilds the objects of its experiment only. The skeletons come first (order-only).
$(BUILD)/obj/%.o: src/%.c | $(SKELS) $(VERSION_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/liboffloadlab.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(BUILD)/obj/main.o $(BUILD)/liboffloadlab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Tests read headers straight out of byte buffers, as the kernel's selftests do: under UBSan
# they are spared the alignment check (the library's own code is not).
$(BUILD)/tests/obj/%.o: tests/%.c | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests -c $< -o $@

$(BUILD)/tests/libolabtest.a: $(TSUP_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/%.c $(BUILD)/tests/libolabtest.a $(BUILD)/liboffloadlab.a | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(if $(SAN_FLAGS),-fno-sanitize=alignment) -Itests -o $@ $< \
		$(BUILD)/tests/libolabtest.a $(BUILD)/liboffloadlab.a $(LDLIBS) -lcmocka

# The parser fuzzer (libFuzzer, clang's runtime): tests/e2e/fuzz_mcproto.sh runs it briefly.
FUZZ_BIN := $(BUILD)/fuzz/fuzz_mcproto
$(FUZZ_BIN): tests/fuzz/fuzz_mcproto.c src/kvcache/mcproto.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -Wall -Wextra $(WERROR) -Isrc -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o $@ $<
all: $(FUZZ_BIN)

run: deps
	$(MAKE) all
	$(PROG) run --quick

# Everything again with AddressSanitizer and UndefinedBehaviorSanitizer; tests/run.sh runs the
# C tests and a whole 'run --quick' with it (any report fails the test).
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
san:
	$(MAKE) BUILD=build-san SAN_FLAGS="$(SAN_CFLAGS)" all

test: deps
	$(MAKE) all
	$(MAKE) san
	$(MAKE) lint
	tests/run.sh

check: test

# Layers point one way (main -> run/agent -> exp -> components -> lib): scripts/deps-check.sh.
deps-check:
	@scripts/deps-check.sh

FMT_FILES = $(shell find src tests -name '*.[ch]' | sort)
lint: deps-check
	@clang-format --dry-run --Werror $(FMT_FILES)
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -Isrc -Isrc/lib \
		'-DLIBBPF_OPTS(TYPE,NAME,...)=struct TYPE NAME = {0}' \
		$(filter-out %.bpf.c %.bpf.h,$(FMT_FILES))
	@echo "lint: clean"

format:
	clang-format -i $(FMT_FILES)

clean:
	rm -rf $(BUILD) build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
