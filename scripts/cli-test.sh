#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The passthru command's own rules, on this host (no module needed):
# each command takes only its options and has --help, arguments that are
# not PCI addresses are refused before anything is touched, and what a
# hostile .vmx file holds reaches neither the terminal nor the JSON raw.
#
#   scripts/cli-test.sh PASSTHRU-BINARY
#
# Prints "ok - NAME" / "not ok - NAME: why" per check; exits 1 on a failure.
bin=${1:?usage: cli-test.sh PASSTHRU-BINARY}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fails=0

check() { # NAME COMMAND...: passes when COMMAND succeeds
	local name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name: $(head -c 300 "$tmp/check.out" | tr '\n' ' ')"
		fails=$((fails + 1))
	fi
}

status_is() { # WANT COMMAND...: COMMAND exits with status WANT
	local want=$1 got=0
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" || got=$?
	[ "$got" = "$want" ] || { echo "exit $got, not $want: $(cat "$tmp/err")"; return 1; }
}

json_ok() { # COMMAND...: its output parses as JSON
	"$@" >"$tmp/json" 2>/dev/null
	python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/json"
}

for cmd in list doctor bind unbind info vmx udev-add; do
	check "cli: $cmd --help exits 0 and names the command" \
		sh -c "'$bin' $cmd --help | grep -q '^usage: passthru $cmd'"
	check "cli: help $cmd is $cmd --help" \
		sh -c "[ \"\$('$bin' help $cmd)\" = \"\$('$bin' $cmd --help)\" ]"
done
check "cli: no command is a usage error" status_is 2 "$bin"
check "cli: an unknown command is a usage error" status_is 2 "$bin" frob
check "cli: unbind takes no --json" status_is 2 "$bin" unbind --json 00:03.0
check "cli: udev-add takes no --persist" status_is 2 "$bin" udev-add --persist 00:03.0
check "cli: udev-add takes one function" status_is 2 "$bin" udev-add 00:03.0 00:04.0
check "cli: unbind takes no --group" status_is 2 "$bin" unbind --group 00:03.0
check "cli: list takes no --bind" status_is 2 "$bin" list --bind
check "cli: info takes no --force" status_is 2 "$bin" info --force 00:03.0
check "cli: the refused option is named" \
	sh -c "'$bin' unbind --group 00:03.0 2>&1 | grep -q -- '--group: not an option of unbind'"

# Arguments that are not addresses: refused, and no path is built of them.
mkdir -p "$tmp/x"
for arg in ../../../../tmp/x 00:03.0/../../x 0:3.0 00:20.0 00:03.8 \
	000g:00:03.0 "00:03.0 " "" 00:03.00 10000:00:03.0; do
	check "cli: bind '$arg' is a usage error" status_is 2 "$bin" bind "$arg"
	check "cli: unbind '$arg' is a usage error" status_is 2 "$bin" unbind "$arg"
	check "cli: info '$arg' is a usage error" status_is 2 "$bin" info "$arg"
	check "cli: udev-add '$arg' is a usage error" status_is 2 "$bin" udev-add "$arg"
done
check "cli: nothing was written under the would-be path" \
	sh -c "[ -z \"\$(ls -A '$tmp/x')\" ]"
check "cli: doctor reports a malformed address as a failed check" \
	sh -c "'$bin' doctor 'a/../b' | grep -q '^FAIL  a/../b  *not a PCI address'"
check "cli: bind 0000:00:1f.7 (well-formed, absent) fails, not usage" \
	status_is 1 "$bin" bind 0000:00:1f.7

