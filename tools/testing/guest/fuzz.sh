# SPDX-License-Identifier: GPL-2.0
# make fuzz: a long run of the fuzzer (pt.ops=N, pt.seed=S on the kernel
# command line), then the checks that a normal map, DMA and interrupt
# still work.
. /tests/lib.sh
ops=1000000
seed=
for arg in $(cat /proc/cmdline); do
	case $arg in
	pt.ops=*) ops=${arg#pt.ops=} ;;
	pt.seed=*) seed=${arg#pt.seed=} ;;
	esac
done
KMEMLEAK=/sys/kernel/debug/kmemleak
[ -e $KMEMLEAK ] && echo clear >$KMEMLEAK
insmod $PT ids=1234:11e8
storm_watch &
watcher=$!
pt_fuzz $EDU $ops ${seed:-0} intx
kill $watcher 2>/dev/null
pt_dma edu $EDU
pt_irq edu-msi $EDU
rmmod passthru
if [ -e $KMEMLEAK ]; then
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	expect "kmemleak: no unreferenced object" test ! -s $KMEMLEAK
fi
