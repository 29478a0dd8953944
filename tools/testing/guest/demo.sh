# SPDX-License-Identifier: GPL-2.0
# make demo: what an administrator and a VMM see, on the console.
. /tests/lib.sh
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
dmesg -n 1

say "the edu device at $EDU and its IOMMU group"
echo "$EDU: vendor $(cat /sys/bus/pci/devices/$EDU/vendor) device $(cat /sys/bus/pci/devices/$EDU/device), IOMMU group $(group_of $EDU)"

say "insmod passthru.ko ids=1234:11e8"
insmod $PT ids=1234:11e8
dmesg | grep passthru

say "ls -l /dev/passthru/"
ls -l /dev/passthru/

say "pt_test info $EDU (the DEVICE_INFO ioctl, checked against sysfs)"
pt_test info $EDU

say "rmmod passthru"
rmmod passthru && echo "unloaded; $EDU is now driven by: $(driver_of $EDU | grep . || echo nothing)"
[ -e /dev/passthru ] && ls /dev/passthru
