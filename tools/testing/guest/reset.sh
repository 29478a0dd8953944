# SPDX-License-Identifier: GPL-2.0
# Resets and the hand-back: edu without a method, the bus reset of an
# e1000 alone behind its root port, e1000e's PM, each handed back to its
# host driver; bind's refusal of the default route's interface.
# Sourced by check.sh; alone: PT_MODE=reset scripts/guest.sh vtd.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area reset

# Reset without a method: edu on the root bus.
expect "reset: the claim of a function without reset method says so" \
	in_dmesg "passthru $EDU: no reset method: the function's state can carry from one VM to the next"
pt_reset reset $EDU none

# A bus reset: an e1000 alone behind its own root port; its receive
# descriptor base (0x2800) must not survive.  Then back to e1000.
netif_of() { ls /sys/bus/pci/devices/$1/net 2>/dev/null | head -n 1; }
# netif_up BDF: bring the function's interface up (through sysfs: the
# debug kernel has no INET sockets for ip(8)) and see it up.
netif_up() {
	_f=/sys/class/net/$(netif_of $1)/flags
	[ -e "$_f" ] && echo $(($(cat $_f) | 1)) >$_f && [ $(($(cat $_f) & 1)) = 1 ]
}
expect "testbed: the e1000 behind the root port is driven by e1000" \
	test "$(driver_of $E1000_RP)" = e1000
pass_to_passthru $E1000_RP
pt_reset reset $E1000_RP bus 0x2800 0x12345000
pt_reset release $E1000_RP
give_back $E1000_RP e1000
expect "handback: e1000 drives the function again" \
	test "$(driver_of $E1000_RP)" = e1000
expect "handback: e1000's interface comes up" netif_up $E1000_RP

# passthru bind refuses the interface of the default route (the debug
# kernel has no INET, so no route there).
ifc=$(netif_of $E1000_RP)
if ip addr add 10.9.9.2/24 dev "$ifc" 2>/dev/null &&
	ip route add default via 10.9.9.1 dev "$ifc" 2>/dev/null; then
	expect "bind: the default route's interface is refused, with the reason" \
		sh -c "passthru bind $E1000_RP 2>/tmp/bind; [ \$? = 3 ] && grep -qF '$E1000_RP: refusing: it carries the IPv4 default route (table main) via $ifc;' /tmp/bind"
	expect "bind: it keeps its driver" test "$(driver_of $E1000_RP)" = e1000
	expect "bind: --force takes it anyway" passthru bind --force $E1000_RP
	expect "unbind: gives it back" passthru unbind $E1000_RP
	expect "unbind: e1000 drives it again" test "$(driver_of $E1000_RP)" = e1000
else
	skip "bind: the default route's interface is refused: no IP networking in this kernel"
fi

# Power management, and the hand-back to a host driver: e1000e.
expect "testbed: e1000e is driven by e1000e" test "$(driver_of $E1000E)" = e1000e
mac=$(cat /sys/bus/pci/devices/$E1000E/net/*/address)
pass_to_passthru $E1000E
pt_reset reset $E1000E pm
pt_reset pm $E1000E
pt_reset release $E1000E
pt_irq switch $E1000E 100
dmesg -c >/dev/null
give_back $E1000E e1000e
expect "handback: e1000e drives the function again" \
	test "$(driver_of $E1000E)" = e1000e
expect "handback: e1000e's interface has the same MAC address" \
	test "$(cat /sys/bus/pci/devices/$E1000E/net/*/address)" = "$mac"
expect "handback: e1000e's interface comes up" netif_up $E1000E
expect "handback: e1000e's probe logged no error" \
	sh -c "! dmesg | grep -i 'e1000e.*\(error\|fail\|invalid\)'"

area_end
