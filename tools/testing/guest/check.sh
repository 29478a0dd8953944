# SPDX-License-Identifier: GPL-2.0
# The integration tests, run inside the guest as a VMM and an administrator
# would.  $1 is the variant: vtd, amdvi, debug (an IOMMU is present) or
# noiommu.
. /tests/lib.sh
variant=$1

# kmemleak (debug kernel): forget what boot allocated, check at the end.
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -e $KMEMLEAK ] && echo clear >$KMEMLEAK

if [ "$variant" = noiommu ]; then
	expect "noiommu: insmod with ids=" insmod $PT ids=1234:11e8
	expect "noiommu: probe refused with the remedy in dmesg" in_dmesg \
		"passthru $EDU: refused: not behind an IOMMU (no IOMMU group); enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on"
	expect "noiommu: no node" test ! -e /dev/passthru/$EDU
	expect "noiommu: opening /dev/passthru/vm is ENODEV" \
		sh -c "sh -c 'exec 3<>/dev/passthru/vm' 2>&1 | grep -q 'No such device'"
	expect "noiommu: the refusal to create a VM says why" \
		in_dmesg "passthru: cannot create a VM: no IOMMU for PCI devices"
	expect "noiommu: function left unbound" test -z "$(driver_of $EDU)"
	expect "doctor: without an IOMMU, says so and exits 1" \
		sh -c "passthru doctor >/tmp/doc; [ \$? = 1 ] && grep -q 'FAIL  IOMMU .*no IOMMU is active' /tmp/doc"
	expect "noiommu: rmmod" rmmod passthru
	exit 0
fi

if [ "$variant" = nointremap ]; then
	P=/sys/module/passthru/parameters/allow_unsafe_interrupts
	expect "nointremap: insmod" insmod $PT ids=1234:11e8
	pt_dma attach $EDU 1
	expect "nointremap: the refusal says why and what to do" \
		in_dmesg "passthru $EDU: attach refused: the IOMMU does not remap its interrupts, so a VM could forge any MSI; enable interrupt remapping, or load passthru with allow_unsafe_interrupts=1"
	sysfs_write $P 1
	pt_dma attach $EDU 0
	expect "nointremap: an unsafe attach logs loudly" \
		in_dmesg "passthru $EDU: UNSAFE: attached without interrupt remapping"
	sysfs_write $P 0
	expect "doctor: without interrupt remapping, says so and exits 1" \
		sh -c "passthru doctor >/tmp/doc; [ \$? = 1 ] && grep -q 'FAIL  interrupt remapping .*not enabled' /tmp/doc"
	expect "nointremap: rmmod" rmmod passthru
	exit 0
fi

# The test bed: an edu and an e1000 behind a PCIe-to-PCI bridge share the
# bridge's IOMMU group; e1000 has its host driver.
[ -f /lib/modules/e1000.ko ] && insmod /lib/modules/e1000.ko
[ -f /lib/modules/e1000e.ko ] && insmod /lib/modules/e1000e.ko
expect "testbed: e1000 behind the bridge is driven by e1000" \
	test "$(driver_of "$E1000")" = e1000
expect "testbed: bridge, edu and e1000 share one IOMMU group" \
	test "$(ls /sys/bus/pci/devices/$EDU2/iommu_group/devices | wc -l)" = 3

# ids=: malformed entries are reported and skipped, valid ones apply.
expect "ids: insmod with malformed entries succeeds" \
	insmod $PT "ids=1234:11e8,zzzz:1,1234,,1234:11e8:*"
for e in zzzz:1 1234 '1234:11e8:*'; do
	expect "ids: malformed \"$e\" reported" \
		in_dmesg "passthru: ids: skipping malformed entry \"$e\""
done
expect "ids: valid entry applied" \
	in_dmesg "passthru: ids: claiming functions matching 1234:11e8"
for d in $EDU $EDU2; do
	expect "ids: $d bound to passthru" test "$(driver_of $d)" = passthru
	expect "ids: node /dev/passthru/$d is a character device" \
		test -c /dev/passthru/$d
done
expect "probe: BAR0 of edu logged with address, size and type" \
	in_dmesg_re "passthru $EDU: BAR0 mem 0x[0-9a-f]+ size 1 MiB, 32-bit\$"
