#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: the fuzzer for PT_FUZZ_OPS operations (default 10^6) on the
# debug kernel (KASAN, lockdep, kmemleak, UBSAN), seeded with PT_FUZZ_SEED
# (default: from the clock; the run prints it, and the same seed replays
# it).  PT_FUZZ_KERNEL=newest runs it on the debug kernel built from
# Debian unstable's newest source instead of 6.1's.  Judged like any
# tier; logs in out/debug-6.1 (or out/debug-newest).
. "$(dirname "$0")/common.sh"
"$TOP/scripts/deps.sh"
export PT_MODE=fuzz
export PT_APPEND="pt.ops=${PT_FUZZ_OPS:-1000000} ${PT_FUZZ_SEED:+pt.seed=$PT_FUZZ_SEED}"
exec "$TOP/scripts/guest.sh" "debug-${PT_FUZZ_KERNEL:-6.1}"
