#!/usr/bin/env bash
# Installs what `virtio-matrix kernels build` needs, from Debian's packages only (idempotent):
#   the kernel source of each series (linux-source-6.1, linux-source-6.12: /usr/src/*.tar.xz),
#   the s390x cross compiler, and Kbuild's host tools.
# Usage: scripts/install-kernel-build-deps.sh [SERIES...]   (default: 6.1)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
series=("${@:-6.1}")
pkgs=(make gcc gcc-s390x-linux-gnu flex bison bc libelf-dev libssl-dev xz-utils patch cpio)
for s in "${series[@]}"; do pkgs+=("linux-source-$s"); done
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for s in "${series[@]}"; do dpkg-query -W -f '${Package} ${Version}\n' "linux-source-$s"; done