expect "probe: claim logged with node and group" \
	in_dmesg "passthru $EDU: claimed as /dev/passthru/$EDU, IOMMU group $(group_of $EDU)"
pt_test info $EDU
pt_test info $EDU2

# The administrator's command.
expect "doctor: edu is ready (exit 0)" sh -c "passthru doctor $EDU >/tmp/doc"
cat /tmp/doc | sed 's/^/# /'
expect "doctor: says only root may create VMs (the node is 0600)" \
	grep -q '^ok    VM node .*only root may run VMMs (mode 600)' /tmp/doc
chmod 0666 /dev/passthru/vm
expect "doctor: warns when any local user may create VMs" \
	sh -c "passthru doctor $EDU | grep -q '^WARN  VM node .*any local user can create VMs'"
chmod 0600 /dev/passthru/vm
expect "doctor: reports the IOMMU, remapping and the module" \
	sh -c "grep -q '^ok    IOMMU' /tmp/doc && grep -q '^ok    interrupt remapping' /tmp/doc && grep -q '^ok    passthru module' /tmp/doc"
expect "doctor: warns that edu has no reset method" \
	grep -q "WARN  $EDU .*no reset method" /tmp/doc
expect "doctor: edu behind the bridge is not ready: e1000 in its group (exit 1)" \
	sh -c "! passthru doctor $EDU2 >/tmp/doc2 && grep -q 'also holds $E1000, driven by e1000' /tmp/doc2"
expect "doctor: edu behind the bridge shares the bridge's requester ID" \
	grep -q "conventional PCI behind a PCIe-to-PCI bridge" /tmp/doc2
expect "doctor: --json is a JSON array of verdicts" \
	sh -c "passthru doctor --json $EDU | grep -q '^\\[{\"check\": \"IOMMU\", \"verdict\": \"ok\"'"
expect "list: edu is held by passthru" \
	sh -c "passthru list | grep -q '^$EDU .* passthru .* held\$'"
expect "list: the bridge's edu is in a group that is not viable" \
	sh -c "passthru list | grep -q '^$EDU2 .* group not viable\$'"
expect "list: --json names each function" \
	sh -c "passthru list --json | grep -q '\"function\": \"$EDU\"'"
expect "info: edu's regions and interrupts" \
	sh -c "passthru info $EDU >/tmp/info && grep -q 'region 0 BAR .* 1048576 bytes memory' /tmp/info && grep -q 'interrupts msi .* 1 vector' /tmp/info"
expect "bind: pci-testdev by the CLI" passthru bind 00:04.0
expect "bind: it is passthru's" test "$(driver_of $TESTDEV)" = passthru
expect "unbind: and back" passthru unbind $TESTDEV
expect "unbind: it is nobody's" test -z "$(driver_of $TESTDEV)"
expect "bind: an unknown function fails" sh -c "! passthru bind 00:1f.7"

# passthru vmx: the VMware note's sample, adapted to this guest.
uuid=$(cat /sys/class/dmi/id/product_uuid 2>/dev/null)
cat >/tmp/ok.vmx <<EOF
#!/bin/vmx
config.version = "8"
displayName = "RHEL3"
pciPassthru0.present = "TRUE"
pciPassthru0.deviceId = "0005"
pciPassthru0.vendorId = "1b36"
pciPassthru0.systemId = "$uuid"
pciPassthru0.id = "00:04.0"
pciPassthru0.pciSlotNumber = "160"
EOF
expect "vmx: pci-testdev of a matching file is ready" \
	sh -c "passthru vmx /tmp/ok.vmx >/tmp/vmx; grep -q '^pciPassthru0: READY' /tmp/vmx"
