# SPDX-License-Identifier: GPL-2.0
# Regions: BARs through pread/pwrite and mmap, config space, MSI-X;
# nvme's FLR and interrupts, and the NVMe example on libpassthru.
# Sourced by check.sh; alone: PT_MODE=regions scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area regions

# Regions: BARs through pread/pwrite and mmap.
pt_region edu $EDU
pt_region config $EDU
pass_to_passthru $TESTDEV
pt_region testdev $TESTDEV
give_back $TESTDEV
nvme_driver=$(driver_of $NVME)
[ -n "$nvme_driver" ] && sysfs_write /sys/bus/pci/devices/$NVME/driver/unbind $NVME
# pt_region nvme binds it to passthru and gives it back as it found it.
pt_region nvme $NVME
pass_to_passthru $NVME
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
give_back $NVME $nvme_driver
expect "regions: nvme back with its previous driver (${nvme_driver:-none})" \
	test "$(driver_of $NVME)" = "$nvme_driver"

area_end
