# SPDX-License-Identifier: GPL-2.0
# One race of pt_race on edu, for as long as asked (pt.race=NAME and
# pt.secs=N, at most 600, on the kernel command line):
# PT_MODE=race scripts/guest.sh vtd
. /tests/lib.sh
race=cmd-intx
secs=30
for arg in $(cat /proc/cmdline); do
	case $arg in
	pt.race=*) race=${arg#pt.race=} ;;
	pt.secs=*) secs=${arg#pt.secs=} ;;
	esac
done
insmod $PT ids=1234:11e8
storm_watch &
watcher=$!
pt_race $race $EDU $secs
kill $watcher 2>/dev/null
expect "race $race: no interrupt line shut down" sh -c '! dmesg | grep -q "nobody cared"'
rmmod passthru
