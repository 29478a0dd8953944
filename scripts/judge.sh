#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Judge one guest run: scripts/judge.sh VARIANT DIR, where DIR holds the
# guest's console.log (ttyS0) and results.log (ttyS1).  Prints failures,
# then "[VARIANT] N passed, N failed[, N skipped]"; exits 1 on any failure.
. "$(dirname "$0")/common.sh"

variant=$1
dir=$2
results=$dir/results.log
console=$dir/console.log
passed=0 failed=0 skipped=0

fail() { printf '[%s] FAIL: %s\n' "$variant" "$*"; failed=$((failed + 1)); }

touch "$results" "$console"
# Every tier's results are KTAP documents (scripts/ktap.py says how).
read -r p f sk < <(python3 "$TOP/scripts/ktap.py" <"$results" 2>"$dir/ktap.log")
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + sk))
sed -n 's/^FAIL: /['"$variant"'] FAIL: /p' "$dir/ktap.log"
grep -q PT-KTAP-BEGIN "$results" || fail "the guest reported no results"
if [ "${variant%%-*}" = kunit ]; then
	grep -q PT-KUNIT-LOAD-FAILED "$results" && fail "passthru_kunit.ko did not load"
fi
[ "$passed" -gt 0 ] || fail "the guest ran no check"
grep -q '^PT-DONE' "$results" ||
	fail "the guest did not reach its end (crash or hang): see $console"

# Kernel splats.  Lines expected by a test are listed, one extended regex
# per line, in tools/testing/guest/expected-splats (none yet).
splat='BUG:|WARNING:|Oops|Kernel panic|general protection fault|Call Trace:|UBSAN:|kmemleak: [0-9]+ new suspected|INFO: task .* blocked|inconsistent lock state|cut here'
while IFS= read -r line; do
	fail "kernel splat: $line"
done < <(grep -E "$splat" "$console" | head -n 20 || true)

# A short excerpt for whoever reads a failure in CI.
if [ "$failed" -gt 0 ]; then
	echo "[$variant] last console lines:"
	tail -n 30 "$console" | sed 's/^/    /'
	# A hang: scripts/qmp.py dumped the vCPUs and asked for SysRq l and w.
	if grep -q '^stall:' "$dir/qmp.log" 2>/dev/null; then
		echo "[$variant] hung; vCPU state from $dir/qmp.log:"
		grep -E 'RIP=|^CPU#|^(ISR|IRR)\s|^APR|^VM status' "$dir/qmp.log" |
			sed 's/^/    /'
		echo "[$variant] the guest's SysRq output:"
		sed -n '/sysrq: Show/,$p' "$console" | head -n 120 | sed 's/^/    /'
	fi
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "[$variant] $summary"
[ "$failed" -eq 0 ]
