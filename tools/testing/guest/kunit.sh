# SPDX-License-Identifier: GPL-2.0
# Load the KUnit suites and print each suite's KTAP document between
# markers; scripts/ktap.py parses them on the host.
insmod /lib/modules/passthru_kunit.ko || echo "PT-KUNIT-LOAD-FAILED"
for d in /sys/kernel/debug/kunit/passthru_*; do
	[ -f "$d/results" ] || continue
	echo "PT-KTAP-BEGIN $(basename "$d")"
	cat "$d/results"
	echo "PT-KTAP-END"
done
rmmod passthru_kunit
