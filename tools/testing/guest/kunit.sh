# SPDX-License-Identifier: GPL-2.0
# Load the KUnit suites and print their KTAP between markers; the host
# parses it with scripts/ktap.py.
#
# The KTAP comes from the kernel log, not from debugfs: on Linux 6.1,
# /sys/kernel/debug/kunit/<suite>/results keeps only the last parameter of
# a parameterised case (each parameter clears the case's log).  The log
# has every line; this guest boots with printk.time=0 so that the lines
# are bare KTAP, and the host fails on anything else between them.
echo "PT-KUNIT-START" >/dev/kmsg
insmod /lib/modules/passthru_kunit.ko || echo "PT-KUNIT-LOAD-FAILED"
suites=$(ls -d /sys/kernel/debug/kunit/passthru_* 2>/dev/null | wc -l)
echo "PT-KTAP-BEGIN passthru_kunit.ko"
echo "KTAP version 1"
echo "1..$suites"
# From the first suite header to the last suite result.
dmesg | sed '1,/PT-KUNIT-START/d' |
	sed -n '/^    KTAP version 1$/,$p' >/tmp/ktap
last=$(grep -nE '^(not )?ok [0-9]+ passthru_' /tmp/ktap | tail -n 1 | cut -d: -f1)
[ -n "$last" ] && head -n "$last" /tmp/ktap
echo "PT-KTAP-END"
rmmod passthru_kunit
