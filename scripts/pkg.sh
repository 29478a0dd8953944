#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The pkg tier, on the host (no guest): the Debian packages that make deb
# builds (scripts/deb.sh), each check printing "ok - NAME" or "not ok -
# NAME: why":
#
#   - lintian --pedantic: no error or warning that is not overridden, and a
#     comment above every override in debian/*.lintian-overrides;
#   - each package unpacked (dpkg -x) into out/pkg/root: files where
#     Debian expects them, the same as the tree's, maintainer scripts;
#   - a small program compiled and linked against the unpacked libpassthru
#     through its pkg-config file (PKG_CONFIG_SYSROOT_DIR), shared and
#     static, and run;
#   - DKMS (add, build, install, remove) from the unpacked
#     /usr/src/passthru-<version>/ for Debian 12's 6.1 (the installed
#     headers) and 6.12 (scripts/kernel-headers.sh), in trees under
#     out/pkg/dkms (--dkmstree, --installtree, --no-depmod), leaving the
#     host's /var/lib/dkms, /usr/src and /lib/modules alone.
#
# Ends with "[pkg] N passed, N failed"; exits 1 on any failure.
. "$(dirname "$0")/common.sh"

dir=$OUT/pkg
root=$dir/root
rm -rf "$dir" && mkdir -p "$dir" "$root"
passed=0 failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { # NAME WHY: WHY's first line on the result line, the rest below
	echo "not ok - $1: $(head -n 1 <<<"$2")"
	tail -n +2 <<<"$2" | head -n 20 | sed 's/^/    /'
	failed=$((failed + 1))
}
# check NAME COMMAND...: ok when COMMAND succeeds; what it printed says why not.
check() {
	local name=$1 out status=0
	shift
	out=$("$@" 2>&1) || status=$?
	if [ $status -eq 0 ]; then
		ok "$name"
	else
		not_ok "$name" "${out:-exit status $status}"
	fi
}
finish() {
	echo "[pkg] $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

ver=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
debs=$OUT/deb
dkms_deb=$debs/passthru-dkms_${ver}_all.deb
tools_deb=$debs/passthru-tools_${ver}_$arch.deb

# What DKMS must leave alone on the host (compared at the end).
host_state() {
	ls -A /var/lib/dkms /usr/src 2>&1
	find /lib/modules -name 'passthru*.ko*' 2>&1
}
host_state >"$dir/host.before"

# 1. The build.
t0=$(date +%s)
if "$TOP/scripts/deb.sh" >"$dir/deb.out" 2>&1 && [ -f "$dkms_deb" ] && [ -f "$tools_deb" ]; then
	ok "make deb builds $(basename "$dkms_deb") and $(basename "$tools_deb") ($(($(date +%s) - t0)) s)"
else
	not_ok "make deb builds passthru-dkms and passthru-tools" "$(tail -n 20 "$dir/deb.out")"
	finish
fi

# 2. lintian, on the .changes (the source package, both packages and the
# debug symbols).  Overridden tags are not errors nor warnings.  Root's
# lintian says it would rather not be root: that notice stays in the log.
lintian_clean() {
	local status=0
	lintian --pedantic --display-info --display-experimental --fail-on error,warning \
		"$debs/all/passthru_${ver}_$arch.changes" >"$dir/lintian.log" 2>&1 || status=$?
	grep -E '^[EW]: ' "$dir/lintian.log" && return 1
	[ $status -eq 0 ] || { echo "lintian exited $status (log: $dir/lintian.log)"; return 1; }
}
check "lintian --pedantic: no error or warning that is not overridden" lintian_clean
n=$(grep -cE '^[IPX]: ' "$dir/lintian.log" || true)
[ "$n" -eq 0 ] ||
	echo "# lintian: $n info, pedantic or experimental tag(s) (not failures): $dir/lintian.log"

# Every override line sits right under a comment that says why.
overrides_explained() {
	local f
	for f in "$TOP"/debian/*.lintian-overrides; do
		[ -e "$f" ] || continue
		awk -v f="${f#"$TOP"/}" '
			/^[^#[:space:]]/ && prev !~ /^#/ { print f ":" NR ": no comment above: " $0; bad = 1 }
			{ prev = $0 }
			END { exit bad }
		' "$f" || return 1
	done
}
check "every lintian override is explained by a comment above it" overrides_explained

# 3. The packages' files.
for deb in "$dkms_deb" "$tools_deb"; do
	p=$(dpkg-deb -f "$deb" Package)
	dpkg -x "$deb" "$root"
	dpkg-deb -e "$deb" "$dir/control-$p"
done
doc=$root/usr/share/doc/passthru-tools
src=$root/usr/src/passthru-$ver
lib=$root/usr/lib/$ma

same() { # TREE-FILE UNPACKED-FILE
	cmp "$TOP/$1" "$2" && [ -f "$2" ]
}
check "passthru-tools: /usr/sbin/passthru is executable and runs (passthru help)" \
	"$root/usr/sbin/passthru" help
check "passthru-tools: /usr/share/man/man8/passthru.8.gz is tools/passthru/passthru.8, compressed" \
	cmp "$TOP/tools/passthru/passthru.8" <(gzip -dc "$root/usr/share/man/man8/passthru.8.gz")
soname() {
	readelf -d "$lib/libpassthru.so.0" | grep -F '(SONAME)' | grep -qF '[libpassthru.so.0]' &&
		[ "$(readlink "$lib/libpassthru.so")" = libpassthru.so.0 ] ||
		{ readelf -d "$lib/libpassthru.so.0"; ls -l "$lib"; return 1; }
}
check "passthru-tools: /usr/lib/$ma/libpassthru.so.0 has that SONAME, libpassthru.so links to it" \
	soname
check "passthru-tools: /usr/lib/$ma/libpassthru.a defines pt_vm_open" \
	bash -c "nm '$lib/libpassthru.a' | grep -q ' T pt_vm_open$'"
pc_paths() {
	local pc=$lib/pkgconfig/libpassthru.pc got
	[ -f "$pc" ] || { echo "no $pc"; return 1; }
	got=$(for q in --variable=prefix --variable=libdir --variable=includedir --modversion; do
		PKG_CONFIG_LIBDIR=$lib/pkgconfig pkg-config "$q" libpassthru
	done | tr '\n' ' ')
	[ "$got" = "/usr /usr/lib/$ma /usr/include $ver " ] ||
		{ echo "prefix, libdir, includedir, version: $got"; return 1; }
}
check "passthru-tools: libpassthru.pc in /usr/lib/$ma/pkgconfig: prefix /usr, libdir /usr/lib/$ma, version $ver" \
	pc_paths
check "passthru-tools: /usr/include/libpassthru.h is tools/lib/libpassthru.h" \
	same tools/lib/libpassthru.h "$root/usr/include/libpassthru.h"
check "passthru-tools: /usr/include/linux/passthru.h is include/uapi/linux/passthru.h" \
	same include/uapi/linux/passthru.h "$root/usr/include/linux/passthru.h"
check "passthru-tools: /usr/lib/udev/rules.d/70-passthru.rules is udev/70-passthru.rules" \
	same udev/70-passthru.rules "$root/usr/lib/udev/rules.d/70-passthru.rules"
check "passthru-tools: /usr/lib/udev/rules.d/61-passthru-persist.rules is udev/61-passthru-persist.rules" \
	same udev/61-passthru-persist.rules "$root/usr/lib/udev/rules.d/61-passthru-persist.rules"
check "passthru-tools: the persist rule runs the packaged /usr/sbin/passthru" \
	sh -c "grep -q 'RUN+=\"/usr/sbin/passthru udev-add' '$root/usr/lib/udev/rules.d/61-passthru-persist.rules' && test -x '$root/usr/sbin/passthru'"
# The example, its lines uncommented, is what modprobe reads.
modprobe_example() {
	local c=$dir/modprobe.d out
	[ -f "$doc/examples/passthru.conf" ] || { echo "no $doc/examples/passthru.conf"; return 1; }
	same modprobe.d/passthru.conf "$doc/examples/passthru.conf" || return 1
	mkdir -p "$c"
	sed -E 's/^#(options|softdep) /\1 /' "$doc/examples/passthru.conf" >"$c/passthru.conf"
	out=$(modprobe -C "$c" --showconfig)
	grep -qx 'options passthru ids=8086:10d3' <<<"$out" &&
		grep -qx 'softdep e1000e pre: passthru' <<<"$out" ||
		{ echo "modprobe --showconfig of the uncommented example:"; echo "$out"; return 1; }
}
check "passthru-tools: examples/passthru.conf (modprobe.d) with ids= and softdep, as modprobe reads them" \
	modprobe_example
shlib_control() {
	grep -qx 'activate-noawait ldconfig' "$dir/control-passthru-tools/triggers" &&
		grep -q '^libpassthru\.so\.0 passthru-tools ' "$dir/control-passthru-tools/symbols" ||
		{ ls "$dir/control-passthru-tools"; return 1; }
}
check "passthru-tools: ldconfig trigger and symbols file for libpassthru.so.0" shlib_control

dkms_conf() {
	local c=$src/dkms.conf
	[ -f "$c" ] || { echo "no $c"; return 1; }
	# dkms sources the file with these two set.
	# shellcheck disable=SC1090,SC2034
	(kernel_source_dir='' dkms_tree='' && . "$c" && [ "$PACKAGE_NAME" = passthru ] &&
		[ "$PACKAGE_VERSION" = "$ver" ] && [ "$AUTOINSTALL" = yes ]) || { cat "$c"; return 1; }
}
check "passthru-dkms: /usr/src/passthru-$ver/dkms.conf, PACKAGE_VERSION=$ver, AUTOINSTALL=yes" \
	dkms_conf
# The module's sources and no more: no kunit/, nothing built.
dkms_sources() {
	local want got
	want=$(cd "$TOP" && { find drivers/passthru -maxdepth 1 -type f \( -name Kbuild -o -name '*.[ch]' \) \
		! -name '*.mod.c'; echo include/uapi/linux/passthru.h; } | sort)
	got=$(cd "$src" && find . -type f ! -name dkms.conf | sed 's|^\./||' | sort)
	[ "$want" = "$got" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
	for f in $want; do
		cmp "$TOP/$f" "$src/$f" || return 1
	done
}
check "passthru-dkms: /usr/src/passthru-$ver holds drivers/passthru and the uAPI header, as in the tree" \
	dkms_sources
dkms_scripts() {
	local c=$dir/control-passthru-dkms
	grep -q '/usr/lib/dkms/common.postinst' "$c/postinst" &&
		grep -qx "DKMS_VERSION=$ver" "$c/postinst" &&
		grep -q 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all' "$c/prerm" &&
		dpkg-deb -f "$dkms_deb" Depends | grep -q '^dkms' ||
		{ ls "$c"; dpkg-deb -f "$dkms_deb" Depends; return 1; }
}
check "passthru-dkms: depends on dkms; postinst adds and builds passthru $ver, prerm removes it" \
	dkms_scripts

# 4. A program against the unpacked libpassthru, found by pkg-config.
cat >"$dir/uses-lib.c" <<'EOF'
#include <stdio.h>
#include <libpassthru.h>

int main(void)
{
	struct pt_vm vm;
	int err = pt_vm_open(&vm);

	if (!err)
		pt_vm_close(&vm);
	printf("pt_vm_open: %d (%s); struct passthru_device_info: %zu bytes\n",
	       err, err ? pt_strerror(PT_OP_VM_OPEN, err) : "a VM", sizeof(struct passthru_device_info));
	return 0;
}
EOF
pc() {
	PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$lib/pkgconfig pkg-config "$@" libpassthru
}
uses_lib_shared() {
	local flags
	flags=$(pc --cflags --libs | sed 's/ *$//') || return 1
	[ "$flags" = "-I$root/usr/include -L$lib -lpassthru" ] ||
		{ echo "pkg-config gives $flags"; return 1; }
	# shellcheck disable=SC2086
	gcc -Wall -Werror -o "$dir/uses-lib" "$dir/uses-lib.c" $flags || return 1
	LD_LIBRARY_PATH=$lib ldd "$dir/uses-lib" | grep -qF "libpassthru.so.0 => $lib/libpassthru.so.0" ||
		{ LD_LIBRARY_PATH=$lib ldd "$dir/uses-lib"; return 1; }
	LD_LIBRARY_PATH=$lib "$dir/uses-lib"
}
check "a program links against the unpacked libpassthru.so (pkg-config, sysroot) and runs" \
	uses_lib_shared
uses_lib_static() {
	# shellcheck disable=SC2046
	gcc -Wall -Werror -o "$dir/uses-lib-static" "$dir/uses-lib.c" $(pc --cflags) \
		"$lib/libpassthru.a" || return 1
	! ldd "$dir/uses-lib-static" | grep -q libpassthru || { ldd "$dir/uses-lib-static"; return 1; }
	"$dir/uses-lib-static"
}
check "a program links against the unpacked libpassthru.a and runs" uses_lib_static

# 5. DKMS, from the package's source tree, in trees of its own.  dkms
# 3.0.10 signs what it builds with a key it makes when it has none
# (/var/lib/dkms/mok.key); it takes the key's, the certificate's and
# sign-file's paths from the environment when /etc/dkms/framework.conf
# does not set them, so the key is the scratch tree's.
dt=$dir/dkms
mkdir -p "$dt/tree" "$dt/modules"
sign=
dkms_run() { # ACTION ARGS...
	env mok_signing_key="$dt/mok.key" mok_certificate="$dt/mok.pub" sign_file="$sign" \
		dkms "$@" --dkmstree "$dt/tree" --sourcetree "$root/usr/src" \
		--installtree "$dt/modules" --no-depmod
}
# dkms ACTION ... into LOG; on failure, dkms's error and the end of the
# build's make.log (dkms keeps the build directory of a failed build).
dkms_step() { # LOG ACTION ARGS...
	local log=$1 status=0 mlog=$dt/tree/passthru/$ver/build/make.log
	shift
	dkms_run "$@" >"$log" 2>&1 || status=$?
	[ $status -eq 0 ] && return 0
	echo "dkms $1 exited $status (log: $log)"
	grep -A3 '^Error!' "$log"
	[ -f "$mlog" ] && tail -n 5 "$mlog"
	return 1
}
check "dkms add passthru/$ver from the unpacked /usr/src" \
	dkms_step "$dt/add.log" add -m passthru -v "$ver"

# The 6.1 headers installed (linux-headers-amd64's), Debian 12's 6.12.
kernels=()
abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	sed -n 's/^linux-headers-\([^ ,]*-amd64\).*/\1/p')
if [ -n "$abi" ] && [ -f "/usr/src/linux-headers-$abi/Makefile" ]; then
	kernels+=("/usr/src/linux-headers-$abi")
else
	not_ok "headers of Debian 12's 6.1 (linux-headers-amd64)" "none in /usr/src for '$abi'"
fi
if k=$("$TOP/scripts/kernel-headers.sh" 6.12 2>"$dir/headers-6.12.log"); then
	kernels+=("$k")
else
	not_ok "headers of Debian 12's 6.12 (scripts/kernel-headers.sh 6.12)" \
		"$(tail -n 5 "$dir/headers-6.12.log")"
fi

# The module where dkms install said it put it ("Installing to DIR/"):
# /updates/dkms of KVER's install tree, where Debian's dkms puts every
# module whatever DEST_MODULE_LOCATION says (ours says the same);
# compressed if that kernel's modules are, as dkms tells from
# /lib/modules/KVER/modules.dep (6.12's are, where that kernel is
# installed).
installed() { # KVER INSTALL-LOG
	local where ko magic
	where=$(sed -n 's|^ *- Installing to \(.*\)/$|\1|p' "$2")
	[ "$where" = "$dt/modules/$1/updates/dkms" ] || { echo "dkms installed to '$where'"; return 1; }
	ko=$(ls "$where"/passthru.ko* 2>/dev/null | head -n 1)
	[ -n "$ko" ] || { echo "no passthru.ko* in $where"; ls -la "$where"; return 1; }
	magic=$(modinfo -F vermagic "$ko") || return 1
	[ "${magic%% *}" = "$1" ] || { echo "$ko: vermagic $magic"; return 1; }
}
dkms_installed() { # KVER
	local out
	out=$(dkms_run status -m passthru -v "$ver" -k "$1") || return 1
	grep -qx "passthru/$ver, $1, $(uname -m): installed" <<<"$out" || { echo "$out"; return 1; }
}
for kdir in "${kernels[@]}"; do
	kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
	sign=$kdir/scripts/sign-file
	mkdir -p "$dt/modules/$kver"
	check "dkms build passthru/$ver -k $kver" \
		dkms_step "$dt/$kver.build" build -m passthru -v "$ver" -k "$kver" --kernelsourcedir "$kdir"
	check "dkms install passthru/$ver -k $kver" \
		dkms_step "$dt/$kver.install" install -m passthru -v "$ver" -k "$kver" --kernelsourcedir "$kdir"
	check "passthru.ko in <installtree>/$kver/updates/dkms, as dkms says; vermagic $kver" \
		installed "$kver" "$dt/$kver.install"
	check "dkms status: passthru/$ver, $kver: installed" dkms_installed "$kver"
done
sign=
removed() {
	local left
	dkms_step "$dt/remove.log" remove -m passthru -v "$ver" --all || return 1
	left=$(find "$dt/modules" "$dt/tree" -name 'passthru.ko*')
	[ -z "$left" ] || { echo "left: $left"; return 1; }
}
check "dkms remove passthru/$ver --all (what the prerm does) takes every module away" removed

host_state >"$dir/host.after"
check "DKMS left the host's /var/lib/dkms, /usr/src and /lib/modules alone" \
	diff "$dir/host.before" "$dir/host.after"

finish
