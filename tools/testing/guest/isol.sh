# SPDX-License-Identifier: GPL-2.0
# The isolation tests: what a hostile VMM or local user must not be able
# to do (Documentation/threat-model.md).  Sourced by check.sh with
# passthru loaded; run alone (pt.mode=isol, PT_MODE=isol scripts/guest.sh
# vtd) it loads what it needs.
. /tests/lib.sh
variant=${1:-${variant:-vtd}}
needs_testbed
area isol

# The rules every ioctl shares, on each device of the test bed.
nvme_driver=$(driver_of $NVME)
e1000e_driver=$(driver_of $E1000E)
pass_to_passthru $NVME
pass_to_passthru $E1000E
ktap_sub "uapi: the size, flags and reserved rules of every ioctl" pt_uapi
give_back $NVME $nvme_driver
give_back $E1000E $e1000e_driver

pt_isol mmap $EDU
nvme_driver=$(driver_of $NVME)
pass_to_passthru $NVME
pt_isol mmap $NVME
pt_isol msix-decode $NVME
give_back $NVME $nvme_driver
pt_isol intx $EDU
pt_isol pin-user
e1000e_driver=$(driver_of $E1000E)
pass_to_passthru $E1000E
pt_isol rom $E1000E
pt_isol intx-restore $E1000E
give_back $E1000E $e1000e_driver
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 1000
pt_isol uffd $EDU
sysfs_write /sys/module/passthru/parameters/release_timeout_ms 10000
pt_isol master $EDU
case $variant in
vtd | debug) pt_isol errnos $EDU vtd ;;
*) pt_isol errnos $EDU ;;
esac

# The fuzzer, INTx eventfds included (make fuzz runs it longer), then a
# normal map, DMA and interrupt must still work.  10^5 operations, 5*10^4
# on the debug kernels (where they take three times as long; make check's
# time budget, Documentation/testing.md).
fuzz_ops=100000
[ "$variant" = debug ] && fuzz_ops=50000
storm_watch &
watcher=$!
pt_fuzz $EDU $fuzz_ops 0 intx
kill $watcher 2>/dev/null
pt_dma edu $EDU
pt_irq edu-msi $EDU

# Fault injection (the debug kernel): each call with its N-th allocation
# or user copy failing, N = 1, 2, ... until it succeeds.  GFP_KERNEL
# allocations are exempt by default; nothing may print a stack (a splat).
if [ -e /sys/kernel/debug/failslab ]; then
	for a in failslab fail_page_alloc fail_usercopy; do
		d=/sys/kernel/debug/$a
		[ -d $d ] || continue
		echo 0 >$d/verbose
		[ -e $d/ignore-gfp-wait ] && echo N >$d/ignore-gfp-wait
		[ -e $d/ignore-gfp-highmem ] && echo N >$d/ignore-gfp-highmem
		[ -e $d/min-order ] && echo 0 >$d/min-order
		[ -e $d/cache-filter ] && echo Y >$d/cache-filter
	done
	pt_failnth $EDU
else
	skip "failnth: every unwind path: this kernel has no fault injection"
fi

# Races, 5 s each; cmd-intx four times as long (the old command-register
# race lost about one interrupt per 15 s).  Not on the newest debug kernel:
# lockdep learns the lock orders from the areas above and the races on
# 6.1's debug kernel, the newest kernel's races run on its vtd and amdvi
# tiers, and make check's time budget is spent (Documentation/testing.md).
race_s=5
races="map-unmap fault-reset irq-swap cmd-intx irq-close unbind kill"
if [ "$variant" = debug ] && ! uname -r | grep -q '^6\.1\.'; then
	races=
	skip "races: on the newest debug kernel (they run on its vtd and amdvi tiers, and on 6.1's debug kernel)"
fi
for r in $races; do
	s=$race_s
	[ $r = cmd-intx ] && s=$((race_s * 4))
	pt_race $r $EDU $s
done
expect "race: edu is claimed after the races" test -c /dev/passthru/$EDU
# Every ioctl against hot-unplug: the edu in the hotpluggable slot.
pt_race hotunplug $HP_EDU $race_s

area_end
