#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the tier-2 debug kernel: tinyconfig plus kunit/debug.config
# and kunit/debug-KERNEL.config (what differs between the two sources),
#
#   debug-kernel.sh [6.1]    from Debian 12's linux-source-6.1
#   debug-kernel.sh newest   from Debian unstable's newest linux-source
#
# The build is cached under $CACHE/debug-kernel/<source version>-<config
# hash>/ and reused while neither changes.  Prints the build directory
# (usable as KDIR) on stdout.
. "$(dirname "$0")/common.sh"

target=${1:-6.1}
case $target in 6.1 | newest) ;; *) die "usage: $0 [6.1|newest]" ;; esac
frags=("$TOP/kunit/debug.config" "$TOP/kunit/debug-$target.config")
src=$(kernel_source "$target")
ver=$(src_version "$target")
key=$ver-$(cat "${frags[@]}" "$0" | sha256sum | cut -c1-12)
build=$CACHE/debug-kernel/$key

if [ -f "$build/.done" ]; then
	printf '%s\n' "$build"
	exit 0
fi

log "building debug kernel $key (12 to 15 minutes on two cores); log: $build.log"
rm -rf "$build" && mkdir -p "$build"
{
	make -C "$src" O="$build" ARCH=x86_64 tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}"
	make -C "$src" O="$build" ARCH=x86_64 olddefconfig
} >"$build.log" 2>&1 || die "configuring failed, see $build.log"

# Every option of the fragment must have survived dependency resolution.
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx -- "$line" "$build/.config" || { log "option did not stick: $line"; missing=1; }
done < <(cat "${frags[@]}")
[ $missing = 0 ] || die "kunit/debug.config and debug-$target.config do not apply cleanly to $ver"

make -C "$src" O="$build" ARCH=x86_64 -j"$(nproc)" bzImage modules >>"$build.log" 2>&1 ||
	die "kernel build failed, see $build.log"
touch "$build/.done"
printf '%s\n' "$build"
