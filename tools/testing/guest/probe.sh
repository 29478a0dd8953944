# SPDX-License-Identifier: GPL-2.0
# Binding through the PCI core's own files (driver_override,
# drivers_probe, bind, unbind), and the functions probe refuses.
# Sourced by check.sh; alone: PT_MODE=probe scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area probe

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

area_end