# A hostile .vmx: escape sequences, bytes that are not UTF-8, NULs, a
# 64 KiB line, an entry number past any VM's.
{
	printf 'pciPassthru0.present = "TRUE"\n'
	printf 'pciPassthru0.id = "\033[2J\033]0;pwned\007\xff\xfe\xc3\x28"\n'
	printf 'junk \033[31m\x9b31m \xe2\x82 line\n'
	printf 'nul \000 here\n'
	printf 'pciPassthru1.present = "TRUE"\npciPassthru1.id = "'
	head -c 65536 /dev/zero | tr '\0' 'a'
	printf '"\n'
	printf 'pciPassthru99999.present = "TRUE"\n'
} >"$tmp/evil.vmx"
check "cli: vmx of a hostile file exits 1 (not ready)" status_is 1 "$bin" vmx "$tmp/evil.vmx"
no_byte() { # PATTERN: the text output of the hostile file has none
	"$bin" vmx "$tmp/evil.vmx" >"$tmp/text" 2>&1
	grep -q 'pciPassthru0' "$tmp/text" && ! LC_ALL=C grep -qP "$1" "$tmp/text"
}
check "cli: vmx prints no control byte to the terminal" no_byte '[\x00-\x09\x0b-\x1f\x7f]'
check "cli: vmx prints no byte past ASCII to the terminal" no_byte '[\x80-\xff]'
check "cli: vmx --json of a hostile file is valid JSON" json_ok "$bin" vmx --json "$tmp/evil.vmx"
check "cli: vmx names the 64 KiB value too long" \
	sh -c "'$bin' vmx '$tmp/evil.vmx' | grep -q ':6: value too long'"
check "cli: vmx names the entry number past the limit" \
	sh -c "'$bin' vmx '$tmp/evil.vmx' | grep -q ':7: entry number too large'"
check "cli: list --json is valid JSON" json_ok "$bin" list --json
check "cli: doctor --json is valid JSON" json_ok "$bin" doctor --json
check "cli: list shows every function (no cap)" \
	sh -c "[ \$('$bin' list | tail -n +2 | wc -l) = \$(ls /sys/bus/pci/devices | wc -l) ]"

# This host, read only: the function under its default route, and the
# one under its root filesystem, are what doctor says the host needs.
host_fn() { # SYSFS-PATH: the PCI function its device lies under
	realpath "$1" 2>/dev/null | grep -o '/[0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]' |
		tail -n 1 | tr -d /
}
ifname=$(awk '$2 == "00000000" && $8 == "00000000" { print $1; exit }' /proc/net/route)
fn=$([ -n "$ifname" ] && host_fn "/sys/class/net/$ifname")
if [ -n "$fn" ]; then
	check "cli: doctor says $fn (under $ifname) carries this host's default route" \
		sh -c "'$bin' doctor $fn | grep -q '^FAIL  $fn .*default route (table main) via $ifname'"
fi
rootdev=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
fn=$(host_fn "/sys/dev/block/$rootdev")
if [ -n "$fn" ]; then
	check "cli: doctor says $fn backs this host's root filesystem" \
		sh -c "'$bin' doctor $fn | grep -q '^FAIL  $fn .*it backs the filesystem on / via'"
fi