expect "vmx: --bind binds the ready device" passthru vmx --bind /tmp/ok.vmx
expect "vmx: pci-testdev is passthru's" test "$(driver_of $TESTDEV)" = passthru
passthru unbind $TESTDEV >/dev/null
cat >/tmp/bad.vmx <<EOF
pciPassthru0.present = "TRUE"
pciPassthru0.deviceId = "11e8"
pciPassthru0.vendorId = "1234"
pciPassthru0.systemId = "48c4619b-6d58-18db-2a0e-000423d1e6f6"
pciPassthru0.id = "00:03.0"
pciPassthru0.msiEnabled = "FALSE"
pciPassthru0.virtualDev = "pci"
this line is not a vmx line
pciPassthru1.present = "TRUE"
pciPassthru1.deviceId = "10d3"
pciPassthru1.vendorId = "8086"
pciPassthru1.id = "00:04.0"
pciPassthru2.present = "FALSE"
pciPassthru2.id = "00:1f.7"
EOF
expect "vmx: a file with a wrong device and a malformed line exits 1" \
	sh -c "! passthru vmx /tmp/bad.vmx >/tmp/vmx"
sed 's/^/# /' /tmp/vmx
expect "vmx: the malformed line is reported with its number" \
	grep -q "^/tmp/bad.vmx:8: malformed line, skipped: this line is not a vmx line" /tmp/vmx
expect "vmx: the rest is still read: edu is ready" grep -q "^pciPassthru0: READY" /tmp/vmx
expect "vmx: a systemId of another host is a warning" \
	grep -q "^WARN  pciPassthru0 .*the file comes from another host" /tmp/vmx
expect "vmx: msiEnabled FALSE means INTx" grep -q "msiEnabled FALSE: the VMM should use INTx" /tmp/vmx
expect "vmx: virtualDev pci means a conventional PCI slot" \
	grep -q 'virtualDev "pci": give the VM a conventional PCI slot' /tmp/vmx
expect "vmx: a wrong vendorId/deviceId is not ready, saying what is there" \
	sh -c "grep -q '^FAIL  pciPassthru1 .*0000:00:04.0 is 1b36:0005 here, the file says 8086:10d3' /tmp/vmx && grep -q '^pciPassthru1: NOT READY' /tmp/vmx"
expect "vmx: an entry not present is ignored" sh -c "! grep -q pciPassthru2 /tmp/vmx"
expect "vmx: --json lists the malformed lines" \
	sh -c "passthru vmx --json /tmp/bad.vmx | grep -q '\"malformed\": \\[{\"line\": 8'"
expect "info: edu behind the bridge is in e1000's group" \
	test "$(group_of $EDU2)" = "$(group_of "$E1000")"

# driver_override + drivers_probe, bind and unbind.
T=$TESTDEV
sysfs_write /sys/bus/pci/devices/$T/driver_override passthru
sysfs_write /sys/bus/pci/drivers_probe $T
expect "override: drivers_probe binds pci-testdev" \
	test "$(driver_of $T)" = passthru
expect "override: node appears" test -c /dev/passthru/$T
expect "override: I/O BAR logged" in_dmesg_re "passthru $T: BAR[0-5] io 0x[0-9a-f]+ size "
pt_test info $T
sysfs_write /sys/bus/pci/drivers/passthru/unbind $T
expect "override: unbind gives the function back" test -z "$(driver_of $T)"
expect "override: node goes away on unbind" test ! -e /dev/passthru/$T
sysfs_write /sys/bus/pci/drivers/passthru/bind $T
expect "override: bind through the driver's bind file" test -c /dev/passthru/$T
sysfs_write /sys/bus/pci/drivers/passthru/unbind $T
sysfs_write /sys/bus/pci/devices/$T/driver_override ""
expect "override: cleared override leaves the function unbound" \
	test -z "$(driver_of $T)"

# A bridge is refused.
sysfs_write /sys/bus/pci/devices/$BRIDGE/driver_override passthru
sysfs_write /sys/bus/pci/drivers_probe $BRIDGE
expect "probe: bridge refused with a clear message" \
	in_dmesg "passthru $BRIDGE: refused: a bridge"
expect "probe: bridge has no node" test ! -e /dev/passthru/$BRIDGE
sysfs_write /sys/bus/pci/devices/$BRIDGE/driver_override ""

