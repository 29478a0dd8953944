// SPDX-License-Identifier: GPL-2.0
/*
 * The pci_driver: which functions passthru accepts, and what it logs when
 * it claims one.
 */
#include <linux/iommu.h>
#include <linux/pci.h>

#include "passthru_priv.h"

static void passthru_log_resource(struct pci_dev *pdev, int resno,
				  const char *name)
{
	struct resource *res = &pdev->resource[resno];
	char desc[PASSTHRU_BAR_DESC_LEN];

	if (!resource_size(res))
		return;
	if (passthru_describe_bar(desc, sizeof(desc), name, res->flags,
				  res->start, resource_size(res)) < 0)
		return;
	pci_info(pdev, "%s\n", desc);
}

static void passthru_log_bars(struct pci_dev *pdev)
{
	char name[8];
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		snprintf(name, sizeof(name), "BAR%d", i);
		passthru_log_resource(pdev, i, name);
	}
	passthru_log_resource(pdev, PCI_ROM_RESOURCE, "ROM");
}

static int passthru_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct passthru_device *pt;
	struct iommu_group *group;
	unsigned int group_id;
	int ret;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_warn(pdev, "refused: a bridge (header type %#x) cannot be passed through; designate the functions behind it\n",
			 pdev->hdr_type);
		return -ENODEV;
	}
	group = iommu_group_get(&pdev->dev);
	if (!group) {
		pci_warn(pdev, "refused: not behind an IOMMU (no IOMMU group); enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on\n");
		return -ENODEV;
	}
	group_id = iommu_group_id(group);
	iommu_group_put(group);

	ret = pci_request_regions(pdev, "passthru");
	if (ret) {
		pci_warn(pdev, "refused: its BARs are claimed by someone else (see /proc/iomem)\n");
		return -EBUSY;
	}
	/*
	 * Enabled once, here, not at each open: enabling looks up the
	 * firmware's interrupt routing (ACPI _PRT), the slowest step of a
	 * VMM's start-up.  Bus mastering stays off until a VM attach.
	 */
	ret = pci_enable_device(pdev);
	if (ret) {
		pci_warn(pdev, "refused: the PCI core cannot enable it (%d)\n", ret);
		goto err_regions;
	}
	pt = passthru_device_create(pdev, group_id);
	if (IS_ERR(pt)) {
		ret = PTR_ERR(pt);
		goto err_disable;
	}
	pci_set_drvdata(pdev, pt);
	passthru_log_bars(pdev);
	if (!passthru_reset_mask(pdev->reset_methods, PCI_NUM_RESET_METHODS))
		pci_info(pdev, "no reset method: the function's state can carry from one VM to the next\n");
	pci_info(pdev, "claimed as /dev/passthru/%s, IOMMU group %u\n",
		 pci_name(pdev), group_id);
	return 0;

err_disable:
	pci_disable_device(pdev);
err_regions:
	pci_release_regions(pdev);
	return ret;
}

static void passthru_remove(struct pci_dev *pdev)
{
	struct passthru_device *pt = pci_get_drvdata(pdev);

	passthru_device_remove(pt);
	/* Unless root disabled it through sysfs meanwhile. */
	if (pci_is_enabled(pdev))
		pci_disable_device(pdev);
	pci_release_regions(pdev);
	pci_info(pdev, "released by passthru\n");
}

/* AER: tell the VMM, which owns the function's recovery. */
static pci_ers_result_t passthru_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct passthru_device *pt = pci_get_drvdata(pdev);
	bool told;

	mutex_lock(&pt->lock);
	told = !pt->removed && passthru_irq_notify(pt, PASSTHRU_IRQ_ERROR);
	mutex_unlock(&pt->lock);
	pci_info(pdev, "PCI error reported (channel state %d)%s\n", (__force int)state,
		 told ? ", VMM notified" : "; no VMM error eventfd");
	return PCI_ERS_RESULT_CAN_RECOVER;
}

static const struct pci_error_handlers passthru_err_handlers = {
	.error_detected = passthru_error_detected,
};

/*
 * No static ID table: functions are designated with the ids= parameter
 * (dynamic IDs) or through driver_override.  DMA ownership is managed by
 * passthru itself, so the driver core must not claim the default domain.
 */
struct pci_driver passthru_pci_driver = {
	.name = "passthru",
	.probe = passthru_probe,
	.remove = passthru_remove,
	.err_handler = &passthru_err_handlers,
	.driver_managed_dma = true,
};
