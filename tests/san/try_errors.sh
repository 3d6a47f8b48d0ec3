#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/try_errors.sh under the sanitizers: the ASan + UBSan build as offloadlab (the driver, the
# servers and --attach commands it starts); tests/run.sh runs it only here. Any sanitizer
# report fails the test.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
san_wrap try_errors.sh
exit 0
