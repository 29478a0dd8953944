#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test tier, one summary line each, then the total.
# A guest tier is VARIANT-KERNEL (scripts/guest.sh), KERNEL 6.1 (Debian
# 12's), 6.12 (Debian 12's other) or newest (Debian unstable's); its
# summary names the kernel's version: [vtd-7.2].
#
#   [static]          W=1, sparse, checkpatch --strict, kernel-doc, on
#                     every kernel's headers
#   [pkg]             the Debian packages (make deb): lintian, their files,
#                     libpassthru through pkg-config, DKMS builds for 6.1
#                     and 6.12; host only
#   [kunit-K]         KUnit suites on the debug kernel (6.1, newest)
#   [vtd-K]           integration tests, Debian's kernel, Intel VT-d
#                     (6.1, 6.12, newest)
#   [amdvi-K]         integration tests, Debian's kernel, AMD-Vi (6.1,
#                     newest)
#   [noiommu-6.1]     Debian's kernel without an IOMMU: probe must refuse
#   [nointremap-6.1]  VT-d without interrupt remapping: attach must refuse
#                     unless allow_unsafe_interrupts=1
#   [debug-K]         integration tests on the debug kernel (KASAN,
#                     lockdep, kmemleak, atomic-sleep checks; 6.1, newest)
#   [persist-K]       passthru bind --persist across two boots of the
#                     newest kernel under udevd (scripts/persist-test.sh)
#
# Set PASSTHRU_TIERS="vtd-6.1 kunit-newest" to run a subset.  Logs: out/.
#
# A guest tier that hung the way QEMU 7.2's TCG does (a vCPU's local APIC
# holds the timer vector in service although no handler runs: see "A
# guest that hangs" in Documentation/testing.md) runs once more, and its
# summary says so; the hung run's logs stay in out/TIER.hung.  So does a
# tier whose QEMU died of a segmentation fault (QEMU's own bug, seen once
# on amdvi).  Any other hang or crash, or a second one, fails the tier.
. "$(dirname "$0")/common.sh"

# scripts/qmp.py in DIR ended the guest on a lost EOI: a local APIC with
# the timer vector in service at two polls in a row.  (One snapshot at
# the timeout's dump is not enough: it can catch a handler just entered.)
emulator_hang() {
	grep -q '^stall: .*(a lost EOI)' "$1/qmp.log" 2>/dev/null
}

"$TOP/scripts/deps.sh"
tiers=${PASSTHRU_TIERS:-static pkg kunit-6.1 vtd-6.1 amdvi-6.1 noiommu-6.1 nointremap-6.1 debug-6.1 vtd-6.12 kunit-newest vtd-newest amdvi-newest debug-newest persist}
start=$(date +%s)
summary=()
total_passed=0 total_failed=0 total_skipped=0

for tier in $tiers; do
	t0=$(date +%s)
	guest=
	case $tier in
	static) cmd=("$TOP/scripts/static.sh") ;;
	pkg) cmd=("$TOP/scripts/pkg.sh") ;;
	persist) cmd=("$TOP/scripts/persist-test.sh" vtd-newest) ;;
	*) cmd=("$TOP/scripts/guest.sh" "$tier") guest=1 ;;
	esac
	# A failing tier is counted below; the other tiers still run.
	"${cmd[@]}" 2>&1 | tee "$OUT/$tier.log" || true
	again= why= short=
	if [ -n "$guest" ] && emulator_hang "$OUT/$tier"; then
		why="the guest hung with a timer interrupt stuck in service in its local APIC (QEMU 7.2's TCG; Documentation/testing.md)"
		short="the first hung in QEMU"
	elif [ -n "$guest" ] && grep -q '^\[guest.sh\] qemu exited with 139 ' "$OUT/$tier.log"; then
		why="QEMU died of a segmentation fault"
		short="QEMU crashed in the first"
	fi
	if [ -n "$why" ]; then
		echo "[$tier] $why: running $tier once more"
		rm -rf "$OUT/$tier.hung"
		mv "$OUT/$tier" "$OUT/$tier.hung"
		mv "$OUT/$tier.log" "$OUT/$tier.hung.log"
		"${cmd[@]}" 2>&1 | tee "$OUT/$tier.log" || true
		again=", run twice: $short"
	fi
	# The tier's summary: "[NAME] P passed, F failed[, S skipped]", NAME
	# the tier's with the kernel's version for newest.
	line=$(grep -E "^\[[a-z0-9.-]+\] [0-9]+ passed, [0-9]+ failed" "$OUT/$tier.log" | tail -n 1) || true
	[ -n "$line" ] || line="[$tier] 0 passed, 1 failed"
	read -r p f s < <(sed -E 's/^\[[a-z0-9.-]+\] ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	total_skipped=$((total_skipped + ${s:-0}))
	summary+=("$line  ($(($(date +%s) - t0)) s$again)")
done

echo
echo "make check: $(($(date +%s) - start)) s"
printf '%s\n' "${summary[@]}"
final="$total_passed passed, $total_failed failed"
[ "$total_skipped" -gt 0 ] && final+=", $total_skipped skipped"
echo "$final"
[ "$total_failed" -eq 0 ]
