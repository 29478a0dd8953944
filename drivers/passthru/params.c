// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters that tune passthru (ids=, read once at load, is
 * main.c's).  Those root may write in /sys/module/passthru/parameters
 * take effect at the next call that reads them.
 */
#include <linux/moduleparam.h>

#include "passthru_priv.h"

unsigned int passthru_max_devices_per_vm = 16;
module_param_named(max_devices_per_vm, passthru_max_devices_per_vm, uint, 0644);
MODULE_PARM_DESC(max_devices_per_vm,
		 "Most devices one VM may have attached (default 16)");

unsigned int passthru_max_vms_per_user = 64;
module_param_named(max_vms_per_user, passthru_max_vms_per_user, uint, 0644);
MODULE_PARM_DESC(max_vms_per_user,
		 "Most VMs (each an IOMMU domain) one user may hold open at once (default 64)");

bool passthru_allow_unsafe_interrupts;
module_param_named(allow_unsafe_interrupts, passthru_allow_unsafe_interrupts,
		   bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Attach devices even when the IOMMU cannot remap their interrupts, letting a VM forge MSIs (default no; UNSAFE)");

unsigned int passthru_release_timeout_ms = 10000;
module_param_named(release_timeout_ms, passthru_release_timeout_ms, uint, 0644);
MODULE_PARM_DESC(release_timeout_ms,
		 "How long an unbind or hot-unplug waits for a VMM that set a request eventfd to close the device before revoking it (default 10000 ms)");
