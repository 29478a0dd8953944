# SPDX-License-Identifier: GPL-2.0
# make bench: passthru against Debian's vfio-pci in this one boot: DMA
# and open on the edu function at 00:03.0, BAR faults on ivshmem-plain,
# NVMe random reads on the nvme at 00:05.0.  PT_BENCH_ROUNDS and PT_BENCH_MIB are set on
# the kernel command line by scripts/bench.sh (defaults 7 and 1024);
# pt.only (PT_BENCH_ONLY) picks some of dma, dma-cold, dma-large,
# dma-many, bar, open, nvme.  dma-large maps 4 GiB of hugetlbfs (less if
# the guest cannot reserve that many huge pages: it says so), dma-many
# 100 000 mappings of 4 KiB.
. /tests/lib.sh
rounds=7
mib=1024
only="dma dma-cold dma-large dma-many bar open nvme"
for arg in $(cat /proc/cmdline); do
	case $arg in
	pt.rounds=*) rounds=${arg#pt.rounds=} ;;
	pt.mib=*) mib=${arg#pt.mib=} ;;
	pt.only=*) only=$(echo "${arg#pt.only=}" | tr , ' ') ;;
	esac
done
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
	nvme) pt_bench nvme $NVME "$rounds" 2 ;;
	*) echo "# unknown benchmark $b" ;;
	esac
done
