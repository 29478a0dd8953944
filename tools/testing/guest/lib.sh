# SPDX-License-Identifier: GPL-2.0
# Helpers for the in-guest test scripts (busybox sh).  Every check prints
# one line, "ok - NAME" or "not ok - NAME: why"; the host counts them.

PT=/lib/modules/passthru.ko

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "skip - $*"; }

# expect NAME COMMAND...: one check, passing when COMMAND succeeds.
expect() {
	_name=$1
	shift
	if "$@" >/tmp/expect.out 2>&1; then
		ok "$_name"
	else
		not_ok "$_name: '$*' failed: $(head -c 300 /tmp/expect.out | tr '\n' ' ')"
	fi
}

# in_dmesg TEXT: the kernel log has a line containing TEXT.
in_dmesg() { dmesg | grep -qF -- "$1"; }
# in_dmesg_re REGEX: the kernel log has a line matching REGEX.
in_dmesg_re() { dmesg | grep -qE -- "$1"; }

# driver_of BDF: the name of the driver bound to BDF, or nothing.
driver_of() {
	_l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	basename "$_l"
}

# find_pci VENDOR DEVICE: the addresses of the functions with these IDs.
find_pci() {
	for _d in /sys/bus/pci/devices/*; do
		[ "$(cat "$_d/vendor")" = "0x$1" ] &&
			[ "$(cat "$_d/device")" = "0x$2" ] && basename "$_d"
	done
	return 0
}

group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }

sysfs_write() { echo "$2" >"$1" 2>/dev/null; }

# pass_to_passthru BDF: take the function from its driver, give it to passthru.
pass_to_passthru() {
	sysfs_write /sys/bus/pci/devices/$1/driver/unbind $1
	sysfs_write /sys/bus/pci/devices/$1/driver_override passthru
	sysfs_write /sys/bus/pci/drivers_probe $1
}
# give_back BDF [DRIVER]: from passthru back to DRIVER (or to none).
give_back() {
	sysfs_write /sys/bus/pci/drivers/passthru/unbind $1
	sysfs_write /sys/bus/pci/devices/$1/driver_override ""
	[ -n "${2:-}" ] && sysfs_write /sys/bus/pci/drivers/$2/bind $1
	return 0
}

# Fixed addresses of the test bed (scripts/guest.sh places the devices).
EDU=0000:00:03.0
TESTDEV=0000:00:04.0
NVME=0000:00:05.0
E1000E=0000:00:06.0
BRIDGE=0000:00:07.0
EDU2=0000:01:01.0     # conventional PCI, behind the bridge
E1000=0000:01:02.0    # conventional PCI, behind the bridge
E1000_RP=0000:02:00.0 # alone behind its own PCIe root port
IVSHMEM=0000:00:09.0  # bench only: ivshmem-plain, BAR2 256 MiB of RAM
HP_EDU=0000:03:00.0   # edu in a hotpluggable root port, QEMU id hp0

# qmp JSON: have the host run a QEMU monitor command (scripts/qmp.py).
qmp() { echo "PT-QMP $1"; }

# storm_watch &: if the kernel shuts an interrupt line down ("nobody
# cared"), print what could be asserting it: each function's command and
# status registers (status bit 3: INTx asserted) and QEMU's interrupt
# controllers, as comments in the results.  The fuzzer's runs start it.
storm_watch() {
	while sleep 0.2; do
		dmesg | grep -q "nobody cared" || continue
		for _d in /sys/bus/pci/devices/*; do
			echo "# storm: $(basename $_d) irq $(cat $_d/irq) driver" \
				"$(driver_of $(basename $_d)) cmd+status" \
				$(dd if=$_d/config bs=1 skip=4 count=4 2>/dev/null | od -An -tx1)
		done
		echo 'PT-QMP {"execute":"human-monitor-command","arguments":{"command-line":"info pic"}}'
		return
	done
}
