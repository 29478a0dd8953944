# SPDX-License-Identifier: GPL-2.0
# Shared settings for the passthru scripts.  Source it; do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Built kernels, unpacked packages and guest images live outside the
# checkout so that later runs (and later clones) reuse them.
CACHE=${PASSTHRU_CACHE:-/var/cache/passthru}
# Per-checkout build products (initramfs, logs) stay in the tree, ignored.
OUT=${PASSTHRU_OUT:-$TOP/out}
mkdir -p "$CACHE" "$OUT"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Version of Debian's linux-source-6.1 package (the debug kernel's source).
src_version() { dpkg-query -W -f='${Version}' linux-source-6.1; }

# Unpack linux-source-6.1 once; print the source directory.
kernel_source() {
	local ver dir
	ver=$(src_version)
	dir=$CACHE/src/linux-source-$ver
	if [ ! -f "$dir/.unpacked" ]; then
		log "unpacking linux-source-6.1 $ver into $dir"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=1
		touch "$dir/.unpacked"
	fi
	printf '%s\n' "$dir"
}
