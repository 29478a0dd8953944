# SPDX-License-Identifier: GPL-2.0
# VM address spaces and DMA through the IOMMU: libpassthru, the first
# ioctl rules, mappings and their errors and leaks, the IOMMU group as the
# unit, the per-VM device quota.
# Sourced by check.sh; alone: PT_MODE=dma scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area dma

# libpassthru's own tests.
ktap_sub "lib: libpassthru's own tests" pt_lib

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
# The binary itself (not lib.sh's function, a subshell in the background),
# so that kill hits it.
/bin/pt_dma hold $EDU2 /tmp/held &
holder=$!
expect "group: attach works once e1000 is unbound" wait_for 10 test -f /tmp/held
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
/bin/pt_dma hold $EDU2 /tmp/held &
holder=$!
expect "group: a VM holds the bridge's group" wait_for 10 test -f /tmp/held
pt_dma attach "$E1000" 16
expect "group: a group in one VM cannot join another" \
	in_dmesg "passthru $E1000: attach refused: IOMMU group $(group_of $EDU2) is in use by another VM"
kill $holder
wait $holder 2>/dev/null
give_back "$E1000" e1000
expect "group: e1000 back with its host driver" \
	test "$(driver_of "$E1000")" = e1000

# The per-VM device quota.
pass_to_passthru $TESTDEV
with_param max_devices_per_vm 1 pt_dma quota $EDU $TESTDEV
give_back $TESTDEV

area_end
