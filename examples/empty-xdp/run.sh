#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The same UDP echo server with an XDP program that passes everything: the gain should be
# within noise of 1.0x, and what entering the hook costs is reported (bpf-stats).
OLAB=${OLAB:-build/offloadlab}
exec "$OLAB" try --server "$OLAB echo serve --hook socket --port {port}" --port 7 \
	--requests examples/echo/requests.txt \
	--xdp build/bpf/lib/xdp_pass.bpf.o:olab_xdp_pass "$@"
