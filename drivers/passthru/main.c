// SPDX-License-Identifier: GPL-2.0
/*
 * passthru: direct, IOMMU-isolated access to PCI functions for virtual
 * machine monitors.  Module init and exit, and the ids= parameter (the
 * tunables are params.c's).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "passthru_priv.h"

static char *ids;
module_param(ids, charp, 0444);
MODULE_PARM_DESC(ids,
		 "PCI functions to claim: comma-separated vendor:device[:subvendor:subdevice[:class:class_mask]] in hex, \"*\" for any ID");

/* Add each well-formed entry of ids= as a dynamic ID; report the others. */
static void passthru_add_ids(void)
{
	struct pci_device_id id;
	char *list, *p, *entry;
	int ret;

	if (!ids || !*ids)
		return;
	list = kstrdup(ids, GFP_KERNEL);
	if (!list) {
		pr_err("ids: out of memory, no function designated\n");
		return;
	}
	p = list;
	while ((entry = strsep(&p, ","))) {
		if (!*entry)
			continue;
		if (passthru_parse_id(entry, &id)) {
			pr_warn("ids: skipping malformed entry \"%s\": expected vendor:device[:subvendor:subdevice[:class:class_mask]] in hex\n",
				entry);
			continue;
		}
		ret = pci_add_dynid(&passthru_pci_driver, id.vendor, id.device,
				    id.subvendor, id.subdevice, id.class,
				    id.class_mask, 0);
		if (ret)
			pr_warn("ids: cannot add \"%s\": %d\n", entry, ret);
		else
			pr_info("ids: claiming functions matching %s\n", entry);
	}
	kfree(list);
}

static int __init passthru_init(void)
{
	int ret;

	ret = passthru_device_class_init();
	if (ret)
		return ret;
	ret = passthru_vm_init();
	if (ret)
		goto err_class;
	ret = pci_register_driver(&passthru_pci_driver);
	if (ret)
		goto err_vm;
	passthru_add_ids();
	return 0;

err_vm:
	passthru_vm_exit();
err_class:
	passthru_device_class_exit();
	return ret;
}

static void __exit passthru_exit(void)
{
	pci_unregister_driver(&passthru_pci_driver);
	passthru_vm_exit();
	passthru_device_class_exit();
}

module_init(passthru_init);
module_exit(passthru_exit);

MODULE_DESCRIPTION("Direct, IOMMU-isolated access to PCI functions for virtual machine monitors");
MODULE_LICENSE("GPL");
