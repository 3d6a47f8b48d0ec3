#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# offloadlab try with two hosts under the sanitizers: tests/e2e/try_remote.sh with the ASan +
# UBSan build as the driver and the agent (the agent reads the try side's requests and its own
# state file after a SIGKILL; the driver the answers); tests/run.sh runs it only here. Any
# sanitizer report fails the test.
. "$(dirname "$0")/../e2e/lib.sh"
need_root
san_wrap try_remote.sh
exit 0
