# SPDX-License-Identifier: GPL-2.0
# Helpers for the in-guest test scripts (busybox sh).  Every check prints
# one line, "ok - NAME" or "not ok - NAME: why"; /init numbers them into a
# KTAP document (ktap.awk), which the host parses (scripts/ktap.py).

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

# ktap_sub NAME PROGRAM [ARGS...]: run a test program on the kselftest
# harness (its output is TAP), nested as a subtest document: each of its
# results counts, and NAME's own result is whether it exited 0 (or 4, all
# skipped).
ktap_sub() {
	_name=$1
	shift
	_out=$(mktemp /tmp/ktap_sub.XXXXXX)
	"$@" >"$_out" 2>&1
	_status=$?
	awk '
		/^(K?TAP) version/ { print "    KTAP version 1"; next }
		/^(ok|not ok) [0-9]+/ || /^1\.\.[0-9]+$/ || /^#/ { print "    " $0; next }
		{ print "    # " $0 }
	' "$_out"
	rm -f "$_out"
	if [ $_status = 0 ] || [ $_status = 4 ]; then
		ok "$_name"
	else
		not_ok "$_name: exit status $_status"
	fi
}

# The programs on the harness that the scripts call by name as before,
# grouped ("PROG GROUP ARGS...", see tools/testing/pt_harness.h) or not
# (pt_failnth BDF, pt_fuzz BDF OPS): each call is one subtest document named by its command
# line.  Its output is held until it ends: a test that needs the host
# while it runs writes its PT-QMP lines to the results port itself (as
# qmp() below does).
for _p in pt_test pt_dma pt_region pt_reset pt_irq pt_failnth pt_race pt_fuzz pt_isol; do
	eval "$_p() { ktap_sub \"$_p \$*\" /bin/$_p \"\$@\"; }"
done

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

# sysfs_write FILE VALUE: quietly (a missing file is a failed write).
sysfs_write() { { echo "$2" >"$1"; } 2>/dev/null; }

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

# with_param NAME VALUE COMMAND...: run COMMAND with passthru's module
# parameter NAME set to VALUE, then put the value it had back.
with_param() {
	_wp=/sys/module/passthru/parameters/$1
	_wp_old=$(cat $_wp)
	echo "$2" >$_wp
	shift 2
	"$@"
	_wp_status=$?
	echo "$_wp_old" >$_wp
	return $_wp_status
}

# wait_for SECONDS COMMAND...: retry COMMAND every half second until it
# succeeds, for up to SECONDS; its status is the last try's.
wait_for() {
	_wf_n=$(($1 * 2))
	shift
	while [ $_wf_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.5
		_wf_n=$((_wf_n - 1))
	done
	"$@"
}

# load_module NAME: modprobe a host driver from the module tree that
# scripts/guest-root.sh built; nothing on a kernel without one (the debug
# kernel, whose drivers are built in) or for one already loaded.
# Returns modprobe's status.
load_module() {
	[ -d /lib/modules/$(uname -r) ] || return 0
	grep -q "^$1 " /proc/modules || modprobe "$1"
}

# needs_testbed: what every area needs, for an area run alone (pt.mode=
# AREA): the host drivers of the test bed, passthru holding every edu.
# Under check.sh, its setup did this already.
needs_testbed() {
	load_module e1000
	load_module e1000e
	grep -q '^passthru ' /proc/modules || insmod $PT ids=1234:11e8
}

# The test bed's state an area must leave as it found it: which driver
# holds each function, and passthru's parameters.
testbed_state() {
	for _d in $EDU $TESTDEV $NVME $E1000E $EDU2 $E1000 $E1000_RP $HP_EDU; do
		echo "$_d $(driver_of $_d)"
	done
	for _p in /sys/module/passthru/parameters/*; do
		echo "${_p##*/} $(cat $_p)"
	done
}

# area NAME ... area_end: a group of checks that leaves the test bed as it
# found it; area_end checks that it did.
# area_end also notes how long the area took (a KTAP comment).
area() {
	_area=$1
	_area_t0=$(cut -d. -f1 /proc/uptime)
	testbed_state >/tmp/area.before
}
area_end() {
	echo "$_area: $(($(cut -d. -f1 /proc/uptime) - _area_t0)) s"
	testbed_state >/tmp/area.after
	expect "$_area: leaves the test bed as it found it" \
		cmp -s /tmp/area.before /tmp/area.after
	diff /tmp/area.before /tmp/area.after | sed 's/^/# /'
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
# Straight to the results port, so that it reaches the host even from a
# check whose output expect() captures.
qmp() { echo "PT-QMP $1" >/dev/ttyS1; }

# hp_edu_plug: plug the hotpluggable edu back (QEMU id hp0) and see
# passthru claim it.  QEMU refuses the id until it has dropped the
# unplugged device, a little after the guest let go: try again.
hp_edu_plug() {
	for _i in 1 2 3 4 5; do
		[ -c /dev/passthru/$HP_EDU ] && return 0
		sleep 1
		qmp '{"execute": "device_add", "arguments": {"driver": "edu", "bus": "rp2", "id": "hp0"}}'
		wait_for 8 test -c /dev/passthru/$HP_EDU && return 0
	done
	return 1
}

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