# Regions: BARs through pread/pwrite and mmap.
pt_region edu $EDU
pt_region config $EDU
sysfs_write /sys/bus/pci/devices/$TESTDEV/driver_override passthru
sysfs_write /sys/bus/pci/drivers_probe $TESTDEV
pt_region testdev $TESTDEV
sysfs_write /sys/bus/pci/drivers/passthru/unbind $TESTDEV
sysfs_write /sys/bus/pci/devices/$TESTDEV/driver_override ""
nvme_driver=$(driver_of $NVME)
[ -n "$nvme_driver" ] && sysfs_write /sys/bus/pci/devices/$NVME/driver/unbind $NVME
pt_region nvme $NVME
pt_region msix $NVME
# Reset: nvme has FLR; a write to CC must not survive it.
pt_reset reset $NVME flr 0x14 0x00460000
pt_reset hammer $NVME
pt_reset release $NVME
pt_irq nvme-msix $NVME
pt_irq info $NVME
# The NVMe example on libpassthru reads the disk and checks every byte.
expect "nvme-read: 2048 blocks by polling match the image" \
	nvme-read $NVME --quiet --blocks 2048
expect "nvme-read: 2048 blocks by MSI-X match the image" \
	nvme-read $NVME --quiet --irq --first 30000 --blocks 2048
expect "nvme-read: the benchmark mode reads (make bench uses it)" \
	sh -c "nvme-read $NVME --quiet --bench 1 | grep -q '^iops [1-9]'"
expect "nvme-read: a read past the end of the namespace is refused" \
	sh -c "! nvme-read $NVME --quiet --first 99999999"
expect "nvme-read: no interrupt left" sh -c "! grep -q passthru- /proc/interrupts"
sysfs_write /sys/bus/pci/drivers/passthru/unbind $NVME
sysfs_write /sys/bus/pci/devices/$NVME/driver_override ""
[ -n "$nvme_driver" ] && sysfs_write /sys/bus/pci/drivers/$nvme_driver/bind $NVME
expect "regions: nvme back with its previous driver (${nvme_driver:-none})" \
	test "$(driver_of $NVME)" = "$nvme_driver"

# Reset without a method: edu on the root bus.
expect "reset: the claim of a function without reset method says so" \
	in_dmesg "passthru $EDU: no reset method: the function's state can carry from one VM to the next"
pt_reset reset $EDU none

# A bus reset: an e1000 alone behind its own root port; its receive
# descriptor base (0x2800) must not survive.  Then back to e1000.
netif_of() { ls /sys/bus/pci/devices/$1/net 2>/dev/null | head -n 1; }
# netif_up BDF: bring the function's interface up (through sysfs: the
# debug kernel has no INET sockets for ip(8)) and see it up.
netif_up() {
	_f=/sys/class/net/$(netif_of $1)/flags
	[ -e "$_f" ] && echo $(($(cat $_f) | 1)) >$_f && [ $(($(cat $_f) & 1)) = 1 ]
}
expect "testbed: the e1000 behind the root port is driven by e1000" \
	test "$(driver_of $E1000_RP)" = e1000
pass_to_passthru $E1000_RP
pt_reset reset $E1000_RP bus 0x2800 0x12345000
pt_reset release $E1000_RP
give_back $E1000_RP e1000
expect "handback: e1000 drives the function again" \
	test "$(driver_of $E1000_RP)" = e1000
expect "handback: e1000's interface comes up" netif_up $E1000_RP

# passthru bind refuses the interface of the default route (the debug
# kernel has no INET, so no route there).
ifc=$(netif_of $E1000_RP)
if ip addr add 10.9.9.2/24 dev "$ifc" 2>/dev/null &&
	ip route add default via 10.9.9.1 dev "$ifc" 2>/dev/null; then
	expect "bind: the default route's interface is refused, with the reason" \
		sh -c "! passthru bind $E1000_RP 2>/tmp/bind && grep -q 'refusing: $ifc carries the default route' /tmp/bind"
	expect "bind: it keeps its driver" test "$(driver_of $E1000_RP)" = e1000
	expect "bind: --force takes it anyway" passthru bind --force $E1000_RP
	expect "unbind: gives it back" passthru unbind $E1000_RP
	expect "unbind: e1000 drives it again" test "$(driver_of $E1000_RP)" = e1000
else
	skip "bind: the default route's interface is refused: no IP networking in this kernel"
fi

