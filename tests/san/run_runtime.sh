#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/run_runtime.sh, the runtime experiments (maps, channels, jit, memcpy, chain, limits),
# with the ASan + UBSan build in place of the plain build's run (tests/run.sh runs it only here):
# the same assertions, and any sanitizer report fails the test. tests/san/run_quick.sh leaves these
# experiments to it.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
san_wrap run_runtime.sh
exit 0
