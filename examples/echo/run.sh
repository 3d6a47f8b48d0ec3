#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A UDP echo server (offloadlab's socket echo) and the echo experiment's XDP program, which
# answers every datagram to port 7 itself: the server should see none of them.
# Run from the top of the tree after 'make'; extra options go to 'offloadlab try'.
OLAB=${OLAB:-build/offloadlab}
exec "$OLAB" try --server "$OLAB echo serve --hook socket --port {port}" --port 7 \
	--requests examples/echo/requests.txt \
	--xdp build/bpf/exp/echo/echo.bpf.o:olab_echo_xdp "$@"
