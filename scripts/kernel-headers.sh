#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare (once) Debian's headers of a kernel newer than the target, for
# compile checks on this Debian 12 host:
#
#   kernel-headers.sh 6.12     the highest linux-headers-6.12.*+deb12-amd64
#                              of bookworm-security
#   kernel-headers.sh newest   the highest linux-headers-*-amd64 of Debian
#                              unstable (sid), not -rt nor -cloud
#
# Prints the headers directory, a KDIR (make KDIR=$(scripts/kernel-headers.sh
# newest)).  The headers, their -common and their linux-kbuild are
# downloaded and unpacked, never installed, into
# $CACHE/kernel-headers/<6.12|newest>/<abi>-<version>-<hash of this script>/
# (the one tree kept for each), with apt state of their own under
# $CACHE/kernel-headers/apt/<suite>/ (the lists are refreshed once a day,
# so "the highest" moves as Debian moves).  Then, each only where needed:
#
#   - the absolute /usr/src and /usr/lib paths of the headers' Makefile
#     point into the unpacked tree;
#   - headers of a kernel built by a gcc that this host lacks (sid's) are
#     used with the host's gcc: CC in .kernelvariables, and the config
#     loses what that gcc has and gcc-12 lacks (counted_by,
#     -fmin-function-alignment);
#   - a kernel whose BTF came from a newer pahole than this host's: modules
#     are built without BTF;
#   - kbuild's programs linked against a newer glibc than this host's
#     (sid's modpost, objtool, resolve_btfids) are rebuilt from the same
#     version's linux-source, unpacked into $CACHE/src/ (as common.sh's
#     kernel_source does, which then finds it there).
#
# The tree is kept only once a trivial module builds against it, with no
# file taken from outside it (say, from headers installed in /usr/src).
. "$(dirname "$0")/common.sh"

target=${1:-}
case $target in
6.12) pattern='^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' ;;
newest) pattern='^linux-headers-[0-9]+\.[0-9]+[^-]*-amd64$' ;;
*) die "usage: $0 6.12|newest" ;;
esac

base=$CACHE/kernel-headers
mkdir -p "$base"
# One preparation at a time: two checkouts may run their static tiers at once.
exec 9>"$base/.lock"
flock 9
. "$TOP/scripts/suite-apt.sh"
suite_apt "$target"

hdr=$(sapt apt-cache pkgnames linux-headers- | grep -E "$pattern" | sort -V | tail -n1) || true
[ -n "$hdr" ] || die "no package of $suite's lists matches $pattern"
info=$(sapt apt-cache show --no-all-versions "$hdr") || die "apt-cache show $hdr failed"
ver=$(sed -n 's/^Version: //p' <<<"$info")
deps=$(sed -n 's/^Depends: //p' <<<"$info" | tr ',' '\n')
common=$(sed -nE 's/^ *(linux-headers-[^ ]+-common) .*/\1/p' <<<"$deps")
kbuild=$(sed -nE 's/^ *(linux-kbuild-[^ ]+).*/\1/p' <<<"$deps")
[ -n "$ver" ] && [ -n "$common" ] && [ -n "$kbuild" ] ||
	die "cannot tell the version, -common and linux-kbuild of $hdr from apt-cache show"

