# SPDX-License-Identifier: GPL-2.0
# make bench: passthru against Debian's vfio-pci in this one boot: DMA,
# open and interrupts on the edu function at 00:03.0, BAR faults on
# ivshmem-plain, NVMe random reads on the nvme at 00:05.0.  PT_BENCH_ROUNDS
# and PT_BENCH_MIB are set on the kernel command line by scripts/bench.sh
# (defaults 7 and 1024); pt.only (PT_BENCH_ONLY) picks some of dma,
# dma-cold, dma-large, dma-many, bar, open, irq, nvme, or irqprof (not run
# by default: the interrupt benchmark with the interrupt elsewhere, then
# under ftrace; see irqprof() below).  dma-large maps 4 GiB of hugetlbfs
# (less if the guest cannot reserve that many huge pages: it says so),
# dma-many 100 000 mappings of 4 KiB.
. /tests/lib.sh
rounds=7
mib=1024
only="dma dma-cold dma-large dma-many bar open irq nvme"
for arg in $(cat /proc/cmdline); do
	case $arg in
	pt.rounds=*) rounds=${arg#pt.rounds=} ;;
	pt.mib=*) mib=${arg#pt.mib=} ;;
	pt.only=*) only=$(echo "${arg#pt.only=}" | tr , ' ') ;;
	esac
done

# The interrupt round trip with the interrupt on the other CPU and where
# the kernel puts it, then profiled: function_graph on each driver's
# handlers (what they call, how long), and the trace events from the
# handler's entry to the reader's read() returning (irqprof.awk).
irqprof() {
	T=/sys/kernel/tracing
	[ -e $T/trace ] || mount -t tracefs nodev $T
	# Prefixed: the speedup lines of make bench are the default placement's.
	for p in cross kernel; do
		pt_bench irq $EDU "$rounds" 4000 $p | sed "s/^/# irqprof $p: /"
	done
	echo 0 >$T/tracing_on
	echo 32768 >$T/buffer_size_kb
	echo function_graph >$T/current_tracer
	echo funcgraph-tail >$T/trace_options
	echo 3 >$T/max_graph_depth
	for f in passthru_msi_handler vfio_msihandler passthru_intx_handler \
		vfio_intx_handler passthru_unmask_wakeup virqfd_wakeup; do
		echo $f >>$T/set_graph_function || echo "# irqprof: no $f to trace"
	done
	for p in same cross; do
		echo >$T/trace
		echo 1 >$T/tracing_on
		pt_bench irq $EDU 2 1000 $p >/tmp/irqprof.out
		echo 0 >$T/tracing_on
		sed -nE "s/^(speedup|median) /# irqprof $p graph, traced: &/p" /tmp/irqprof.out
		awk -v mode=graph -f /tests/irqprof.awk $T/trace | sed "s/^# irqprof /&$p /"
	done
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	for e in irq/irq_handler_entry irq/irq_handler_exit sched/sched_wakeup \
		syscalls/sys_exit_read; do
		echo 1 >$T/events/$e/enable || echo "# irqprof: no event $e"
	done
	for p in same cross; do
		echo >$T/trace
		echo 1 >$T/tracing_on
		pt_bench irq $EDU 2 1000 $p >/tmp/irqprof.out
		echo 0 >$T/tracing_on
		sed -nE "s/^(speedup|median) /# irqprof $p events, traced: &/p" /tmp/irqprof.out
		awk -v mode=events -f /tests/irqprof.awk $T/trace | sed "s/^# irqprof /&$p /"
	done
	echo 0 >$T/events/enable
}

insmod $PT
for m in vfio_iommu_type1 vfio_pci; do
	load_module $m || echo "# modprobe $m failed"
done
# hugepages N: reserve N 2 MiB huge pages; prints how many the guest got.
hugepages() {
	echo "$1" >/proc/sys/vm/nr_hugepages
	cat /proc/sys/vm/nr_hugepages
}
echo "# $(cat /sys/kernel/mm/transparent_hugepage/enabled) THP"
for b in $only; do
	case $b in
	dma | dma-cold)
		echo "# $b: $(hugepages $((mib / 2 + 8))) hugepages"
		pt_bench $b $EDU "$rounds" "$mib" ;;
	dma-large)
		got=$(hugepages 2056)
		large=$(((got - 8) * 2))
		[ $large -gt 4096 ] && large=4096
		echo "# dma-large: $got hugepages, mapping $large MiB"
		pt_bench dma-large $EDU "$rounds" $large ;;
	dma-many)
		hugepages 0 >/dev/null
		pt_bench dma-many $EDU "$rounds" 100000 ;;
	# Cheap rounds: three times as many, for a steadier median.
	bar) pt_bench bar $IVSHMEM $((rounds * 3 > 32 ? 32 : rounds * 3)) 2 ;;
	open) pt_bench open $EDU 15 ;;
	# 4000 round trips per driver, kind and round.
	irq) pt_bench irq $EDU "$rounds" 4000 ;;
	irqprof) irqprof ;;
	nvme) pt_bench nvme $NVME "$rounds" 2 ;;
	*) echo "# unknown benchmark $b" ;;
	esac
done
