#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: performance of passthru against vfio-pci, measured in one
# guest boot (Debian's kernel, VT-d).  Prints "speedup NAME X" lines, X
# being vfio-pci's median time divided by passthru's, then the medians.
# PT_BENCH_ROUNDS (default 7) and PT_BENCH_MIB (default 1024) size it;
# PT_BENCH_ONLY="bar nvme" runs only some of dma, bar, open and nvme.
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
export PT_BENCH_APPEND="pt.rounds=${PT_BENCH_ROUNDS:-7} pt.mib=${PT_BENCH_MIB:-1024}"
only=${PT_BENCH_ONLY:-}
[ -n "$only" ] && PT_BENCH_APPEND+=" pt.only=$(echo $only | tr ' ' ,)"
exec "$TOP/scripts/guest.sh" bench