abi=${hdr#linux-headers-}
dir=$base/$target/$abi-${ver//:/_}-$(sha256sum "$0" | cut -c1-12)
kdir=$dir/usr/src/$hdr
kb=$dir/usr/lib/$kbuild
buildlog=$dir.log
if [ -f "$dir/.done" ]; then
	printf '%s\n' "$kdir"
	exit 0
fi

# A failed preparation leaves its log and no kernel source behind.
fail() {
	rm -rf "$dir/dl" "$dir/tools"
	die "$* (log: $buildlog)"
}
# The host's gcc, as kbuild names it.
hgcc=gcc-$(gcc -dumpversion | cut -d. -f1)
host_glibc=$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
# The ELF file $1 asks for a newer glibc than this host's.
newer_glibc() {
	local v
	v=$(objdump -T "$1" 2>/dev/null | grep -o 'GLIBC_[0-9.]*[0-9]' | cut -c7- | sort -uV | tail -n1) || true
	[ -n "$v" ] && [ "$(printf '%s\n' "$v" "$host_glibc" | sort -V | tail -n1)" != "$host_glibc" ]
}

log "fetching $hdr, $common and $kbuild $ver from $suite (downloaded and unpacked, not installed); log: $buildlog"
rm -rf "$dir" && mkdir -p "$dir/dl"
: >"$buildlog"
(cd "$dir/dl" && sapt apt-get download "$hdr=$ver" "$common=$ver" "$kbuild=$ver") \
	>>"$buildlog" 2>&1 || fail "apt-get download of $hdr $ver from $suite failed"
for deb in "$dir"/dl/*.deb; do
	dpkg -x "$deb" "$dir" || fail "dpkg -x $deb failed"
done
rm -rf "$dir/dl"
[ -f "$kdir/Makefile" ] && [ -d "$kb" ] || fail "$hdr or $kbuild unpacked without $kdir/Makefile or $kb"

# 1. Paths: the headers' Makefile names /usr/src/linux-headers-*-common.
sed -i -e "s|/usr/src/|$dir/usr/src/|g" -e "s|/usr/lib/|$dir/usr/lib/|g" "$kdir/Makefile"
links=$(find "$dir/usr" -type l -lname '/*')
[ -z "$links" ] || fail "absolute symbolic links in the unpacked packages, which point out of $dir: $links"

# 2. The compiler.
kv=$kdir/.kernelvariables
kgcc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\)$/\1/p' "$kv")
[ -n "$kgcc" ] || fail "cannot tell from $kv which gcc built $abi"
conf=$kdir/include/config/auto.conf
autoconf=$kdir/include/generated/autoconf.h
if ! command -v "x86_64-linux-gnu-$kgcc" >/dev/null; then
	log "$abi was built by $kgcc, which this host lacks: using $hgcc, without counted_by and -fmin-function-alignment"
	sed -i "s/(CROSS_COMPILE)$kgcc\$/(CROSS_COMPILE)$hgcc/" "$kv"
	sed -i -E '/^CONFIG_CC_HAS_(COUNTED_BY|COUNTED_BY_PTR|MIN_FUNCTION_ALIGNMENT)=y$/d' "$conf"
	sed -i -E '/^#define CONFIG_CC_HAS_(COUNTED_BY|COUNTED_BY_PTR|MIN_FUNCTION_ALIGNMENT) 1$/d' "$autoconf"
fi

# 3. pahole, which makes the modules' BTF against the headers' vmlinux.
kpahole=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$conf")
hpahole=$(pahole --version 2>/dev/null | sed -E 's/^v([0-9]+)\.([0-9]+).*/\1\2/') || true
if grep -qx 'CONFIG_DEBUG_INFO_BTF_MODULES=y' "$conf" && [ "${hpahole:-0}" -lt "${kpahole:-0}" ]; then
	log "$abi's BTF comes from pahole $kpahole, this host has ${hpahole:-none}: modules built without BTF"
	sed -i '/^CONFIG_DEBUG_INFO_BTF_MODULES=y$/d' "$conf"
fi

# 4. kbuild's programs that ask for a newer glibc than this host's.
stale=()
while IFS= read -r f; do
	newer_glibc "$f" && stale+=("${f#"$kb"/}")
done < <(find "$kb" -type f -perm -u+x | sort)
if [ ${#stale[@]} -gt 0 ]; then
	srcpkg=linux-source-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$ver")
	log "${stale[*]} of $kbuild need a glibc newer than $host_glibc: rebuilding kbuild's programs from $srcpkg $ver"
	# Unpacked where common.sh's kernel_source keeps it, and kept: the
	# newest debug kernel is built from the same source, which is then
	# downloaded once.  Built out of tree (O=), the source stays clean.
	src=$CACHE/src/linux-source-$ver
	t=$dir/tools
	mkdir -p "$t/obj"
	if [ ! -f "$src/.unpacked" ]; then
		rm -rf "$src" && mkdir -p "$src"
		(cd "$src" && sapt apt-get download "$srcpkg=$ver") >>"$buildlog" 2>&1 ||
			fail "apt-get download of $srcpkg $ver from $suite failed"
		dpkg-deb --fsys-tarfile "$src"/*.deb | tar -xO "./usr/src/$srcpkg.tar.xz" | xz -d |
			tar -x -C "$src" --strip-components=1 || fail "unpacking $srcpkg failed"
		rm -f "$src"/*.deb
		touch "$src/.unpacked"
	fi
	cp "$kdir/.config" "$t/obj/.config"
	{
		make -C "$src" O="$t/obj" CC="x86_64-linux-gnu-$hgcc" olddefconfig &&
			make -C "$src" O="$t/obj" CC="x86_64-linux-gnu-$hgcc" -j"$(nproc)" modules_prepare
	} >>"$buildlog" 2>&1 || fail "building modpost, objtool and resolve_btfids from $srcpkg failed"
	# Debian's scripts/mod/modpost and tools/objtool/objtool pick
	# modpost.real-lsb-64 and objtool.real-x86 for an x86-64 module.
	for f in "${stale[@]}"; do
		for o in "$f" "${f%.real-lsb-64}" "${f%.real-x86}"; do
			if [ -f "$t/obj/$o" ] && ! newer_glibc "$t/obj/$o"; then
				cp "$t/obj/$o" "$kb/$f"
				break
			fi
		done
	done
	rm -rf "$t"
	left=()
	for f in "${stale[@]}"; do
		newer_glibc "$kb/$f" && left+=("$f")
	done
	[ ${#left[@]} -eq 0 ] ||
		log "not rebuilt by modules_prepare, left as Debian built them: ${left[*]}"
fi

# 5. A trivial module must build, from this tree only.
s=$dir/smoke
mkdir -p "$s"
printf '// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$s/smoke.c"
echo 'obj-m := smoke.o' >"$s/Kbuild"
make -C "$kdir" M="$s" modules >>"$buildlog" 2>&1 && [ -f "$s/smoke.ko" ] ||
	fail "a trivial module does not build against $kdir"
outside=$(cat "$s"/.*.cmd | grep -ohE '(/[^ :=/]+)*/usr/(src/linux-headers|lib/linux-kbuild)-[^/ ]*' |
	sort -u | while read -r p; do
		case $p in "$dir"/*) ;; *) echo "$p" ;; esac
	done)
[ -z "$outside" ] || fail "a trivial module built against $kdir used files outside it: $outside"
rm -rf "$s"
printf '%s %s\n' "$abi" "$ver" >"$dir/.package"
touch "$dir/.done"
# Older trees of this target (other versions, other fixups) go.
for old in "$base/$target"/*; do
	[ "$old" = "$dir" ] || [ "$old" = "$buildlog" ] || rm -rf "$old"
done
log "prepared $kdir"
printf '%s\n' "$kdir"
