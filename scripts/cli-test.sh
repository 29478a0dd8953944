#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The passthru command's own rules, on this host (no module needed):
# each command takes only its options and has --help, arguments that are
# not PCI addresses are refused before anything is touched, and what a
# hostile .vmx file holds reaches neither the terminal nor the JSON raw.
#
#   scripts/cli-test.sh PASSTHRU-BINARY
#
# Prints "ok - NAME" / "not ok - NAME: why" per check; exits 1 on a failure.
bin=${1:?usage: cli-test.sh PASSTHRU-BINARY}
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fails=0

check() { # NAME COMMAND...: passes when COMMAND succeeds
	local name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name: $(head -c 300 "$tmp/check.out" | tr '\n' ' ')"
		fails=$((fails + 1))
	fi
}

status_is() { # WANT COMMAND...: COMMAND exits with status WANT
	local want=$1 got=0
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" || got=$?
	[ "$got" = "$want" ] || { echo "exit $got, not $want: $(cat "$tmp/err")"; return 1; }
}

json_ok() { # COMMAND...: its output parses as JSON
	"$@" >"$tmp/json" 2>/dev/null
	python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/json"
}

for cmd in list doctor bind unbind info vmx; do
	check "cli: $cmd --help exits 0 and names the command" \
		sh -c "'$bin' $cmd --help | grep -q '^usage: passthru $cmd'"
	check "cli: help $cmd is $cmd --help" \
		sh -c "[ \"\$('$bin' help $cmd)\" = \"\$('$bin' $cmd --help)\" ]"
done
check "cli: no command is a usage error" status_is 2 "$bin"
check "cli: an unknown command is a usage error" status_is 2 "$bin" frob
check "cli: unbind takes no --json" status_is 2 "$bin" unbind --json 00:03.0
check "cli: unbind takes no --group" status_is 2 "$bin" unbind --group 00:03.0
check "cli: list takes no --bind" status_is 2 "$bin" list --bind
check "cli: info takes no --force" status_is 2 "$bin" info --force 00:03.0
check "cli: the refused option is named" \
	sh -c "'$bin' unbind --group 00:03.0 2>&1 | grep -q -- '--group: not an option of unbind'"

# Arguments that are not addresses: refused, and no path is built of them.
mkdir -p "$tmp/x"
for arg in ../../../../tmp/x 00:03.0/../../x 0:3.0 00:20.0 00:03.8 \
	000g:00:03.0 "00:03.0 " "" 00:03.00 10000:00:03.0; do
	check "cli: bind '$arg' is a usage error" status_is 2 "$bin" bind "$arg"
	check "cli: unbind '$arg' is a usage error" status_is 2 "$bin" unbind "$arg"
	check "cli: info '$arg' is a usage error" status_is 2 "$bin" info "$arg"
done
check "cli: nothing was written under the would-be path" \
	sh -c "[ -z \"\$(ls -A '$tmp/x')\" ]"
check "cli: doctor reports a malformed address as a failed check" \
	sh -c "'$bin' doctor 'a/../b' | grep -q '^FAIL  a/../b  *not a PCI address'"
check "cli: bind 0000:00:1f.7 (well-formed, absent) fails, not usage" \
	status_is 1 "$bin" bind 0000:00:1f.7

# A hostile .vmx: escape sequences, bytes that are not UTF-8, NULs, a
# 64 KiB line, an entry number past any VM's.
{
	printf 'pciPassthru0.present = "TRUE"\n'
	printf 'pciPassthru0.id = "\033[2J\033]0;pwned\007\xff\xfe\xc3\x28"\n'
	printf 'junk \033[31m\x9b31m \xe2\x82 line\n'
	printf 'nul \000 here\n'
	printf 'pciPassthru1.present = "TRUE"\npciPassthru1.id = "'
	head -c 65536 /dev/zero | tr '\0' 'a'
	printf '"\n'
	printf 'pciPassthru99999.present = "TRUE"\n'
} >"$tmp/evil.vmx"
check "cli: vmx of a hostile file exits 1 (not ready)" status_is 1 "$bin" vmx "$tmp/evil.vmx"
no_byte() { # PATTERN: the text output of the hostile file has none
	"$bin" vmx "$tmp/evil.vmx" >"$tmp/text" 2>&1
	grep -q 'pciPassthru0' "$tmp/text" && ! LC_ALL=C grep -qP "$1" "$tmp/text"
}
check "cli: vmx prints no control byte to the terminal" no_byte '[\x00-\x09\x0b-\x1f\x7f]'
check "cli: vmx prints no byte past ASCII to the terminal" no_byte '[\x80-\xff]'
check "cli: vmx --json of a hostile file is valid JSON" json_ok "$bin" vmx --json "$tmp/evil.vmx"
check "cli: vmx names the 64 KiB value too long" \
	sh -c "'$bin' vmx '$tmp/evil.vmx' | grep -q ':6: value too long'"
check "cli: vmx names the entry number past the limit" \
	sh -c "'$bin' vmx '$tmp/evil.vmx' | grep -q ':7: entry number too large'"
check "cli: list --json is valid JSON" json_ok "$bin" list --json
check "cli: doctor --json is valid JSON" json_ok "$bin" doctor --json
check "cli: list shows every function (no cap)" \
	sh -c "[ \$('$bin' list | tail -n +2 | wc -l) = \$(ls /sys/bus/pci/devices | wc -l) ]"

[ $fails = 0 ]
