#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (once) Debian's kernel image matching the ABI that linux-headers-amd64
# points to, unpacked under $CACHE/distro-kernel/<abi>-<version>/.  Prints
# that directory; it holds boot/vmlinuz-<abi> and lib/modules/<abi>/, and
# headers/ links to the matching linux-headers build tree.
. "$(dirname "$0")/common.sh"

hdr=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/.*Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1)
[ -n "$hdr" ] || die "cannot tell which ABI linux-headers-amd64 points to"
ver=$(dpkg-query -W -f='${Version}' "linux-headers-$hdr")
dir=$CACHE/distro-kernel/$hdr-$ver

if [ ! -f "$dir/.done" ]; then
	log "fetching linux-image-$hdr-unsigned $ver"
	rm -rf "$dir" && mkdir -p "$dir/dl"
	(cd "$dir/dl" && apt-get download "linux-image-$hdr-unsigned=$ver") >&2 ||
		die "apt-get download linux-image-$hdr-unsigned=$ver failed"
	dpkg -x "$dir"/dl/*.deb "$dir"
	rm -rf "$dir/dl"
	ln -sfn "/usr/src/linux-headers-$hdr" "$dir/headers"
	[ -f "$dir/boot/vmlinuz-$hdr" ] || die "no vmlinuz in linux-image-$hdr-unsigned"
	touch "$dir/.done"
fi
printf '%s\n' "$dir"
