#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Static checks, each one a pass or a fail: W=1 and sparse (C=2) builds
# against Debian 12's headers (6.1, the target, and 6.12), a W=1 build
# against the newest kernel of Debian unstable (scripts/kernel-headers.sh),
# checkpatch.pl --strict and kernel-doc from Debian's linux-source-6.1 on
# every kernel source file, and kernel-doc present on every non-static
# function.  Each build prints its line; ends with "[static] N passed,
# N failed"; exits 1 on any finding.
. "$(dirname "$0")/common.sh"

src=$(kernel_source)
kdir=$("$TOP/scripts/distro-kernel.sh")/headers
passed=0 failed=0
dir=$OUT/static
rm -rf "$dir" && mkdir -p "$dir"

result() { # NAME LOGFILE: pass when LOGFILE is empty
	if [ -s "$2" ]; then
		echo "[static] FAIL: $1"
		sed 's/^/    /' "$2" | head -n 40
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
}

# Compiler builds in a scratch copy.  A finding is any line with a warning
# or an error, the compiler's, sparse's or modpost's, but for the kernel
# Makefile's notice that this host's pahole is not the one that built the
# kernel (kernel-headers.sh then builds modules without BTF).
build_check() { # ID NAME KDIR MAKE-ARGS...
	local id=$1 name=$2 k=$3 b=$dir/build-$1
	shift 3
	mkdir -p "$b"
	cp -r "$TOP/Kbuild" "$TOP/drivers" "$TOP/include" "$TOP/kunit" "$b/"
	make -C "$k" M="$b" -j"$(nproc)" "$@" modules >"$dir/$id.out" 2>&1 ||
		echo "build failed" >>"$dir/$id.out"
	grep -iE 'warning:|error:|build failed' "$dir/$id.out" |
		grep -vxF 'warning: pahole version differs from the one used to build the kernel' \
			>"$dir/$id.log" || true
	[ -s "$dir/$id.log" ] || echo "[static] ok: $name: no warning"
	result "$name" "$dir/$id.log"
}
abi_of() { basename "$(readlink -f "$1")" | sed 's/^linux-headers-//'; }
build_check W1 "W=1 build on $(abi_of "$kdir")" "$kdir" W=1
build_check sparse "sparse (C=2) build on $(abi_of "$kdir")" "$kdir" C=2

# Newer kernels, build-tested only: Debian 12's 6.12 (W=1 and sparse) and
# sid's newest (W=1).  Headers that cannot be had fail their builds.
for target in 6.12 newest; do
	hlog=$dir/headers-$target.log
	if k=$("$TOP/scripts/kernel-headers.sh" "$target" 2>"$hlog"); then
		cat "$hlog" >&2
		build_check "W1-$target" "W=1 build on $(abi_of "$k")" "$k" W=1
		if [ "$target" = 6.12 ]; then
			build_check "sparse-$target" "sparse (C=2) build on $(abi_of "$k")" "$k" C=2
		fi
	else
		echo "scripts/kernel-headers.sh $target failed" >>"$hlog"
		result "W=1 build on Debian's $target headers" "$hlog"
		if [ "$target" = 6.12 ]; then
			result "sparse (C=2) build on Debian's $target headers" "$hlog"
		fi
	fi
done

# The module's files import one another without a circle
# (Documentation/internals.md draws the graph), and each stays small.
"$TOP/scripts/imports.py" "$dir/build-W1/drivers/passthru" >"$dir/imports.out" 2>&1 ||
	cp "$dir/imports.out" "$dir/imports.log"
touch "$dir/imports.log"
result "drivers/passthru imports without a circle" "$dir/imports.log"
(cd "$TOP" && wc -l drivers/passthru/*.[ch]) |
	awk '$2 != "total" && $1 > 520 { print $2 ": " $1 " lines" }' >"$dir/length.log"
result "drivers/passthru files of at most 520 lines" "$dir/length.log"

# compat.h is where an out-of-tree module keeps its kernel version checks.
checkpatch_ignore() {
	local ignore=FILE_PATH_CHANGES
	[ "$1" = drivers/passthru/compat.h ] && ignore+=,LINUX_VERSION_CODE
	# Userspace has no __printf() (the kernel's compiler_attributes.h).
	case $1 in tools/*) ignore+=,PREFER_DEFINED_ATTRIBUTE_MACRO ;; esac
	echo "--ignore $ignore"
}

kernel_files=$(cd "$TOP" && ls drivers/passthru/*.[ch] include/uapi/linux/*.h kunit/*.c)
for f in $kernel_files tools/testing/*.[ch] tools/lib/*.[ch] tools/examples/*.c \
	tools/passthru/*.[ch]; do
	(cd "$TOP" && "$src/scripts/checkpatch.pl" --strict --no-tree \
		--show-types $(checkpatch_ignore "$f") -q -f "$f") \
		>"$dir/checkpatch.log" 2>&1 || true
	result "checkpatch $f" "$dir/checkpatch.log"
done

for f in $kernel_files tools/lib/libpassthru.h; do
	(cd "$TOP" && "$src/scripts/kernel-doc" -v -none "$f") \
		2>&1 | grep -Ev '^[^ ]+: info: ' >"$dir/kernel-doc.log" || true
	result "kernel-doc $f" "$dir/kernel-doc.log"
done

# Every function with external linkage has a kernel-doc comment right
# above it.
for f in $(cd "$TOP" && ls drivers/passthru/*.c); do
	awk -v f="$f" '
		/^\/\*\*/ { doc = 1 }
		/^[a-z].*\(/ && !/^static/ && !/;$/ && !/^[A-Za-z_]+\(/ {
			if (!doc) print f ":" NR ": no kernel-doc: " $0
		}
		!/^ \*/ && !/^\/\*\*/ { doc = 0 }
		/^ \*\// { doc = 1 }
	' "$TOP/$f"
done >"$dir/kdoc-missing.log"
result "kernel-doc on every non-static function" "$dir/kdoc-missing.log"

# The passthru command on this machine itself: with no IOMMU here, doctor
# must say so and exit 1 (a machine with an IOMMU skips this).
gcc -O2 -Wall -Wextra -Werror -I"$TOP/include/uapi" -o "$dir/passthru" \
	"$TOP"/tools/passthru/*.c >"$dir/cli.log" 2>&1 || true
# Its rules (options, --help, addresses, hostile .vmx files), one result each.
while read -r line; do
	case $line in
	"ok - "*) passed=$((passed + 1)) ;;
	"not ok - "*) echo "[static] FAIL: ${line#not ok - }"; failed=$((failed + 1)) ;;
	esac
done < <("$TOP/scripts/cli-test.sh" "$dir/passthru" 2>&1)
if [ -z "$(ls /sys/class/iommu 2>/dev/null)" ]; then
	status=0
	"$dir/passthru" doctor >"$dir/doctor.out" 2>&1 || status=$?
	: >"$dir/doctor.log"
	[ $status = 1 ] || echo "doctor exited $status, not 1" >>"$dir/doctor.log"
	grep -q "^FAIL  IOMMU  *no IOMMU is active" "$dir/doctor.out" ||
		echo "doctor did not report the missing IOMMU" >>"$dir/doctor.log"
	cat "$dir/cli.log" >>"$dir/doctor.log"
	result "passthru doctor on this host (no IOMMU)" "$dir/doctor.log"
else
	echo "[static] skip: this host has an IOMMU; passthru doctor's no-IOMMU verdict is tested in the noiommu guest"
fi

echo "[static] $passed passed, $failed failed"
[ "$failed" -eq 0 ]