# Power management, and the hand-back to a host driver: e1000e.
expect "testbed: e1000e is driven by e1000e" test "$(driver_of $E1000E)" = e1000e
mac=$(cat /sys/bus/pci/devices/$E1000E/net/*/address)
pass_to_passthru $E1000E
pt_reset reset $E1000E pm
pt_reset pm $E1000E
pt_reset release $E1000E
pt_irq switch $E1000E 100
dmesg -c >/dev/null
give_back $E1000E e1000e
expect "handback: e1000e drives the function again" \
	test "$(driver_of $E1000E)" = e1000e
expect "handback: e1000e's interface has the same MAC address" \
	test "$(cat /sys/bus/pci/devices/$E1000E/net/*/address)" = "$mac"
expect "handback: e1000e's interface comes up" netif_up $E1000E
expect "handback: e1000e's probe logged no error" \
	sh -c "! dmesg | grep -i 'e1000e.*\(error\|fail\|invalid\)'"

# libpassthru's own tests.
pt_lib $EDU

# The first ioctl's argument rules and exclusive open.
pt_test uapi $EDU

# VM address spaces and DMA through the IOMMU.
pt_dma edu $EDU
sleep 1
if [ "$variant" = amdvi ]; then
	# The memory checks above hold on AMD-Vi too; only the report is absent.
	skip "dma: the IOMMU reported the blocked DMAs in the kernel log: QEMU 7.2's AMD-Vi logs no IO page fault for the guest"
else
	expect "dma: the IOMMU reported the DMA to a never-mapped IOVA" \
		in_dmesg_re "DMAR: .*fault addr 0x800000 "
	expect "dma: the IOMMU reported the DMA to an unmapped IOVA" \
		in_dmesg_re "DMAR: .*fault addr 0x400000 "
fi
pt_dma errors $EDU
pt_dma leaks $EDU
pt_dma memlock

# The IOMMU group is the unit: edu behind the bridge shares its group with
# an e1000 that its host driver drives.
pt_dma attach $EDU2 16
expect "group: the refusal names the e1000 function and its driver" \
	in_dmesg "passthru $EDU2: attach refused: $E1000 in IOMMU group $(group_of $EDU2) is driven by host driver e1000; unbind it or bind it to passthru"
sysfs_write /sys/bus/pci/drivers/e1000/unbind "$E1000"
rm -f /tmp/held
pt_dma hold $EDU2 /tmp/held &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -f /tmp/held ] && break; sleep 1; done
expect "group: attach works once e1000 is unbound" test -f /tmp/held
sysfs_write /sys/bus/pci/drivers/e1000/bind "$E1000"
expect "group: e1000 cannot bind while its group is in a VM" \
	test -z "$(driver_of "$E1000")"
kill $holder
wait $holder 2>/dev/null
sysfs_write /sys/bus/pci/drivers/e1000/bind "$E1000"
expect "group: e1000 binds again once the VM lets go" \
	test "$(driver_of "$E1000")" = e1000
expect "bind --group: takes the e1000 of the bridge's group too" \
	passthru bind --group $EDU2
expect "bind --group: e1000 is passthru's" test "$(driver_of "$E1000")" = passthru
pt_dma attach $EDU2 0
rm -f /tmp/held
pt_dma hold $EDU2 /tmp/held &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -f /tmp/held ] && break; sleep 1; done
pt_dma attach "$E1000" 16
expect "group: a group in one VM cannot join another" \
	in_dmesg "passthru $E1000: attach refused: IOMMU group $(group_of $EDU2) is in use by another VM"
kill $holder
wait $holder 2>/dev/null
sysfs_write /sys/bus/pci/drivers/passthru/unbind "$E1000"
sysfs_write /sys/bus/pci/devices/$E1000/driver_override ""
sysfs_write /sys/bus/pci/drivers/e1000/bind "$E1000"
expect "group: e1000 back with its host driver" \
	test "$(driver_of "$E1000")" = e1000

# The per-VM device quota.
sysfs_write /sys/bus/pci/devices/$TESTDEV/driver_override passthru
sysfs_write /sys/bus/pci/drivers_probe $TESTDEV
sysfs_write /sys/module/passthru/parameters/max_devices_per_vm 1
pt_dma quota $EDU $TESTDEV
sysfs_write /sys/module/passthru/parameters/max_devices_per_vm 16
sysfs_write /sys/bus/pci/drivers/passthru/unbind $TESTDEV
sysfs_write /sys/bus/pci/devices/$TESTDEV/driver_override ""

