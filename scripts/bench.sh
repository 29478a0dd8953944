#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: performance of passthru against vfio-pci, measured in one
# guest boot per kernel (Debian's newest and 6.1, VT-d; both drivers in
# the same boot).  Each boot's "speedup NAME X" lines (X vfio-pci's
# median time divided by passthru's) are printed as "speedup NAME K X",
# K the kernel's major.minor, and the newest kernel's once more as the
# plain "speedup NAME X"; then every boot's medians and spreads.
#
# PT_BENCH_KERNELS (default "newest 6.1") picks the boots;
# PT_BENCH_ROUNDS (default 7) and PT_BENCH_MIB (default 1024) size them;
# PT_BENCH_ONLY="bar nvme" runs only some of the benchmarks (bench.sh in
# tools/testing/guest lists them).  The raw output of each boot stays in
# out/bench-KERNEL.out.
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
export PT_BENCH_APPEND="pt.rounds=${PT_BENCH_ROUNDS:-7} pt.mib=${PT_BENCH_MIB:-1024}"
only=${PT_BENCH_ONLY:-}
[ -n "$only" ] && PT_BENCH_APPEND+=" pt.only=$(echo $only | tr ' ' ,)"
kernels=${PT_BENCH_KERNELS:-newest 6.1}

status=0
speedups=()
for k in $kernels; do
	raw=$OUT/bench-$k.out
	if ! "$TOP/scripts/guest.sh" "bench-$k" >"$raw" 2>&1; then
		cat "$raw"
		status=1
		continue
	fi
	# guest.sh says which kernel it booted: "booting bench-newest guest
	# (7.2.13+deb14-amd64)".
	ver=$(sed -nE 's/.*booting bench-[^ ]+ guest \(([0-9]+\.[0-9]+).*/\1/p' "$raw" | head -n 1)
	[ -n "$ver" ] || ver=$k
	echo "# bench on Linux $ver (bench-$k): $raw"
	sed -E "s/^speedup ([^ ]+) /speedup \1 $ver /" "$raw" | grep -v '^\[guest.sh\]'
	while read -r _ name x; do
		speedups+=("speedup $name $ver $x")
		[ "$k" = newest ] && speedups+=("speedup $name $x")
	done < <(grep '^speedup ' "$raw")
done
echo
echo "# every kernel's speedups (X > 1: passthru is faster)"
printf '%s\n' "${speedups[@]}"
exit $status
