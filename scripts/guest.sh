#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one test guest under QEMU (TCG) and judge it.
#
#   scripts/guest.sh VARIANT
#
# VARIANT is BASE or BASE-KERNEL; KERNEL is 6.1 (the default), 6.12 or
# newest (Debian unstable's kernel, whatever its version: see
# scripts/distro-kernel.sh; debug and kunit take 6.1 or newest).
#
# BASE       kernel   IOMMU    runs
# vtd        Debian   VT-d     tools/testing/guest/check.sh
# amdvi      Debian   AMD-Vi   check.sh
# noiommu    Debian   none     check.sh (probe must refuse)
# nointremap Debian   VT-d without interrupt remapping: check.sh (attach
#                     needs allow_unsafe_interrupts)
# debug      debug    VT-d     check.sh, plus kmemleak
# kunit      debug    VT-d     kunit.sh (KTAP parsed by scripts/ktap.py)
# demo       Debian   VT-d     demo.sh, on the terminal
# bench      Debian   VT-d     bench.sh: passthru against vfio-pci
#
# Prints "[BASE-VERSION] N passed, N failed" last (VERSION the kernel's
# major.minor, e.g. [vtd-7.2]); logs go to out/VARIANT/.  It exits non-zero on any
# failed check, a missing end marker (crash, hang) or a kernel splat
# (BUG, WARNING, KASAN, lockdep, kmemleak...) in the guest's console log.
#
# PT_MODE=AREA runs one script of tools/testing/guest instead; PT_APPEND
# adds to the kernel command line; PT_TIMEOUT_S replaces the timeout
# (300 s; debug 900, bench 1800, fuzz 7200).  A guest still running 45 s
# before its timeout is dumped as hung (scripts/qmp.py).
. "$(dirname "$0")/common.sh"

variant=${1:?usage: guest.sh BASE[-6.1|-6.12|-newest], BASE one of vtd amdvi noiommu nointremap debug kunit demo bench}
base=${variant%%-*}
kernel=6.1
[ "$base" = "$variant" ] || kernel=${variant#*-}
case $base in
vtd | amdvi | noiommu | nointremap | demo | bench) flavour=distro ;;
debug | kunit) flavour=debug ;;
*) die "unknown variant $variant" ;;
esac
case $flavour-$kernel in
distro-6.1 | distro-6.12 | distro-newest | debug-6.1 | debug-newest) ;;
*) die "no $flavour kernel '$kernel' (variant $variant)" ;;
esac

# Kernel and module build tree.
if [ $flavour = distro ]; then
	kdir=$("$TOP/scripts/distro-kernel.sh" "$kernel")
	image=$(ls "$kdir"/boot/vmlinuz-*)
	modsrc=$kdir/headers
	abi=${image##*/vmlinuz-}
	moddir=$kdir/lib/modules/$abi
else
	kdir=$("$TOP/scripts/debug-kernel.sh" "$kernel")
	image=$kdir/arch/x86/boot/bzImage
	modsrc=$kdir
	moddir=
fi
# The summary names the kernel: [vtd-6.1], [vtd-7.2].
release=$(make -s -C "$modsrc" kernelrelease 2>/dev/null) ||
	die "cannot tell the kernel release of $modsrc"
label=$base-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$release")

# passthru.ko (and passthru_kunit.ko where the kernel has KUnit), built in
# a copy of the sources so that the two flavours do not share objects.
build=$OUT/build-$flavour-$kernel
mkdir -p "$build"
cp -r "$TOP/Kbuild" "$TOP/drivers" "$TOP/include" "$TOP/kunit" "$build/"
make -s -C "$modsrc" M="$build" modules >"$build.log" 2>&1 ||
	{ cat "$build.log" >&2; die "module build failed for $flavour $release"; }

# Static test programs, and the NVMe example on libpassthru.
mkdir -p "$OUT/bin"
make -s -C "$TOP/tools/testing" O="$OUT/bin" KSFT="$(kernel_source)/tools/testing/selftests" ||
	die "the test programs do not build"
gcc -static -O2 -Wall -Wextra -Werror -I"$TOP/include/uapi" \
	-o "$OUT/bin/passthru" "$TOP"/tools/passthru/*.c
for prog in tools/examples/nvme-read; do
	gcc -static -O2 -Wall -Wextra -Werror -I"$TOP/include/uapi" \
		-I"$TOP/tools/lib" -o "$OUT/bin/${prog##*/}" "$TOP/$prog.c" \
		"$TOP/tools/lib/libpassthru.c"
done

# The initramfs: busybox, /init, the test scripts, programs and modules.
root=$OUT/root-$flavour-$kernel
rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests,lib/modules}
cp /bin/busybox "$root/bin/busybox"
for prog in pt_test pt_dma pt_region pt_reset pt_irq pt_isol pt_fuzz pt_failnth pt_race pt_bench pt_uapi nvme-read pt_lib passthru; do
	cp "$OUT/bin/$prog" "$root/bin/"
