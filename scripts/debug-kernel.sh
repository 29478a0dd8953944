#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the tier-2 debug kernel: tinyconfig plus kunit/debug.config,
# from Debian's linux-source-6.1.  The build is cached under
# $CACHE/debug-kernel/<source version>-<config hash>/ and reused while
# neither changes.  Prints the build directory (usable as KDIR) on stdout.
. "$(dirname "$0")/common.sh"

frag=$TOP/kunit/debug.config
src=$(kernel_source)
key=$(src_version)-$(cat "$frag" "$0" | sha256sum | cut -c1-12)
build=$CACHE/debug-kernel/$key

if [ -f "$build/.done" ]; then
	printf '%s\n' "$build"
	exit 0
fi

log "building debug kernel $key (about 12 minutes on two cores); log: $build.log"
rm -rf "$build" && mkdir -p "$build"
{
	make -C "$src" O="$build" ARCH=x86_64 tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$frag"
	make -C "$src" O="$build" ARCH=x86_64 olddefconfig
} >"$build.log" 2>&1 || die "configuring failed, see $build.log"

# Every option of the fragment must have survived dependency resolution.
missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx -- "$line" "$build/.config" || { log "option did not stick: $line"; missing=1; }
done <"$frag"
[ $missing = 0 ] || die "kunit/debug.config does not apply cleanly to $(src_version)"

make -C "$src" O="$build" ARCH=x86_64 -j"$(nproc)" bzImage modules >>"$build.log" 2>&1 ||
	die "kernel build failed, see $build.log"
touch "$build/.done"
printf '%s\n' "$build"
