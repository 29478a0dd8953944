#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, from Debian's packages, everything the build, the tests and the
# demo need.  Idempotent: does nothing when all of it is present.
. "$(dirname "$0")/common.sh"

pkgs=(
	gcc make libc6-dev bc bison flex libelf-dev libssl-dev cpio kmod
	python3 linux-headers-amd64 linux-source-6.1 qemu-system-x86
	busybox-static sparse pahole
	build-essential dpkg-dev debhelper dh-dkms dkms lintian pkgconf
	udev dmsetup iproute2 xz-utils
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
