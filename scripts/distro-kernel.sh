#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (once) one of Debian's kernels for the test guests, unpacked (never
# installed) under $CACHE/distro-kernel/<abi>-<version>/:
#
#   distro-kernel.sh [6.1]   the ABI that this host's linux-headers-amd64
#                            points to (Debian 12's kernel)
#   distro-kernel.sh 6.12    Debian 12's 6.12 (bookworm-security)
#   distro-kernel.sh newest  Debian unstable's newest, whatever its version
#
# Prints that directory.  It holds boot/vmlinuz-<abi>, lib/modules/<abi>/
# (as the packages ship the modules: .ko, or .ko.xz on newer kernels) and
# headers/, a link to the build tree that passthru.ko is built against:
# the installed linux-headers package for 6.1, scripts/kernel-headers.sh's
# tree of the same version for the others.
. "$(dirname "$0")/common.sh"

target=${1:-6.1}
case $target in
6.1)
	abi=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1)
	[ -n "$abi" ] || die "cannot tell which ABI linux-headers-amd64 points to"
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi")
	headers=/usr/src/linux-headers-$abi
	;;
6.12 | newest)
	headers=$("$TOP/scripts/kernel-headers.sh" "$target")
	read -r abi ver <"${headers%/usr/src/*}/.package" ||
		die "kernel-headers.sh $target left no .package beside $headers"
	;;
*) die "usage: $0 [6.1|6.12|newest]" ;;
esac
dir=$CACHE/distro-kernel/$abi-${ver//:/_}

if [ ! -f "$dir/.done" ]; then
	rm -rf "$dir" && mkdir -p "$dir/dl"
	# What to download, and with which apt: the host's for 6.1, one of
	# its own (scripts/suite-apt.sh) for the others.  sid splits the
	# image: vmlinuz in linux-binary, modules in linux-modules, both
	# below /usr/lib/modules/<abi>/.
	get=(apt-get)
	suite="this host's sources"
	case $target in
	6.1 | 6.12) pkgs=("linux-image-$abi-unsigned=$ver") ;;
	newest) pkgs=("linux-binary-$abi=$ver" "linux-modules-$abi=$ver") ;;
	esac
	if [ "$target" != 6.1 ]; then
		. "$TOP/scripts/suite-apt.sh"
		suite_apt "$target"
		get=(sapt apt-get)
	fi
	log "fetching ${pkgs[*]} from $suite"
	(cd "$dir/dl" && "${get[@]}" download "${pkgs[@]}") >&2 ||
		die "apt-get download ${pkgs[*]} from $suite failed"
	for deb in "$dir"/dl/*.deb; do
		dpkg -x "$deb" "$dir" || die "dpkg -x $deb failed"
	done
	rm -rf "$dir/dl"
	if [ -d "$dir/usr/lib/modules/$abi" ]; then
		mkdir -p "$dir/boot" "$dir/lib/modules"
		mv "$dir/usr/lib/modules/$abi" "$dir/lib/modules/$abi"
		[ -f "$dir/lib/modules/$abi/vmlinuz" ] &&
			mv "$dir/lib/modules/$abi/vmlinuz" "$dir/boot/vmlinuz-$abi"
	fi
	[ -f "$dir/boot/vmlinuz-$abi" ] || die "no vmlinuz-$abi in the packages of $abi $ver"
	touch "$dir/.done"
fi
# The image packages leave modules.dep to their postinst (6.1, 6.12) or
# to linux-base (sid): guest.sh reads it for the host drivers' needs.
[ -f "$dir/lib/modules/$abi/modules.dep" ] || depmod -b "$dir" "$abi" 2>/dev/null ||
	die "depmod of $abi failed"
ln -sfn "$headers" "$dir/headers"
printf '%s\n' "$dir"