# bind's checks, the hand-back and the designation at boot, on a fake
# tree (PASSTHRU_SYSROOT stands for /, PASSTHRU_CONFDIR for the records):
# its functions are in PCI domain 0001, which no host here has, so that a
# path that missed the root fails instead of touching a real device.  A
# fake tree's driver links never change: a probe there never binds.
root=$tmp/root S=$tmp/root/sys conf=$tmp/etc/persist.d
pt() { PASSTHRU_SYSROOT=$root PASSTHRU_CONFDIR=$conf timeout 10 "$bin" "$@"; }
says() { # STATUS TEXT ARGS...: pt ARGS exits STATUS, with TEXT on stderr
	local want=$1 text=$2
	shift 2
	status_is "$want" pt "$@" || return 1
	grep -qF -- "$text" "$tmp/err" || { echo "stderr: $(cat "$tmp/err")"; return 1; }
}
mkdrv() { mkdir -p "$S/bus/pci/drivers/$1" && touch "$S/bus/pci/drivers/$1/"{bind,unbind}; }
mkfunc() { # BDF VENDOR:DEVICE CLASS DRIVER|- GROUP|-
	local d=$S/devices/pci0001:00/$1
	mkdir -p "$d" "$S/bus/pci/devices"
	echo "0x${2%:*}" >"$d/vendor"
	echo "0x${2#*:}" >"$d/device"
	echo "0x$3" >"$d/class"
	echo flr >"$d/reset_method"
	: >"$d/driver_override"
	ln -s "$d" "$S/bus/pci/devices/$1"
	if [ "$4" != - ]; then
		mkdrv "$4"
		ln -s "$S/bus/pci/drivers/$4" "$d/driver"
	fi
	if [ "$5" != - ]; then
		mkdir -p "$S/kernel/iommu_groups/$5/devices"
		ln -s "$d" "$S/kernel/iommu_groups/$5/devices/$1"
		ln -s "$S/kernel/iommu_groups/$5" "$d/iommu_group"
	fi
}
mknet() { # NAME DIR [DEVTYPE]: an interface at sys/devices/DIR/net/NAME
	local d=$S/devices/$2/net/$1
	mkdir -p "$d" "$S/class/net"
	printf 'INTERFACE=%s\n%s' "$1" "${3:+DEVTYPE=$3$'\n'}" >"$d/uevent"
	ln -s "$d" "$S/class/net/$1"
}
lower() { ln -s "$S/class/net/$2" "$S/class/net/$1/lower_$2"; } # UPPER LOWER
mkblk() { # NAME DIR MAJ:MIN: a block device at sys/devices/DIR/NAME
	mkdir -p "$S/devices/$2/$1" "$S/class/block" "$S/dev/block"
	ln -s "$S/devices/$2/$1" "$S/class/block/$1"
	ln -s "$S/devices/$2/$1" "$S/dev/block/$3"
}
routes4() { # IFNAME...: an IPv4 default route through each, table main
	printf 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n'
	for i in "$@"; do
		printf '%s\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' "$i"
	done
} >"$root/proc/net/route"
routes6() { # IFNAME...: an IPv6 default route through each
	local z=00000000000000000000000000000000
	# ::/0 unreachable (flags 0x200, reject) through eth1: no route
	printf '%s 00 %s 00 %s 00000400 00000001 00000000 00200200 %8s\n' $z $z $z eth1
	for i in "$@"; do
		printf '%s 00 %s 00 %s 00000400 00000001 00000000 00000003 %8s\n' $z $z fd000000000000000000000000000001 "$i"
	done
} >"$root/proc/net/ipv6_route"
mounts() { # "MAJ:MIN MOUNTPOINT SOURCE"...: /proc/self/mountinfo
	local n=20 m
	echo '19 1 0:5 / /proc rw - proc proc rw'
	for m in "$@"; do
		set -- $m
		echo "$((n++)) 1 $1 / $2 rw,relatime - ext4 $3 rw"
	done
} >"$root/proc/self/mountinfo"
unwritten() { # BDF DRIVER: bind wrote nothing
	[ ! -s "$S/bus/pci/devices/$1/driver_override" ] &&
		[ ! -s "$S/bus/pci/drivers/$2/unbind" ] || { echo "something was written"; return 1; }
}

mkdir -p "$root/proc/self" "$root/proc/net" "$root/dev" "$S/devices/virtual/net"
: >"$root/proc/swaps"
: >"$root/dev/kmsg"
mkdrv passthru
touch "$S/bus/pci/drivers_probe"
routes4
routes6
mounts
mkfunc 0001:00:03.0 1af4:1041 020000 virtio-pci 3
mknet eth0 pci0001:00/0001:00:03.0/virtio2
mkfunc 0001:00:06.0 8086:10d3 020000 e1000e 6
mknet eth1 pci0001:00/0001:00:06.0
mkfunc 0001:00:07.0 8086:100e 020000 e1000 7
mknet eth2 pci0001:00/0001:00:07.0
mkfunc 0001:00:08.0 8086:100e 020000 e1000 8
mknet eth3 pci0001:00/0001:00:08.0
mkfunc 0001:00:09.0 8086:100e 020000 e1000 9
mknet eth4 pci0001:00/0001:00:09.0
mkfunc 0001:00:14.0 8086:a36d 0c0330 xhci_hcd 14
mknet usb0 pci0001:00/0001:00:14.0/usb1/1-1/1-1:1.0
mknet br0 virtual bridge
lower br0 eth1
mkdir "$S/class/net/br0/brif" && ln -s "$S/class/net/eth1" "$S/class/net/br0/brif/eth1"
mknet bond0 virtual bond
mkdir "$S/class/net/bond0/bonding" && echo eth2 >"$S/class/net/bond0/bonding/slaves"
mknet eth3.5 virtual vlan
lower eth3.5 eth3
mknet br1 virtual bridge
lower br1 eth3.5
mknet mv0 virtual macvlan
lower mv0 eth4
mknet lo virtual

