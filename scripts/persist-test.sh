#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The designation at boot across a reboot, in two guest boots:
#
#   scripts/persist-test.sh [VARIANT]     (default vtd)
#
# Boot 1 (PT_MODE=persist) runs tools/testing/guest/persist.sh: passthru
# bind --persist, and the records it wrote printed as "PT-PERSIST" lines
# (a base64 tar.gz of /etc/passthru).  Boot 2 gets that tar unpacked into its
# initramfs (PT_ROOT_OVERLAY, scripts/guest-root.sh) and pt.persist=boot2
# on its command line: udev's coldplug must apply the first boot's
# records.  Each boot prints its "[VARIANT] N passed, N failed" line;
# boot 1's logs are kept in out/persist-boot1, boot 2's in out/VARIANT.
# Exits non-zero when either boot failed.
. "$(dirname "$0")/common.sh"

variant=${1:-vtd}
first=$OUT/persist-boot1
overlay=$OUT/persist-overlay
status=0

log "boot 1: passthru bind --persist"
PT_MODE=persist "$TOP/scripts/guest.sh" "$variant" || status=1
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
	"$TOP/scripts/guest.sh" "$variant" || status=1
exit $status
