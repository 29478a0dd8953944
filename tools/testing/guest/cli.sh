# SPDX-License-Identifier: GPL-2.0
# The administrator's command on the test bed: doctor, list, info, bind
# and unbind, vmx, what bind refuses (its own rules: scripts/cli-test.sh
# on the host), then persist.sh.
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

# bind refuses what the host stands on, whatever is stacked on it, with
# exit status 3 and the way it is needed, leaving the host driver bound.
# The stacks need the distro kernel's modules (scripts/guest-root.sh).
# refused BDF TEXT: bind exits 3 saying TEXT, and BDF keeps its driver
# (a bind that was not refused is undone).
refused() {
	_rf_drv=$(driver_of $1)
	passthru bind $1 >/tmp/refused 2>&1
	_rf=$?
	cat /tmp/refused
	[ "$(driver_of $1)" = passthru ] && passthru unbind $1 >/dev/null
	[ $_rf = 3 ] && grep -qF -- "$2" /tmp/refused && [ -n "$_rf_drv" ] &&
		[ "$(driver_of $1)" = "$_rf_drv" ]
}
# nic_of BDF: its network interface.
nic_of() { ls /sys/bus/pci/devices/$1/net 2>/dev/null; }
# net_refusals: the network stacks, on e1000e's interface $nic.
net_refusals() {
	cat >/tmp/nic.vmx <<VMX
pciPassthru0.present = "TRUE"
pciPassthru0.vendorId = "8086"
pciPassthru0.deviceId = "10d3"
pciPassthru0.systemId = "48c4619b-6d58-18db-2a0e-000423d1e6f6"
pciPassthru0.id = "00:06.0"
VMX
	if [ -n "$nic" ] && modprobe bridge 2>/dev/null; then
		ip link add br0 type bridge
		ip link set $nic master br0
		ip link set br0 up
		ip addr add 10.9.0.1/24 dev br0
		ip route add default via 10.9.0.254 dev br0
		expect "cli: bind refuses e1000e's function under the bridge of the default route (exit 3)" \
			refused $E1000E "$E1000E: refusing: it carries the IPv4 default route (table main) via br0 (bridge) over $nic; the host needs it (--force"
		expect "cli: doctor says the host needs it" \
			sh -c "passthru doctor $E1000E | grep -q '^FAIL  $E1000E .*via br0 (bridge) over $nic: the host needs it'"
		expect "cli: vmx: not ready, with a foreign systemId only a warning" \
			sh -c "! passthru vmx /tmp/nic.vmx >/tmp/vmx; grep -q '^FAIL  $E1000E .*the host needs it' /tmp/vmx &&
				grep -q '^WARN  pciPassthru0 .*another host' /tmp/vmx && grep -q '^pciPassthru0: NOT READY' /tmp/vmx"
		expect "cli: vmx --bind leaves it to e1000e" \
			sh -c "! passthru vmx --bind /tmp/nic.vmx >/dev/null; [ \"\$(basename \$(readlink /sys/bus/pci/devices/$E1000E/driver))\" = e1000e ]"
		expect "cli: bind --force takes it anyway, saying why" \
			sh -c "passthru bind --force $E1000E 2>&1 | grep -q -- '$E1000E: --force: taking it although it carries the IPv4 default route'"
		expect "cli: ... it is passthru's" test "$(driver_of $E1000E)" = passthru
		expect "cli: unbind gives it back to e1000e" \
			sh -c "passthru unbind $E1000E | grep -q 'released; host driver: e1000e'"
		ip link del br0
		nic=$(nic_of $E1000E)
		ip link set $nic up
	else
		skip "cli: bind refuses a bridge's port: no bridge module"
	fi
	ip -6 route add default dev $nic
	expect "cli: bind refuses the function of an IPv6 default route" \
		refused $E1000E "$E1000E: refusing: it carries the IPv6 default route (table main) via $nic;"
	ip -6 route del default dev $nic
	ip route add default dev $nic table 100
	ip rule add from 10.9.9.9 table 100
	expect "cli: bind refuses the function of a default route in another table (ip rule)" \
		refused $E1000E "$E1000E: refusing: it carries the IPv4 default route (table 100) via $nic;"
	ip rule del from 10.9.9.9 table 100
	ip route del default dev $nic table 100
	# A nexthop group, with the route's own interface left out of dumps
	# (a nexthop's device must have its carrier: QEMU's autonegotiation).
	if [ -x /usr/sbin/ip ] && wait_for 10 grep -q 1 /sys/class/net/$nic/carrier &&
		echo 0 >/proc/sys/net/ipv4/nexthop_compat_mode; then
		/usr/sbin/ip -4 nexthop add id 7 dev $nic
		/usr/sbin/ip nexthop add id 8 group 7
		/usr/sbin/ip route add default nhid 8 table 101
		expect "cli: bind refuses the NIC of a nexthop group's default route" \
			refused $E1000E "$E1000E: refusing: it carries the IPv4 default route (table 101) via $nic;"
		/usr/sbin/ip route del default nhid 8 table 101
		/usr/sbin/ip nexthop del id 8
		/usr/sbin/ip nexthop del id 7
		echo 1 >/proc/sys/net/ipv4/nexthop_compat_mode
	else
		skip "cli: bind refuses a nexthop group's NIC: no iproute2, carrier or nexthop objects"
	fi
	if modprobe 8021q 2>/dev/null && modprobe macvlan 2>/dev/null &&
		modprobe bonding max_bonds=0 2>/dev/null; then
		ip link add link $nic name pt.5 type vlan id 5
		ip link add link pt.5 name ptmv type macvlan
		ip link set pt.5 up
		ip link set ptmv up
		ip route add default dev ptmv
		expect "cli: bind refuses the NIC under a macvlan over a VLAN" \
			refused $E1000E "it carries the IPv4 default route (table main) via ptmv (macvlan) over pt.5 (vlan) over $nic;"
		ip link del ptmv
		ip link del pt.5
		ip link add ptbond type bond
		ip link set $nic down
		ip link set $nic master ptbond
		ip link set ptbond up
		ip route add default dev ptbond
		expect "cli: bind refuses a bond's slave" \
			refused $E1000E "it carries the IPv4 default route (table main) via ptbond (bond) over $nic;"
		ip link set $nic nomaster
		ip link del ptbond
		rmmod bonding macvlan 8021q
	else
		skip "cli: bind refuses VLAN, macvlan and bond members: no modules"
	fi
	expect "cli: with no route through it, e1000e's function could be bound" \
		sh -c "passthru doctor $E1000E >/tmp/doc; ! grep -q 'the host needs it' /tmp/doc"
}
nic=$(nic_of $E1000E)
if [ -n "$nic" ] && [ -e /proc/net/route ]; then
	ip link set $nic up
	net_refusals
