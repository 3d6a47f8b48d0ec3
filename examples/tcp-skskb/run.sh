#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A TCP echo server with an SK_SKB verdict that passes everything (the bandwidth experiment's)
# on a sockmap holding the server's connection: what the hook adds to each request.
OLAB=${OLAB:-build/offloadlab}
exec "$OLAB" try --server "$OLAB echo serve --hook socket --tcp --port {port}" --port 7 \
	--proto tcp --requests examples/tcp-skskb/requests.txt \
	--sk-skb build/bpf/exp/bandwidth/bandwidth.bpf.o:olab_bw_skskb "$@"
