# SPDX-License-Identifier: GPL-2.0
# The designation that survives a reboot: passthru bind --persist, and
# udev/61-passthru-persist.rules applying it under Debian 12's own
# systemd-udevd, with 80-drivers.rules loading host drivers by modalias
# as at a real boot (scripts/guest-root.sh puts them in the initramfs).
# Sourced by cli.sh; alone: PT_MODE=persist scripts/guest.sh vtd.
#
# The first boot binds e1000e's and e1000's functions --persist and prints
# the records it wrote ("PT-PERSIST" lines, a base64 tar.gz of
# /etc/passthru).  scripts/persist-test.sh boots a second time with that
# tar unpacked into the initramfs (pt.persist=boot2): there udev's
# coldplug must give both functions to passthru, one before e1000e is
# even loaded, the other taken from e1000, which was loaded first.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
RECORDS=/etc/passthru/persist.d

udev_start() {
	[ -x /lib/systemd/systemd-udevd ] || return 1
	grep -q ' /run ' /proc/mounts || mount -t tmpfs tmpfs /run
	/lib/systemd/systemd-udevd --daemon --resolve-names=early || return 1
	udevadm control --ping
}
udev_stop() { udevadm control --exit; }

# e1000e_probes: how many lines e1000e has logged of its function (a
# probe logs several; nothing else logs while it does not drive it).
e1000e_probes() { dmesg | grep -c "e1000e $E1000E"; }

# add_event BDF: udev's add event for BDF, as at coldplug, and its end.
add_event() {
	udevadm trigger --action=add /sys/bus/pci/devices/$1
	udevadm settle -t 30
}

persist_boot1() {
	expect "persist: bind --persist takes e1000e's function" passthru bind --persist $E1000E
	expect "persist: the record is its vendor:device" \
		test "$(cat $RECORDS/$E1000E)" = 8086:10d3
	expect "persist: list shows it persistent" \
		sh -c "passthru list | grep -q '^$E1000E .* passthru .* yes  *held\$'"
	expect "persist: doctor checks the record, and finds the udev rule" \
		sh -c "passthru doctor >/tmp/doc; grep -q '^ok    record $E1000E .*8086:10d3, designated at boot' /tmp/doc &&
			grep -q '^ok    udev rule .*/lib/udev/rules.d/61-passthru-persist.rules applies the records' /tmp/doc"
	expect "persist: unbind gives it back, and says the record stays" \
		sh -c "passthru unbind $E1000E | grep -q 'still designated at boot'"
	expect "persist: ... e1000e has it" test "$(driver_of $E1000E)" = e1000e

	# Hot-add before its driver is loaded: the rule sets driver_override
	# before 80-drivers.rules loads e1000e by modalias, which never probes.
	rmmod e1000e
	_probes=$(e1000e_probes)
	sysfs_write /sys/bus/pci/devices/$E1000E/remove 1
	sysfs_write /sys/bus/pci/rescan 1
	udevadm settle -t 30
	expect "persist: hot-added again, udev gives it to passthru" \
		test "$(driver_of $E1000E)" = passthru
	expect "persist: ... udev loaded e1000e by modalias all the same" \
		grep -q '^e1000e ' /proc/modules
	expect "persist: ... and e1000e never probed it" test "$(e1000e_probes)" = "$_probes"
	expect "persist: ... passthru udev-add said so in the kernel log" \
		in_dmesg "passthru: $E1000E: held by passthru"

	# A host driver there first (built in, or from the initramfs): taken.
	passthru unbind $E1000E >/dev/null
	expect "persist: e1000e has it again" test "$(driver_of $E1000E)" = e1000e
	add_event $E1000E
	expect "persist: an add event takes it from e1000e" \
		test "$(driver_of $E1000E)" = passthru

	# A record naming another device is refused.
	passthru unbind $E1000E >/dev/null
	echo 8086:10d4 >$RECORDS/$E1000E
	add_event $E1000E
	expect "persist: a record of another device leaves it to e1000e" \
		test "$(driver_of $E1000E)" = e1000e
	expect "persist: ... the kernel log says why" \
		in_dmesg "passthru: $E1000E: not designating it: the record names 8086:10d4, the function is 8086:10d3"
	echo 'garbage' >$RECORDS/$E1000E
	add_event $E1000E
	expect "persist: a garbled record leaves it to e1000e" \
		test "$(driver_of $E1000E)" = e1000e
	expect "persist: ... the kernel log says why" \
		in_dmesg "passthru: $E1000E: not designating it: $RECORDS/$E1000E: not \"vendor:device\" in hex"

	# unbind --persist forgets.
	passthru bind --persist $E1000E >/dev/null
	expect "persist: unbind --persist gives it back and forgets it" \
		sh -c "passthru unbind --persist $E1000E | grep -q 'no longer designated at boot' && [ ! -e $RECORDS/$E1000E ]"
	add_event $E1000E
	expect "persist: ... an add event leaves it to e1000e" \
		test "$(driver_of $E1000E)" = e1000e

	# The configuration of the second boot: what bind --persist wrote.
	expect "persist: bind --persist e1000e's and e1000's functions" \
		passthru bind --persist $E1000E $E1000_RP
	tar -C / -czf - etc/passthru | base64 | sed 's/^/PT-PERSIST /'
	passthru unbind $E1000E $E1000_RP >/dev/null
	expect "persist: unbound, both have their host drivers again" \
		test "$(driver_of $E1000E) $(driver_of $E1000_RP)" = "e1000e e1000"
}