check "fake: list shows the fake tree's functions" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' list | grep -q '^0001:00:06.0 .* e1000e '"
routes4 eth0
check "fake: bind refuses the virtio NIC of the default route (exit 3)" \
	says 3 "0001:00:03.0: refusing: it carries the IPv4 default route (table main) via eth0; the host needs it (--force" bind 0001:00:03.0
check "fake: the refused bind wrote nothing" unwritten 0001:00:03.0 virtio-pci
check "fake: doctor says so too" \
	sh -c "PASSTHRU_SYSROOT='$root' '$bin' doctor 0001:00:03.0 | grep -q '^FAIL  0001:00:03.0 .*default route (table main) via eth0: the host needs it'"
routes4 br0
check "fake: a default route through a bridge refuses its port's function" \
	says 3 "it carries the IPv4 default route (table main) via br0 (bridge) over eth1;" bind 0001:00:06.0
check "fake: bind --group refuses it too" says 3 "via br0 (bridge) over eth1" bind --group 0001:00:06.0
routes4
routes6 bond0
check "fake: an IPv6 default route through a bond refuses its slave's function" \
	says 3 "it carries an IPv6 default route via bond0 (bond) over eth2;" bind 0001:00:07.0
routes6
routes4 eth9 br1
check "fake: a bridge over a VLAN over a NIC" \
	says 3 "via br1 (bridge) over eth3.5 (vlan) over eth3;" bind 0001:00:08.0
routes4 mv0
check "fake: a macvlan" says 3 "via mv0 (macvlan) over eth4;" bind 0001:00:09.0
routes4
routes6 usb0
check "fake: a USB NIC refuses its host controller" \
	says 3 "it carries an IPv6 default route via usb0 (USB);" bind 0001:00:14.0
check "fake: an unreachable ::/0 is no default route" \
	sh -c "! PASSTHRU_SYSROOT='$root' '$bin' doctor 0001:00:06.0 | grep -q 'default route'"
routes6

# Disks: LVM on a partition of NVMe, /dev/root, md, NVMe native
# multipath, a loop device, swap.
n0=pci0001:00/0001:00:05.0/nvme/nvme0
mkfunc 0001:00:05.0 1b36:0010 010802 nvme 5
mkblk nvme0n1 "$n0" 259:0
mkblk nvme0n1p2 "$n0/nvme0n1" 259:2
touch "$S/class/block/nvme0n1p2/partition"
mkblk dm-0 virtual/block 254:0
mkdir -p "$S/class/block/dm-0/dm" "$S/class/block/dm-0/slaves"
echo vg-root >"$S/class/block/dm-0/dm/name"
echo LVM-Xq3z >"$S/class/block/dm-0/dm/uuid"
ln -s "$S/class/block/nvme0n1p2" "$S/class/block/dm-0/slaves/nvme0n1p2"
mkfunc 0001:00:1f.2 8086:2922 010601 ahci 31
mkblk sda 'pci0001:00/0001:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block' 8:0
mkblk sda1 'pci0001:00/0001:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda' 8:1
touch "$S/class/block/sda1/partition"
mkfunc 0001:00:0b.0 1000:0097 010700 mpt3sas 11
mkblk sdb 'pci0001:00/0001:00:0b.0/host1/target1:0:0/1:0:0:0/block' 8:16
mkblk md0 virtual/block 9:0
mkdir -p "$S/class/block/md0/md" "$S/class/block/md0/slaves"
ln -s "$S/class/block/sdb" "$S/class/block/md0/slaves/sdb"
mkfunc 0001:00:0a.0 1b36:0010 010802 nvme 10
mkdir -p "$S/devices/pci0001:00/0001:00:0a.0/nvme/nvme1"
mkblk nvme1n1 virtual/nvme-subsystem/nvme-subsys1 259:5
ln -s "$S/devices/pci0001:00/0001:00:0a.0/nvme/nvme1" "$S/devices/virtual/nvme-subsystem/nvme-subsys1/nvme1"
mkfunc 0001:00:0d.0 1000:0097 010700 mpt3sas 13
mkblk sdq 'pci0001:00/0001:00:0d.0/host2/target2:0:0/2:0:0:0/block' 65:0
mkblk loop0 virtual/block 7:0
mkdir "$S/class/block/loop0/loop" && echo /dev/sdq >"$S/class/block/loop0/loop/backing_file"
mkfunc 0001:00:0c.0 1000:0097 010700 mpt3sas 12
mkblk sdx 'pci0001:00/0001:00:0c.0/host3/target3:0:0/3:0:0:0/block' 65:16
mkblk sdx2 'pci0001:00/0001:00:0c.0/host3/target3:0:0/3:0:0:0/block/sdx' 65:18
touch "$S/class/block/sdx2/partition"
mounts "254:0 / /dev/mapper/vg-root" "8:1 /boot /dev/root" "9:0 /home /dev/md0" \
	"259:5 /srv /dev/nvme1n1" "7:0 /var/lib/images /dev/loop0"
