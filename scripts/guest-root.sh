#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What the cli and persist areas need in the test guest's initramfs
# beyond busybox; scripts/guest.sh runs it on the root it builds:
#
#   scripts/guest-root.sh ROOT MODULES
#
# MODULES is the kernel's module directory (.../lib/modules/ABI), or -
# for a kernel without one (the debug kernel: its drivers are built
# in).  It adds:
# - Debian 12's systemd-udevd and udevadm, dmsetup, and iproute2's ip as
#   /usr/sbin/ip, with the shared libraries ldd names;
# - the rules udev runs: udev/61-passthru-persist.rules, and the host's
#   80-drivers.rules, which loads drivers by modalias as at a real boot;
#   udev/70-passthru.rules, which persist.sh installs for its access
#   checks, with an /etc/group that has kvm;
# - /usr/sbin/passthru, where the rule runs it, and /sbin/modprobe
#   (busybox), which passthru udev-add runs;
# - /lib/modules/ABI: passthru.ko and the host drivers the areas load by
#   name (modprobe, lib.sh's load_module) or udev by alias, vfio-pci (the
#   benchmarks' baseline) among them, with their dependencies, indexed by
#   the host's depmod;
# - PT_ROOT_OVERLAY, when set: a directory copied over the root (the
#   second boot of scripts/persist-test.sh gets its /etc/passthru there).
. "$(dirname "$0")/common.sh"

root=${1:?usage: guest-root.sh ROOT MODULES}
mods=${2:?usage: guest-root.sh ROOT MODULES}

# A program (at the same path, or at $2) and the libraries it links.
copy_prog() {
	local lib
	install -D "$1" "$root${2:-$1}"
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D "$(readlink -f "$lib")" "$root$lib"
	done
}
copy_prog /bin/udevadm
copy_prog /sbin/dmsetup
# iproute2's ip for nexthop objects, beside busybox's (/bin/ip).
copy_prog /bin/ip /usr/sbin/ip
mkdir -p "$root/lib/systemd" "$root/sbin" "$root/usr/sbin" "$root/run" \
	"$root/etc/udev/rules.d" "$root/lib/udev/rules.d" "$root/mnt"
ln -sf /bin/udevadm "$root/lib/systemd/systemd-udevd"
ln -sf /bin/busybox "$root/sbin/modprobe"
ln -sf /bin/passthru "$root/usr/sbin/passthru"
cp "$TOP/udev/61-passthru-persist.rules" "$TOP/udev/70-passthru.rules" \
	/lib/udev/rules.d/80-drivers.rules "$root/lib/udev/rules.d/"
# The kvm group of udev/70-passthru.rules, for udevd to resolve, and the
# unprivileged user of the access checks (pt_isol access).
mkdir -p "$root/etc"
printf 'root:x:0:\nkvm:x:36:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"

# A module and what it depends on, into the tree under $tree, uncompressed
# (busybox modprobe reads no .ko.xz).
copy_mod() {
	local f rel dep
	f=$(find "$mods/kernel" \( -name "$1.ko*" -o -name "${1//-/_}.ko*" -o \
		-name "${1//_/-}.ko*" \) | head -n 1)
	[ -n "$f" ] || die "no module $1 under $mods"
	rel=${f#"$mods"/}
	rel=${rel%.xz}
	rel=${rel%.zst}
	[ -e "$tree/$rel" ] && return 0
	mkdir -p "$(dirname "$tree/$rel")"
	case $f in
	*.ko.xz) xz -dc "$f" >"$tree/$rel" ;;
	*.ko.zst) zstd -qdc "$f" >"$tree/$rel" ;;
	*) install -m 644 "$f" "$tree/$rel" ;;
	esac
	for dep in $(/sbin/modinfo -F depends "$tree/$rel" | tr , ' '); do
		copy_mod "$dep"
	done
}
if [ "$mods" != - ]; then
	abi=$(basename "$mods")
	tree=$root/lib/modules/$abi
	for m in e1000 e1000e nvme dm-mod ext4 bridge bonding 8021q macvlan \
		vfio_iommu_type1 vfio-pci; do
		copy_mod "$m"
	done
	# ext4's checksums on 6.1 and 6.12; 7.2 has crc32c in its library.
	if find "$mods/kernel" -name 'crc32c_generic.ko*' | grep -q .; then
		copy_mod crc32c_generic
	fi
	install -D -m 644 "$root/lib/modules/passthru.ko" "$tree/extra/passthru.ko"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$mods/$f" ] && cp "$mods/$f" "$tree/"
	done
	# sid's linux-modules ships no modules.order nor modules.builtin:
	# depmod's warnings about them say nothing.
	/sbin/depmod -b "$root" "$abi" 2> >(grep -v '^depmod: WARNING: could not open modules\.' >&2)
fi

if [ -n "${PT_ROOT_OVERLAY:-}" ]; then
	cp -a "$PT_ROOT_OVERLAY"/. "$root/"
fi
