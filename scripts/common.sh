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

# src_version [6.1|newest]: the version of the kernel source that
# kernel_source unpacks: Debian 12's linux-source-6.1 (installed by
# deps.sh), or that of Debian unstable's newest kernel (the version
# scripts/kernel-headers.sh prepared).
src_version() {
	case ${1:-6.1} in
	6.1) dpkg-query -W -f='${Version}' linux-source-6.1 ;;
	newest)
		local h abi ver
		h=$("$TOP/scripts/kernel-headers.sh" newest) || return
		read -r abi ver <"${h%/usr/src/*}/.package" && printf '%s\n' "$ver" ;;
	*) die "src_version: no kernel '$1'" ;;
	esac
}

# kernel_source [6.1|newest]: unpack that kernel source once; print its
# directory.  The newest comes from sid as a package, downloaded and
# unpacked, never installed.
kernel_source() {
	local ver dir
	ver=$(src_version "${1:-6.1}") || die "no version for kernel source ${1:-6.1}"
	dir=$CACHE/src/linux-source-$ver
	if [ ! -f "$dir/.unpacked" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		if [ "${1:-6.1}" = 6.1 ]; then
			log "unpacking linux-source-6.1 $ver into $dir"
			tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" --strip-components=1
		else
			local pkg
			pkg=linux-source-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$ver")
			. "$TOP/scripts/suite-apt.sh"
			suite_apt "$1"
			log "fetching $pkg $ver from $suite and unpacking it into $dir"
			(cd "$dir" && sapt apt-get download "$pkg=$ver") >&2 ||
				die "apt-get download $pkg=$ver failed"
			dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -xO "./usr/src/$pkg.tar.xz" |
				xz -d | tar -x -C "$dir" --strip-components=1 ||
				die "unpacking $pkg failed"
			rm -f "$dir"/*.deb
		fi
		touch "$dir/.unpacked"
	fi
	printf '%s\n' "$dir"
}
