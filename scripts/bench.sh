#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: performance of passthru against vfio-pci, measured in one
# guest boot (Debian's kernel, VT-d).  Prints "speedup NAME X" lines, X
# being vfio-pci's median time divided by passthru's, then the medians.
# PT_BENCH_ROUNDS (default 7) and PT_BENCH_MIB (default 1024) size it.
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
export PT_BENCH_APPEND="pt.rounds=${PT_BENCH_ROUNDS:-7} pt.mib=${PT_BENCH_MIB:-1024}"
exec "$TOP/scripts/guest.sh" bench