check "fake: root on LVM on an NVMe partition refuses the NVMe function" \
	says 3 "it backs the filesystem on / via dm-0 (LVM vg-root) over nvme0n1p2;" bind 0001:00:05.0
check "fake: /dev/root (by its device number)" \
	says 3 "it backs the filesystem on /boot via sda1;" bind 0001:00:1f.2
check "fake: md" says 3 "it backs the filesystem on /home via md0 (md) over sdb;" bind 0001:00:0b.0
check "fake: NVMe native multipath refuses the controller's function" \
	says 3 "it backs the filesystem on /srv via nvme1n1 (NVMe multipath) over nvme1;" bind 0001:00:0a.0
check "fake: a loop device refuses the disk of its backing file" \
	says 3 "it backs the filesystem on /var/lib/images via loop0 (loop) over sdq;" bind 0001:00:0d.0
printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sdx2                               partition\t1048572\t\t0\t\t-2\n' >"$root/proc/swaps"
check "fake: swap on a partition refuses its disk's function" \
	says 3 "it backs swap /dev/sdx2 via sdx2;" bind 0001:00:0c.0
: >"$root/proc/swaps"
mounts

# Hostile contents: a loop of lower links, names that are paths, endless
# lines; the search ends and nothing is taken for a path.
mkfunc 0001:00:10.0 1234:11e8 00ff00 fakedrv 16
mknet loop9 virtual bridge
lower loop9 loop9
touch "$S/class/net/loop9/lower_.." "$S/class/net/loop9/lower_"
mkdir "$S/class/net/loop9/brif" && ln -s "$S/class/net/loop9" "$S/class/net/loop9/brif/loop9"
echo '../../../../etc x y' >"$S/class/net/loop9/bonding" 2>/dev/null || true
routes4 loop9 ../eth1 "$(head -c 3000 /dev/zero | tr '\0' a)"
mkblk dm-9 virtual/block 254:9
mkdir -p "$S/class/block/dm-9/slaves" && ln -s "$S/class/block/dm-9" "$S/class/block/dm-9/slaves/dm-9"
{ mounts "254:9 /loop /dev/dm-9"; head -c 200000 /dev/zero | tr '\0' 'x'; echo; printf '\377\000 - \n'; } >"$tmp/mi"
mv "$tmp/mi" "$root/proc/self/mountinfo"
check "fake: loops and garbage end the search; the host does not need 0001:00:10.0" \
	says 1 "0001:00:10.0: passthru did not claim it" bind 0001:00:10.0
routes4
mounts

# The hand-back: passthru did not claim it, so it goes back to its driver.
check "fake: the failed bind gave it back to its driver" \
	says 1 "0001:00:10.0: given back to fakedrv" bind 0001:00:10.0
