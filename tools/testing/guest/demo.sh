# SPDX-License-Identifier: GPL-2.0
# make demo: what an administrator and a VMM see, on the console.
. /tests/lib.sh
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
explain() { printf '%s\n' "$*" | fold -s -w 76; }
dmesg -n 1
ok=1

say "1. The host: an IOMMU, and the NVMe disk we will hand to a VM"
echo "Kernel: Linux $(uname -r), Debian's package (make demo PT_DEMO_KERNEL=6.1 or 6.12 boots another)"
explain "This guest plays the host.  QEMU gives it an Intel VT-d IOMMU with interrupt remapping, an NVMe controller whose 16 MiB disk QEMU serves from a file made of records like 'lba 00000007 byte 064 ok', and an edu test device."
dmesg | grep -m 2 -E "DMAR: (IOMMU enabled|Intel\(R\) Virtualization)"
echo "NVMe $NVME: IOMMU group $(group_of $NVME), host driver: $(driver_of $NVME | grep . || echo none)"

say "2. Designate the NVMe function for passthrough"
explain "insmod passthru.ko, then 'passthru bind' hands the function to passthru (through driver_override), and 'passthru doctor' checks the host and the function, each verdict with what to do."
insmod $PT
passthru bind $NVME
dmesg | grep "passthru $NVME"
passthru doctor $NVME || ok=0

say "3. A VMM reads the disk through passthrough"
explain "nvme-read is a small userspace NVMe driver on libpassthru: it creates a VM (an IOMMU domain), attaches the controller, maps its queues into the VM's DMA space, maps BAR0 for the doorbells, gives MSI-X vectors eventfds, and reads 4096 blocks, checking each byte against the pattern the disk was made with."
if nvme-read $NVME --irq --blocks 4096; then
	nvme_ok=1
else
	nvme_ok=0 ok=0
fi
echo "interrupts the host delivered to the VMM:"
grep passthru- /proc/interrupts || echo "(none left: nvme-read closed its vectors)"

say "4. edu: DMA and an interrupt round trip through the IOMMU"
explain "The edu device copies a buffer of guest memory into its own and back, through the VM's IOMMU mappings, and raises MSIs that arrive as eventfd signals."
passthru bind $EDU >/dev/null
out=$(pt_dma edu $EDU; pt_irq edu-msi $EDU)
# Their TAP, nested by lib.sh: edu's DMA tests and the MSI tests, then
# each program's own result (an inner failure fails it).
echo "$out" | grep -E "^ *(not )?ok [0-9]+ (edu\.dma_|edu_msi\.)" | sed 's/^ *//'
echo "$out" | grep -E "^(not )?ok - "
echo "$out" | grep -q "^not ok" && ok=0

say "5. Give the functions back"
explain "Closing a device resets it and restores the config space the host had; unbinding hands it back."
passthru unbind $NVME $EDU
rmmod passthru && echo "passthru unloaded"

echo
if [ $ok = 1 ] && [ $nvme_ok = 1 ]; then
	printf '\033[1mDEMO OK: 4096 blocks read through passthrough matched the disk image; edu DMA and MSIs went through the IOMMU.\033[0m\n'
else
	printf '\033[1mDEMO FAILED: see the lines above.\033[0m\n'
fi
