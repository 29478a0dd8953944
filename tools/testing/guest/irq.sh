# SPDX-License-Identifier: GPL-2.0
# Interrupts as eventfds: edu's INTx and MSI, switching, the request
# notification at unbind and at QEMU hot-unplug, AER.
# Sourced by check.sh; alone: PT_MODE=irq scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area irq

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
with_param release_timeout_ms 1500 pt_irq request $EDU ignore
expect "request: ignored, the revocation is logged" \
	in_dmesg "passthru $EDU: the VMM did not release the function within 1500 ms: revoking it"
sysfs_write /sys/bus/pci/drivers_probe $EDU
expect "request: edu claimed again" test -c /dev/passthru/$EDU

# Hot-unplug from QEMU while a VMM holds the function with MSI armed: a
# VMM that obeys the request, then (the function plugged back) one that
# ignores it.  pciehp waits 5 s after QEMU's attention button.
expect "hotplug: edu in the hotpluggable slot is claimed" test -c /dev/passthru/$HP_EDU
pt_irq hotunplug $HP_EDU hp0 obey
expect "hotplug: the unplug asked the VMM, which let go" \
	in_dmesg_re "passthru $HP_EDU: released by the VMM after [0-9]+ ms"
expect "hotplug: plugged back, edu is claimed again" hp_edu_plug
with_param release_timeout_ms 1500 pt_irq hotunplug $HP_EDU hp0 ignore
expect "hotplug: ignored, the revocation is logged" \
	in_dmesg "passthru $HP_EDU: the VMM did not release the function within 1500 ms: revoking it"
expect "hotplug: plugged back again, edu is claimed" hp_edu_plug

# AER: QEMU 7.2's pcie_aer_inject_error reaches no handler in this guest
# (nothing in the kernel log, with the host driver bound, with and without
# an IOMMU), so only the error eventfd's loopback is tested (pt_irq info).
skip "aer: an error injected by QEMU signals the error eventfd: QEMU 7.2 delivers no AER message to this guest"

area_end