# The access model under udev: udev/70-passthru.rules hands the nodes to
# the kvm group (36 in scripts/guest-root.sh's /etc/group), and only its
# members can use them (pt_isol access).  The nodes go back to root, 0600.
access_rule() {
	cp /lib/udev/rules.d/70-passthru.rules /etc/udev/rules.d/
	udevadm control --reload
	udevadm trigger --action=add --subsystem-match=passthru
	udevadm trigger --action=add --subsystem-match=misc --sysname-match=passthru-vm
	udevadm settle -t 30
	pt_isol access $EDU 36
	rm -f /etc/udev/rules.d/70-passthru.rules
	udevadm control --reload
	chown root:root /dev/passthru/vm /dev/passthru/$EDU
	chmod 600 /dev/passthru/vm /dev/passthru/$EDU
}

# The second boot: /etc/passthru is the first boot's; no passthru yet.
persist_boot2() {
	expect "boot 2: the first boot's records are here" \
		test "$(cat $RECORDS/$E1000E) $(cat $RECORDS/$E1000_RP)" = "8086:10d3 8086:100e"
	expect "boot 2: passthru is not loaded" sh -c "! grep -q '^passthru ' /proc/modules"
	# e1000 first, as a driver built in or loaded from the initramfs.
	load_module e1000
	expect "boot 2: e1000 drives its functions" test "$(driver_of $E1000_RP)" = e1000
	if ! udev_start; then
		not_ok "boot 2: systemd-udevd starts"
		return
	fi
	udevadm trigger --type=devices --action=add
	udevadm settle -t 60
	expect "boot 2: coldplug loaded passthru" grep -q '^passthru ' /proc/modules
	expect "boot 2: coldplug gave e1000e's function to passthru" \
		test "$(driver_of $E1000E)" = passthru
	expect "boot 2: ... while udev loaded e1000e by modalias" grep -q '^e1000e ' /proc/modules
	expect "boot 2: ... which never probed it" test "$(e1000e_probes)" = 0
	expect "boot 2: coldplug took e1000's function from e1000" \
		test "$(driver_of $E1000_RP)" = passthru
	expect "boot 2: the function without a record keeps e1000" \
		test "$(driver_of $E1000)" = e1000
	expect "boot 2: list shows both persistent and held" \
		sh -c "passthru list >/tmp/list && grep -q '^$E1000E .* yes  *held\$' /tmp/list &&
			grep -q '^$E1000_RP .* yes  *held\$' /tmp/list"
	expect "boot 2: the kernel log says why" \
		sh -c "dmesg | grep -q 'passthru: $E1000E: held by passthru' && dmesg | grep -q 'passthru: $E1000_RP: held by passthru'"
	dmesg | grep 'passthru' | sed 's/^/# /'
	udev_stop
}

if grep -q 'pt.persist=boot2' /proc/cmdline; then
	persist_boot2
else
	needs_testbed
	area persist
	# e1000e as a module (not so on the debug kernel), and udevd.
	if grep -q '^e1000e ' /proc/modules && udev_start; then
		persist_boot1
		access_rule
		udev_stop
		grep -q 'pt.mode=persist' /proc/cmdline || rm -f $RECORDS/*
	else
		skip "persist: needs e1000e as a module and systemd-udevd (scripts/guest-root.sh)"
	fi
	area_end
fi
