# SPDX-License-Identifier: GPL-2.0
# The administrator's command on the test bed: doctor, list, info, bind
# and unbind, vmx (its own rules: scripts/cli-test.sh on the host).
# Sourced by check.sh; alone: PT_MODE=cli scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area cli

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

area_end
