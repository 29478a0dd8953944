#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The designation at boot across a reboot, in two guest boots:
#
#   scripts/persist-test.sh [VARIANT]     (default vtd-newest)
#
# Boot 1 (PT_MODE=persist) runs tools/testing/guest/persist.sh: passthru
# bind --persist, and the records it wrote printed as "PT-PERSIST" lines
# (a base64 tar.gz of /etc/passthru).  Boot 2 gets that tar unpacked into its
# initramfs (PT_ROOT_OVERLAY, scripts/guest-root.sh) and pt.persist=boot2
# on its command line: udev's coldplug must apply the first boot's
# records.  Each boot prints its "[VARIANT-VERSION] N passed, N failed"
# line, and the script their sum as "[persist-VERSION] ..." last (make
# check's persist tier); boot 1's logs are kept in out/persist-boot1,
# boot 2's in out/VARIANT.  Exits non-zero when either boot failed.
. "$(dirname "$0")/common.sh"

variant=${1:-vtd-newest}
first=$OUT/persist-boot1
overlay=$OUT/persist-overlay
status=0

# Both boots' summaries, summed into one line.
passed=0 failed=0 skipped=0 version=
count() {
	local line p f sk
	line=$(grep -E '^\[[a-z0-9.-]+\] [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1) || true
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	version=$(sed -E 's/^\[[a-z]+-([0-9.]+)\].*/\1/' <<<"$line")
	read -r p f sk < <(sed -E 's/^\[[^]]+\] ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${sk:-0}))
}
summary() {
	local rc=$?
	[ $rc -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
	local line="[persist-${version:-unknown}] $passed passed, $failed failed"
	[ "$skipped" -gt 0 ] && line+=", $skipped skipped"
	echo "$line"
}
trap summary EXIT

log "boot 1: passthru bind --persist"
PT_MODE=persist "$TOP/scripts/guest.sh" "$variant" 2>&1 | tee "$OUT/persist-boot1.log" || status=1
count "$OUT/persist-boot1.log"
rm -rf "$first" && cp -a "$OUT/$variant" "$first"

rm -rf "$overlay" && mkdir -p "$overlay"
sed -n 's/^PT-PERSIST //p' "$first/results.log" | tr -d '\r' | base64 -d |
	tar -C "$overlay" -xzf - ||
	die "boot 1 printed no records (see $first/results.log)"
# Only records, as bind --persist writes them.
stray=$(cd "$overlay" && find . -mindepth 1 ! -path ./etc ! -path ./etc/passthru \
	! -path ./etc/passthru/persist.d ! -path './etc/passthru/persist.d/*')
[ -z "$stray" ] || die "boot 1's tar holds more than records: $stray"
records=$(ls "$overlay/etc/passthru/persist.d")
[ -n "$records" ] || die "boot 1 recorded nothing (see $first/results.log)"
log "boot 2, with boot 1's records: $(echo $records)"
PT_MODE=persist PT_APPEND="${PT_APPEND:-} pt.persist=boot2" PT_ROOT_OVERLAY=$overlay \
	"$TOP/scripts/guest.sh" "$variant" 2>&1 | tee "$OUT/persist-boot2.log" || status=1
count "$OUT/persist-boot2.log"
[ "$failed" -eq 0 ] || status=1
exit $status
