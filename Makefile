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
# The version has one home, debian/changelog; git's view of the tree may come from outside
# (make deb builds from a copy that has no .git: it gives both on the command line).
VERSION    := $(shell head -n1 debian/changelog | cut -d' ' -f2 | tr -d '()')
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
GIT_DESCRIBE := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
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

.PHONY: all deps run test check lint format clean san prog man units install uninstall deb deps-check
# (the man pages come from the plain build's --help; the sanitizer build has none)
all: $(PROG) $(TEST_BINS) $(if $(SAN_FLAGS),,man)
prog: $(PROG)

deps:
	@scripts/install-deps.sh

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/bpf/%.bpf.o: src/%.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The XDP load generator's programs share counters across CPUs (compare-and-swap, fetch-add).
$(BUILD)/bpf/loadgen/lg_xdp.bpf.o: BPF_CFLAGS += -mcpu=v3

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
	@printf '#define OLAB_VERSION "%s"\n#define OLAB_GIT "%s"\n#define OLAB_GIT_DESCRIBE "%s"\n#define OLAB_CLANG "%s"\n#define OLAB_BPFTOOL "%s"\n' \
		'$(VERSION)' '$(GIT_COMMIT)' '$(GIT_DESCRIBE)' '$(CLANG_VER)' '$(BPFTOOL_VER)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
.PHONY: FORCE
FORCE:

# Each object depends on the skeletons and headers it includes (-MMD's .d files): touching one
# .bpf.c rebuilds the objects of its experiment only. The skeletons come first (order-only).
$(BUILD)/obj/%.o: src/%.c | $(SKELS) $(VERSION_H)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

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
# The workload readers of 'offloadlab try': tests/e2e/fuzz_try_wl.sh runs it briefly.
FUZZ_TRY := $(BUILD)/fuzz/fuzz_try_wl
$(FUZZ_TRY): tests/fuzz/fuzz_try_wl.c src/try/try_wl.c src/try/try_pcap.c src/try/try_wl.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -Isrc \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ \
		$(filter %.c,$^)
all: $(FUZZ_BIN) $(FUZZ_TRY)

run: deps
	$(MAKE) all
	$(PROG) run --quick

# Everything again with AddressSanitizer and UndefinedBehaviorSanitizer; tests/run.sh runs the
# C tests and a whole 'run --quick' with it (any report fails the test).
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
san:
	$(MAKE) BUILD=build-san SAN_FLAGS="$(SAN_CFLAGS)" all

# The two builds and the lint side by side on every CPU (unless make was given its own -j): one
# after the other, and each mostly on one CPU, they took four minutes on two CPUs.
NPROC := $(shell nproc 2>/dev/null || echo 1)
test: deps
	$(MAKE) $(if $(filter -j%,$(MAKEFLAGS)),,-j$(NPROC)) all san lint
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

# ---- installed like a Debian tool: make install, man pages, completion, units, make deb ----
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib/offloadlab
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/offloadlab
COMPLDIR   ?= $(PREFIX)/share/bash-completion/completions
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
INSTALL    ?= install

