#!/usr/bin/env bash
# Installs what the reality probes boot, from Debian's packages only (idempotent):
#   host: qemu-system-misc (qemu-system-s390x), qemu-system-x86, cpio, kmod
#   guest: the s390x and amd64 kernel images and static busybox, downloaded and extracted into
#          $PROBE_DIR (default .probe/ in the checkout), never installed on the host.
# Then builds one initramfs per arch with probe/initramfs/init and the virtio modules.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROBE_DIR="${PROBE_DIR:-$ROOT/.probe}"
DEBS="$PROBE_DIR/debs"; ROOTS="$PROBE_DIR/roots"; OUT="$PROBE_DIR/out"
export DEBIAN_FRONTEND=noninteractive

dpkg --print-foreign-architectures | grep -qx s390x || dpkg --add-architecture s390x
apt-get update -qq
apt-get install -y -qq --no-install-recommends qemu-system-misc qemu-system-x86 qemu-system-data seabios ipxe-qemu cpio kmod gzip >/dev/null

mkdir -p "$DEBS" "$ROOTS" "$OUT"
# The metapackages name the current versioned kernel package.
kernel_of() { apt-cache depends "$1" 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' | sed 's/:.*//'; }
K_S390X="$(kernel_of linux-image-s390x:s390x)"
K_AMD64="$(kernel_of linux-image-amd64)"
[ -n "$K_S390X" ] && [ -n "$K_AMD64" ] || { echo "cannot resolve the kernel packages" >&2; exit 1; }

fetch() { # pkg[:arch] dir
  local pkg="$1" dir="$ROOTS/$2" ver name arch
  ver="$(apt-cache policy "$pkg" | awk '/Candidate:/{print $2}')"
  if [ ! -f "$dir/.extracted-$ver" ]; then
    (cd "$DEBS" && apt-get -o APT::Sandbox::User=root download -qq "$pkg=$ver")
    name="${pkg%%:*}"; arch="${pkg#*:}"; [ "$arch" = "$pkg" ] && arch="$(dpkg --print-architecture)"
    rm -rf "$dir"; mkdir -p "$dir"
    dpkg-deb -x "$DEBS/${name}_${ver//:/%3a}_${arch}.deb" "$dir"
    touch "$dir/.extracted-$ver"
  fi
  echo "$pkg $ver"
}

{
  fetch "$K_S390X:s390x" kernel-s390x
  fetch "busybox-static:s390x" busybox-s390x
  fetch "$K_AMD64" kernel-amd64
  fetch "busybox-static" busybox-amd64
  dpkg-query -W -f '${Package} ${Version}\n' qemu-system-misc qemu-system-x86
} > "$PROBE_DIR/versions.txt"

build_initramfs() { # arch: s390x|amd64
  local arch="$1" kroot="$ROOTS/kernel-$1" stage="$OUT/stage-$1" kver mods
  kver="$(ls "$kroot/lib/modules" | head -n1)"
  rm -rf "$stage"; mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/modules/$kver}
  cp "$ROOTS/busybox-$arch/bin/busybox" "$stage/bin/busybox"; ln -sf busybox "$stage/bin/sh"
  install -m 755 "$ROOT/probe/initramfs/init" "$stage/init"
  # virtio core and virtio_ccw are built into the s390x kernel; amd64 has them as modules.
  mods="virtio_blk virtio_net net_failover failover"; [ "$arch" = amd64 ] && mods="$mods virtio_pci"
  # Debian's kernel package ships no modules.dep (its postinst runs depmod).
  [ -f "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"
  for m in $mods; do modprobe -d "$kroot" -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}'; done | sort -u |
    while read -r src; do rel="${src#$kroot/lib/modules/$kver/}"; mkdir -p "$stage/lib/modules/$kver/$(dirname "$rel")"; cp "$src" "$stage/lib/modules/$kver/$rel"; done
  cp "$kroot/lib/modules/$kver/modules.builtin"* "$stage/lib/modules/$kver/" 2>/dev/null || true
  depmod -b "$stage" "$kver"
  (cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -9 > "$OUT/initramfs-$arch.cpio.gz"
  cp "$(ls "$kroot"/boot/vmlinuz-* | head -n1)" "$OUT/vmlinuz-$arch"
}
build_initramfs s390x
build_initramfs amd64

# For kernels built from source (`virtio-matrix kernels build`): every driver is built in, so
# the initramfs is busybox and /init only.
build_builtin_initramfs() { # arch: s390x|amd64
  local arch="$1" stage="$OUT/stage-$1-builtin"
  rm -rf "$stage"; mkdir -p "$stage"/{bin,dev,proc,sys,tmp}
  cp "$ROOTS/busybox-$arch/bin/busybox" "$stage/bin/busybox"; ln -sf busybox "$stage/bin/sh"
  install -m 755 "$ROOT/probe/initramfs/init" "$stage/init"
  (cd "$stage" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) | gzip -9 > "$OUT/initramfs-$arch-builtin.cpio.gz"
}
build_builtin_initramfs s390x
build_builtin_initramfs amd64
truncate -s 64M "$OUT/disk.raw"
echo "probe dependencies ready in $PROBE_DIR"; cat "$PROBE_DIR/versions.txt"