# Interrupts as eventfds: edu's INTx and MSI, switching, the request.
# (After the DMA tests: a function firing while its MSI is being torn
# down makes the IOMMU log blocked writes, and the kernel rate-limits
# those logs, which the DMA tests read.)
pt_irq info $EDU
pt_irq edu-intx $EDU
pt_irq edu-msi $EDU
pt_irq switch $EDU 100 edu
expect "irq: no passthru interrupt left in /proc/interrupts" \
	sh -c "! grep -q passthru- /proc/interrupts"
pt_irq request $EDU obey
expect "request: the unbind asked the VMM" \
	in_dmesg "passthru $EDU: asking the VMM to release the function (waiting up to 10000 ms)"
expect "request: and logged its release" \
	in_dmesg_re "passthru $EDU: released by the VMM after [0-9]+ ms"
sysfs_write /sys/bus/pci/drivers_probe $EDU
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 1500
pt_irq request $EDU ignore
expect "request: ignored, the revocation is logged" \
	in_dmesg "passthru $EDU: the VMM did not release the function within 1500 ms: revoking it"
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 10000
sysfs_write /sys/bus/pci/drivers_probe $EDU
expect "request: edu claimed again" test -c /dev/passthru/$EDU

# Hot-unplug from QEMU while a VMM holds the function with MSI armed: a
# VMM that obeys the request, then (the function plugged back) one that
# ignores it.  pciehp waits 5 s after QEMU's attention button.
expect "hotplug: edu in the hotpluggable slot is claimed" test -c /dev/passthru/$HP_EDU
pt_irq hotunplug $HP_EDU hp0 obey
expect "hotplug: the unplug asked the VMM, which let go" \
	in_dmesg_re "passthru $HP_EDU: released by the VMM after [0-9]+ ms"
qmp '{"execute": "device_add", "arguments": {"driver": "edu", "bus": "rp2", "id": "hp0"}}'
for i in $(seq 1 40); do [ -c /dev/passthru/$HP_EDU ] && break; sleep 0.5; done
expect "hotplug: plugged back, edu is claimed again" test -c /dev/passthru/$HP_EDU
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 1500
pt_irq hotunplug $HP_EDU hp0 ignore
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 10000
expect "hotplug: ignored, the revocation is logged" \
	in_dmesg "passthru $HP_EDU: the VMM did not release the function within 1500 ms: revoking it"

# AER: QEMU 7.2's pcie_aer_inject_error reaches no handler in this guest
# (nothing in the kernel log, with the host driver bound, with and without
# an IOMMU), so only the error eventfd's loopback is tested (pt_irq info).
skip "aer: an error injected by QEMU signals the error eventfd: QEMU 7.2 delivers no AER message to this guest"

# What a hostile VMM or local user must not be able to do.
. /tests/isol.sh

# Revocation while open: unbind, then hot-remove.
pt_test revoke $EDU unbind
sysfs_write /sys/bus/pci/drivers_probe $EDU
expect "revoke: function claimed again after close" test -c /dev/passthru/$EDU
pt_test revoke $EDU remove
sysfs_write /sys/bus/pci/rescan 1
expect "revoke: rescanned function claimed again" test -c /dev/passthru/$EDU
pt_test info $EDU

# Unloading.
expect "rmmod: passthru unloads once no node is open" rmmod passthru
expect "rmmod: class and nodes are gone" \
	test ! -e /sys/class/passthru -a ! -e /dev/passthru/$EDU
expect "rmmod: edu released" test -z "$(driver_of $EDU)"
expect "rmmod: e1000 keeps its host driver" test "$(driver_of "$E1000")" = e1000
expect "reload: insmod after rmmod" insmod $PT ids=1234:11e8
expect "reload: edu claimed again" test -c /dev/passthru/$EDU
expect "reload: rmmod" rmmod passthru

if [ -e $KMEMLEAK ]; then
	# kmemleak reports objects older than 5 s, found by two scans.
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	cat $KMEMLEAK >/tmp/leaks
	expect "kmemleak: no unreferenced object" test ! -s /tmp/leaks
	[ -s /tmp/leaks ] && head -n 40 /tmp/leaks | sed 's/^/# /'
fi
exit 0