check "fake: it was unbound after driver_override was set, probed, then bound again" \
	sh -c "d='$S/bus/pci'; [ \"\$(cat \$d/drivers/fakedrv/unbind)\" = 0001:00:10.0 ] &&
		[ \"\$(cat \$d/drivers_probe)\" = 0001:00:10.0 ] &&
		[ \"\$(cat \$d/drivers/fakedrv/bind)\" = 0001:00:10.0 ] &&
		[ -z \"\$(cat \$d/devices/0001:00:10.0/driver_override)\" ]"
mkfunc 0001:00:11.0 1234:11e8 00ff00 otherdrv -
check "fake: no IOMMU group: refused before anything is unbound" \
	says 1 "0001:00:11.0: refusing: not behind an IOMMU (no IOMMU group)" bind 0001:00:11.0
check "fake: ... and nothing was written" unwritten 0001:00:11.0 otherdrv
mkfunc 0001:00:1c.0 8086:a338 060400 pcieport 28
check "fake: a bridge is refused before anything is unbound" \
	says 1 "0001:00:1c.0: refusing: a bridge cannot be passed through" bind 0001:00:1c.0
check "fake: ... and nothing was written" unwritten 0001:00:1c.0 pcieport
mv "$S/bus/pci/drivers/passthru" "$tmp/passthru.drv"
mkfunc 0001:00:12.0 1234:11e8 00ff00 thirddrv 18
check "fake: passthru not loaded: refused before anything is unbound" \
	says 1 "0001:00:12.0: refusing: the passthru module is not loaded" bind 0001:00:12.0
check "fake: ... and nothing was written" unwritten 0001:00:12.0 thirddrv
mv "$tmp/passthru.drv" "$S/bus/pci/drivers/passthru"
routes4 eth0
check "fake: --force takes what the host needs, saying so" \
	says 1 "0001:00:03.0: --force: taking it although it carries the IPv4 default route" bind --force 0001:00:03.0
routes4

# The designation at boot.
mkfunc 0001:00:13.0 1234:11e8 00ff00 passthru 19
check "fake: bind --persist of a held function records it" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' bind --persist 0001:00:13.0 &&
		[ \"\$(cat '$conf/0001:00:13.0')\" = 1234:11e8 ] &&
		[ \"\$(stat -c %a '$conf/0001:00:13.0')\" = 644 ]"
check "fake: list says it is persistent" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' list | grep -q '^0001:00:13.0 .* passthru .* yes  *held\$'"
check "fake: list --json says so" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' list --json | grep -q '\"function\": \"0001:00:13.0\", .*\"persistent\": true'"
check "fake: list --json with records is JSON" json_ok pt list --json
check "fake: a refused bind --persist records nothing" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' bind --persist 0001:00:11.0; [ \$? = 1 ] && [ ! -e '$conf/0001:00:11.0' ]"
check "fake: a failed bind --persist records nothing" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' bind --persist 0001:00:10.0; [ \$? = 1 ] && [ ! -e '$conf/0001:00:10.0' ]"
check "fake: udev-add of a held, recorded function: nothing to do (exit 0)" \
	status_is 0 pt udev-add 0001:00:13.0
check "fake: udev-add logs to the kernel log" grep -q '^<6>passthru: 0001:00:13.0: already held by passthru' "$root/dev/kmsg"
check "fake: unbind keeps the record, and says so" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' unbind 0001:00:13.0 | grep -q 'still designated at boot' &&
		[ -e '$conf/0001:00:13.0' ]"
check "fake: unbind --persist forgets it" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' unbind --persist 0001:00:13.0 | grep -q 'no longer designated at boot' &&
		[ ! -e '$conf/0001:00:13.0' ]"
check "fake: unbind --persist of a function neither held nor designated fails" \
	says 1 "0001:00:06.0: neither held by passthru nor designated at boot" unbind --persist 0001:00:06.0
echo 8086:10d3 >"$conf/0001:00:1e.0"
check "fake: unbind --persist forgets the record of a function that is not there" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' unbind --persist 0001:00:1e.0 && [ ! -e '$conf/0001:00:1e.0' ]"
echo 8086:10d3 >"$conf/0001:00:1e.0"
check "fake: list shows a record whose function is absent" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' list | grep -q '^0001:00:1e.0 *8086:10d3 .* yes  *absent\$'"
echo 8086:10d3 >"$conf/0001:00:10.0"
check "fake: udev-add refuses a record naming another device" \
	says 1 "0001:00:10.0: not designating it: the record names 8086:10d3, the function is 1234:11e8" udev-add 0001:00:10.0
check "fake: udev-add without a record fails" says 1 "not designated at boot" udev-add 0001:00:12.0

# Garbage among the records: each refused by name, the rest still read.
rm -f "$conf/0001:00:10.0"
echo hello >"$conf/0001:00:12.0"
echo 1234:11e8 >"$conf/garbage"
echo 1234:11e8 >"$conf/00:12.0"
ln -s /etc/passwd "$conf/0001:00:03.0"
mkfifo "$conf/0001:00:06.0"
head -c 1048576 /dev/zero >"$conf/0001:00:07.0"
mkdir "$conf/0001:00:08.0"
echo 8086:100e >"$conf/0001:00:09.0" && chmod 666 "$conf/0001:00:09.0"
echo 8086:100E >"$conf/0001:00:14.0"
printf '8086:100e\n0001:00:05.0\n' >"$conf/0001:00:05.0"
printf 'pciPassthru0.id = "\033[2J\377"' >"$conf/$(printf '\033[31m')"
check "fake: list with garbage records exits 1 but lists everything" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' timeout 10 '$bin' list >'$tmp/l' 2>'$tmp/le'; [ \$? = 1 ] && grep -q '^0001:00:1e.0 .*absent' '$tmp/l' && grep -q '^0001:00:10.0 ' '$tmp/l'"
for want in '0001:00:12.0: not "vendor:device" in hex' "garbage: not a PCI address" \
	"/00:12.0: not a PCI address" "0001:00:03.0: a symbolic link" \
	"0001:00:06.0: not a regular file" "0001:00:07.0: too large" \
	"0001:00:08.0: not a regular file" "0001:00:09.0: writable by group or others" \
	'0001:00:14.0: not "vendor:device"' '0001:00:05.0: not "vendor:device"' \
	'/\\x1b\[31m: not a PCI address'; do
	check "fake: list refuses the record: $want" grep -q -- "^passthru: ignored: .*$want" "$tmp/le"
done
check "fake: list prints no control byte of a record's name" \
	sh -c "! LC_ALL=C grep -qP '[\\x00-\\x09\\x0b-\\x1f\\x7f-\\xff]' '$tmp/le'"
check "fake: list --json with garbage records is JSON" json_ok pt list --json
check "fake: udev-add refuses a garbled record, and writes nothing" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' udev-add 0001:00:12.0 2>&1 | grep -q 'not designating it: .*not \"vendor:device\"' &&
		[ ! -s '$S/bus/pci/devices/0001:00:12.0/driver_override' ]"
check "fake: udev-add refuses a record that is a symbolic link" \
	says 1 "0001:00:03.0: not designating it: $conf/0001:00:03.0: a symbolic link" udev-add 0001:00:03.0
check "fake: udev-add does not open a FIFO for a record" \
	says 1 "0001:00:06.0: not designating it: $conf/0001:00:06.0: not a regular file" udev-add 0001:00:06.0
check "fake: doctor fails a garbled record" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' doctor | grep -q '^FAIL  record 0001:00:12.0 .*not \"vendor:device\" in hex: not applied at boot'"
check "fake: doctor warns of a record of an absent function" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' doctor | grep -q '^WARN  record 0001:00:1e.0 .*no such function'"
echo 8086:10d3 >"$conf/0001:00:10.0"
check "fake: doctor fails a record naming another device" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' doctor | grep -q '^FAIL  record 0001:00:10.0 .*names 8086:10d3, but the function is 1234:11e8'"
rm "$conf/0001:00:10.0"
if [ ! -e /etc/udev/rules.d/61-passthru-persist.rules ] && [ ! -e /lib/udev/rules.d/61-passthru-persist.rules ]; then
	check "fake: doctor warns that no udev rule applies the records" \
		sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$conf' '$bin' doctor | grep -q '^WARN  udev rule .*61-passthru-persist.rules is not installed'"
fi
chmod 777 "$conf"
echo 1234:11e8 >"$conf/0001:00:13.0" && chmod 644 "$conf/0001:00:13.0"
check "fake: udev-add refuses records in a directory anyone may write" \
	says 1 "$conf: writable by group or others" udev-add 0001:00:13.0
chmod 755 "$conf"
check "fake: the refusals are in the kernel log" grep -q '^<4>passthru: 0001:00:03.0: not designating it' "$root/dev/kmsg"
check "fake: bind --persist makes the directory" \
	sh -c "PASSTHRU_SYSROOT='$root' PASSTHRU_CONFDIR='$tmp/new/dir' '$bin' bind --persist 0001:00:13.0 && [ -s '$tmp/new/dir/0001:00:13.0' ]"

[ $fails = 0 ]
