# SPDX-License-Identifier: GPL-2.0
# The integration tests, run inside the guest as a VMM and an administrator
# would.  $1 is the variant: vtd, amdvi, debug (an IOMMU is present),
# noiommu or nointremap.  The shared setup (host drivers, passthru with
# ids=) is here, then each area's script (cli.sh, probe.sh, regions.sh,
# reset.sh, dma.sh, irq.sh, isol.sh), then revocation and unloading.
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
load_module e1000
load_module e1000e
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

# The areas, each leaving the test bed as it found it (area_end checks).
for a in cli probe regions reset dma irq; do
	. /tests/$a.sh
done

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
