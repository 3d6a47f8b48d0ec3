#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages offloadlab needs, only those that are missing.
# Idempotent: a second run installs nothing and exits 0.
set -euo pipefail

PKGS=(
	make gcc clang llvm libbpf-dev bpftool libxdp-dev libelf-dev zlib1g-dev
	libcapstone-dev libjansson-dev libcmocka-dev pkg-config
	iproute2 clang-format cppcheck python3 python3-jsonschema util-linux
	gnuplot-nox memcached libmemcached-tools iperf3 chromium libclang-rt-14-dev
	help2man man-db dpkg-dev debhelper lintian
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present" >&2
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo scripts/install-deps.sh) to install them" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