done
cp "$TOP/tools/testing/guest/init" "$root/init"
chmod +x "$root/init"
cp "$TOP"/tools/testing/guest/*.sh "$TOP"/tools/testing/guest/*.awk "$root/tests/"
find "$build" -name '*.ko' -exec cp {} "$root/lib/modules/" \;
# What the guests use beyond busybox (the host drivers in a module tree
# for modprobe, udevd, dmsetup; PT_ROOT_OVERLAY): scripts/guest-root.sh.
"$TOP/scripts/guest-root.sh" "$root" "${moddir:--}"
initrd=$OUT/initramfs-$flavour-$kernel.cpio
(cd "$root" && find . | cpio -o -H newc --quiet) >"$initrd"

# The machine.
# The NVMe disk: 16 MiB of the pattern nvme-read checks.
nvme_img=$OUT/nvme.img
if ! head -c 24 "$nvme_img" 2>/dev/null | grep -q '^lba 00000000 byte 000 ok'; then
	"$OUT/bin/nvme-read" --make-image "$nvme_img" 16 ||
		die "cannot write $nvme_img"
fi
qemu=(qemu-system-x86_64 -nodefaults -display none -no-reboot -smp 2 -cpu max
	-kernel "$image" -initrd "$initrd")
# SysRq for scripts/qmp.py's dump of a hung guest, and no KASLR so that
# the RIPs it dumps read against the kernel's System.map.
append="console=ttyS0 panic=-1 sysrq_always_enabled nokaslr pt.variant=$base"
case $base in
noiommu) qemu+=(-M q35 -m 1G) ;;
nointremap) qemu+=(-M q35 -m 1G -device intel-iommu,intremap=off)
	append+=" intel_iommu=on" ;;
amdvi) qemu+=(-M q35,kernel-irqchip=split -m 1G -device amd-iommu,intremap=on) ;;
bench) qemu+=(-M q35,kernel-irqchip=split -m 7G
	-device intel-iommu,intremap=on,caching-mode=on)
	append+=" intel_iommu=on" ;;
*) qemu+=(-M q35,kernel-irqchip=split -m 2G
	-device intel-iommu,intremap=on,caching-mode=on)
	append+=" intel_iommu=on" ;;
esac
[ $base = kunit ] && append+=" printk.time=0"
# The fault-injection sweep fails slab allocations of these caches only
# (tools/testing/pt_failnth.c says why); the flag costs nothing otherwise.
[ $flavour = debug ] && append+=" slub_debug=A,kmalloc-cg-*"
qemu+=(-device edu,addr=03.0)
case $base in
bench) qemu+=(-object memory-backend-ram,id=shm,size=256M,share=on
	-device ivshmem-plain,memdev=shm,addr=09.0
	-drive if=none,id=nvm,file="$nvme_img",format=raw
	-device nvme,serial=passthru0,drive=nvm,addr=05.0) ;;
esac
case $base in
noiommu | nointremap | kunit | bench) ;;
*)
	qemu+=(-device pci-testdev,addr=04.0
		-drive if=none,id=nvm,file="$nvme_img",format=raw
		-device nvme,serial=passthru0,drive=nvm,addr=05.0
		-device e1000e,addr=06.0
		-device pcie-pci-bridge,id=br0,addr=07.0
		-device edu,bus=br0,addr=01.0
		-device e1000,bus=br0,addr=02.0
		-device pcie-root-port,id=rp1,chassis=1,addr=08.0
		-device e1000,bus=rp1,addr=00.0
		-device pcie-root-port,id=rp2,chassis=2,addr=0a.0
		-device edu,bus=rp2,addr=00.0,id=hp0) ;;
esac

case $base in
demo) mode=demo ;;
kunit) mode=kunit ;;
bench) mode=bench ;;
*) mode=check ;;
esac
# PT_MODE runs one script of tools/testing/guest instead (e.g. isol).
mode=${PT_MODE:-$mode}
append+=" pt.mode=$mode ${PT_BENCH_APPEND:-} ${PT_APPEND:-}"

if [ $mode = demo ]; then
	append+=" quiet"
	log "booting the demo on Debian's $release (QEMU, TCG, VT-d)"
	# QEMU's own warnings (the IOMMU blocking DMA on purpose) go to a file.
	exec timeout 300 "${qemu[@]}" -append "$append" -serial stdio \
		2>"$OUT/demo-qemu.log"
fi

dir=$OUT/$variant
rm -rf "$dir" && mkdir -p "$dir"
log "booting $variant guest ($release); logs in $dir"
timeout_s=300
[ $flavour = debug ] && timeout_s=900
[ $mode = bench ] && timeout_s=1800
[ $mode = fuzz ] && timeout_s=7200
timeout_s=${PT_TIMEOUT_S:-$timeout_s}
# The guest asks for QEMU monitor commands (hot-unplug, plugging back).
# with "PT-QMP" lines in its results; scripts/qmp.py runs them, and dumps
# the state of a guest still running 45 s before the timeout (a hang).
qmp_pid=
if [ $mode != demo ] && [ $mode != kunit ] && [ $mode != bench ]; then
	qemu+=(-qmp unix:"$dir/qmp.sock",server=on,wait=off)
	python3 "$TOP/scripts/qmp.py" "$dir/qmp.sock" "$dir/results.log" \
		$((timeout_s - 45)) >"$dir/qmp.log" 2>&1 &
	qmp_pid=$!
fi
start=$(date +%s)
timeout $timeout_s "${qemu[@]}" -append "$append" \
	-serial file:"$dir/console.log" -serial file:"$dir/results.log" \
	>"$dir/qemu.log" 2>&1 || log "qemu exited with $? (see $dir/qemu.log)"
if [ -n "$qmp_pid" ]; then
	kill $qmp_pid 2>/dev/null || true
	wait $qmp_pid 2>/dev/null || true
fi
log "$variant guest ran for $(($(date +%s) - start)) s"

if [ $mode = bench ]; then
	grep -E '^(speedup|median|#) ' "$dir/results.log" | tr -d '\r'
	grep -q '^speedup ' "$dir/results.log" ||
		die "the benchmark printed no result; see $dir/results.log and console.log"
	# A guest (or QEMU) that died part way left some benchmarks out.
	grep -q '^PT-DONE' "$dir/results.log" ||
		die "the benchmark guest did not reach its end, so some benchmarks are missing; see $dir/qemu.log and console.log"
	exit 0
fi
exec "$TOP/scripts/judge.sh" "$label" "$dir"
