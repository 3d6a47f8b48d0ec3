#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memcached with the kvcache in front of it, attached and detached by its own loader
# ('offloadlab kvcache attach'): the general form. Two thirds of the GETs are for stored keys
# (the cache answers them), one third for keys nobody stored (memcached answers, the slow path).
OLAB=${OLAB:-build/offloadlab}
exec "$OLAB" try --server "memcached -u root -l {addr} -p {port} -U {port} -t 1 -m 64" \
	--port 11211 --requests examples/kvcache/requests.txt \
	--preload examples/kvcache/preload.txt \
	--attach "$OLAB kvcache attach --dev {dev}" \
	--detach "$OLAB kvcache detach --dev {dev}" "$@"