else
	skip "cli: bind refuses what a default route needs: no e1000e interface or no IPv4"
fi

# Filesystems and swap: dm over the NVMe disk (a region past what the
# NVMe tests read, put back as it was).
# crc32c_generic is ext4's on 6.1 and 6.12; 7.2 has crc32c built in.
modprobe crc32c_generic 2>/dev/null
if modprobe nvme 2>/dev/null && modprobe dm-mod 2>/dev/null &&
	modprobe ext4 2>/dev/null && wait_for 10 test -b /dev/nvme0n1; then
	export DM_DISABLE_UDEV=1
	dd if=/dev/nvme0n1 of=/tmp/nvme.save bs=512 skip=16384 count=8192 2>/dev/null
	/sbin/dmsetup create ptroot --table "0 4096 linear /dev/nvme0n1 16384"
	/sbin/dmsetup create ptswap --table "0 4096 linear /dev/nvme0n1 20480"
	mkdir -p /mnt/pt
	expect "cli: an ext2 filesystem on dm over the NVMe disk is mounted" \
		sh -c "mke2fs -q /dev/mapper/ptroot && mount -t ext2 /dev/mapper/ptroot /mnt/pt"
	expect "cli: bind refuses the NVMe function under a filesystem on dm" \
		refused $NVME "$NVME: refusing: it backs the filesystem on /mnt/pt via dm-"
	expect "cli: ... saying which dm and which disk" grep -q "(dm ptroot) over nvme0n1;" /tmp/refused
	umount /mnt/pt
	expect "cli: swap on dm over the NVMe disk is on" \
		sh -c "mkswap /dev/mapper/ptswap >/dev/null && swapon /dev/mapper/ptswap"
	expect "cli: bind refuses the NVMe function under swap" \
		refused $NVME "$NVME: refusing: it backs swap /dev/mapper/ptswap via dm-"
	swapoff /dev/mapper/ptswap
	/sbin/dmsetup remove ptroot
	/sbin/dmsetup remove ptswap
	unset DM_DISABLE_UDEV
	dd if=/tmp/nvme.save of=/dev/nvme0n1 bs=512 seek=16384 conv=fsync 2>/dev/null
	expect "cli: the NVMe disk is as it was" \
		sh -c "dd if=/dev/nvme0n1 bs=512 skip=16384 count=8192 2>/dev/null | cmp - /tmp/nvme.save"
	rmmod nvme
else
	skip "cli: bind refuses a disk under dm: no nvme, dm-mod or ext4 module"
	grep -q '^nvme ' /proc/modules && rmmod nvme
fi
expect "cli: bind refuses a root port before unbinding, and pcieport keeps it" \
	sh -c "passthru bind 00:08.0 2>/tmp/rp; [ \$? = 1 ] && grep -q 'refusing: a bridge' /tmp/rp &&
		[ \"\$(basename \$(readlink /sys/bus/pci/devices/0000:00:08.0/driver))\" = pcieport ]"

area_end

# The designation at boot (udev), as its own area.
. /tests/persist.sh