# The pages of the commands with options of their own; each from the command's --help
# (help2man) and the hand-written sections in man/ (DESCRIPTION, FILES, EXIT STATUS,
# EXAMPLES, SEE ALSO), so the options listed are always the program's. The installation's
# paths are written into them: a change of PREFIX remakes them.
MAN_CMDS   := run compare report kvcache afxdp-kv loadgen advise agent echo jit try
MAN_PAGES  := $(BUILD)/man/offloadlab.8 $(patsubst %,$(BUILD)/man/offloadlab-%.8,$(MAN_CMDS))
man_args_echo := echo serve
man_args_jit := jit dump
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
PATHS_STAMP := $(BUILD)/paths.stamp
$(PATHS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(BINDIR) $(LIBDIR) $(DOCDIR) $(UNITDIR) $(SYSCONFDIR) $(VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

man: $(MAN_PAGES)
# help2man runs PROG's --help through a wrapper named after the page; argp may use long lines
# (rmargin) so that the examples keep their lines
man_cmd = $(patsubst offloadlab-%,%,$(filter offloadlab-%,$(1)))
$(BUILD)/man/%.8: man/%.h2m $(PROG) $(PATHS_STAMP)
	@mkdir -p $(@D)/bin
	$(SUBST) $< > $(@D)/$*.h2m
	printf '#!/bin/sh\nARGP_HELP_FMT=rmargin=100 exec %s %s "$$@"\n' '$(abspath $(PROG))' \
		'$(or $(man_args_$(call man_cmd,$*)),$(call man_cmd,$*))' > $(@D)/bin/$*
	chmod +x $(@D)/bin/$*
	help2man --no-info --section=8 --manual='offloadlab manual' \
		--source='offloadlab $(VERSION)' --version-string='$(VERSION)' \
		--include=$(@D)/$*.h2m --output=$@.tmp $(@D)/bin/$*
	mv $@.tmp $@

UNITS := $(BUILD)/systemd/offloadlab-kvcache@.service $(BUILD)/systemd/offloadlab-afxdp-kv@.service
DEFAULTS := $(BUILD)/systemd/offloadlab-kvcache $(BUILD)/systemd/offloadlab-afxdp-kv
$(BUILD)/systemd/%.service: systemd/%.service.in $(PATHS_STAMP)
	@mkdir -p $(@D)
	$(SUBST) $< > $@
$(BUILD)/systemd/%: systemd/%.default $(PATHS_STAMP)
	@mkdir -p $(@D)
	$(SUBST) $< > $@
units: $(UNITS) $(DEFAULTS)

# What the program needs outside itself: the XDP_PASS program the docs tell veth users to load
# on the client's end, and the jit experiment's object for 'jit dump'.
INST_BPF := $(BUILD)/bpf/lib/xdp_pass.bpf.o $(BUILD)/bpf/exp/jit/jit.bpf.o
INST_DOCS := README.md docs/kvcache.md docs/results-schema.md docs/results.schema.json \
	docs/agent-protocol.md docs/anatomy-of-an-experiment.md

# An /etc file is the operator's: installed only where there is none, removed only unchanged.
install: $(PROG) $(MAN_PAGES) $(UNITS) $(DEFAULTS) $(INST_BPF)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(COMPLDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/offloadlab
	$(INSTALL) -m 0644 $(INST_BPF) $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 $(INST_DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 completion/offloadlab $(DESTDIR)$(COMPLDIR)/offloadlab
	$(INSTALL) -m 0644 $(UNITS) $(DESTDIR)$(UNITDIR)/
	for f in $(DEFAULTS); do \
		t=$(DESTDIR)$(SYSCONFDIR)/default/$${f##*/}; \
		[ -e $$t ] || $(INSTALL) -m 0644 $$f $$t; \
	done

uninstall: $(DEFAULTS)
	rm -f $(DESTDIR)$(BINDIR)/offloadlab $(DESTDIR)$(COMPLDIR)/offloadlab
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(notdir $(INST_BPF)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN_PAGES)))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INST_DOCS)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS)))
	for f in $(DEFAULTS); do \
		t=$(DESTDIR)$(SYSCONFDIR)/default/$${f##*/}; \
		if cmp -s $$f $$t; then rm -f $$t; elif [ -e $$t ]; then echo "kept $$t (changed)"; fi; \
	done
	-rmdir $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

# A Debian package (native), built from a copy of the tree (git's files, as they are now) so
# that debian/rules' clean cannot touch this tree's build/: DEB_OUT/offloadlab_VERSION_ARCH.deb
DEB_OUT ?= $(BUILD)/deb
deb:
	rm -rf $(DEB_OUT)/src && mkdir -p $(DEB_OUT)/src/offloadlab-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_OUT)/src/offloadlab-$(VERSION)
	cd $(DEB_OUT)/src/offloadlab-$(VERSION) && \
		OLAB_GIT_COMMIT='$(GIT_COMMIT)' OLAB_GIT_DESCRIBE='$(GIT_DESCRIBE)' \
		dpkg-buildpackage -us -uc -b -jauto
	mv $(DEB_OUT)/src/offloadlab_$(VERSION)_*.deb $(DEB_OUT)/src/offloadlab_$(VERSION)_*.buildinfo \
		$(DEB_OUT)/src/offloadlab_$(VERSION)_*.changes $(DEB_OUT)/
	-mv $(DEB_OUT)/src/offloadlab-dbgsym_* $(DEB_OUT)/ 2>/dev/null
	rm -rf $(DEB_OUT)/src
	@ls $(DEB_OUT)/offloadlab_$(VERSION)_*.deb

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
