#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot Debian's newest kernel (Debian unstable's; PT_DEMO_KERNEL
# =6.1 or 6.12 picks another) under QEMU with VT-d, load passthru with
# ids= for the edu device, and show what an administrator and a VMM see.
. "$(dirname "$0")/common.sh"

"$TOP/scripts/deps.sh"
exec "$TOP/scripts/guest.sh" "demo-${PT_DEMO_KERNEL:-newest}"
