// SPDX-License-Identifier: GPL-2.0
/*
 * What the regions of a device file are: the BARs, the expansion ROM and
 * config space, their sizes and capabilities and which parts the VMM may
 * map (see "Regions" in the uAPI header), fixed at probe and returned by
 * PASSTHRU_REGION_INFO.  The accesses are rdwr.c's and mmap.c's.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "passthru_priv.h"

/* The pages of the MSI-X table and PBA belong to the host. */
static void passthru_layout_msix(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	u32 table, pba;
	u16 flags;
	u64 entries;

	if (!pdev->msix_cap)
		return;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	entries = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	if ((table & PCI_MSIX_TABLE_BIR) < PCI_STD_NUM_BARS)
		passthru_layout_exclude(&pt->layout[table & PCI_MSIX_TABLE_BIR],
					table & PCI_MSIX_TABLE_OFFSET,
					entries * PCI_MSIX_ENTRY_SIZE);
	if ((pba & PCI_MSIX_PBA_BIR) < PCI_STD_NUM_BARS)
		passthru_layout_exclude(&pt->layout[pba & PCI_MSIX_PBA_BIR],
					pba & PCI_MSIX_PBA_OFFSET,
					DIV_ROUND_UP(entries, 64) * sizeof(u64));
}

/**
 * passthru_layout_init() - describe a function's regions
 * @pt: the device, being probed
 *
 * Context: process context, from probe().
 * Return: 0, or -ENOMEM.
 */
int passthru_layout_init(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct passthru_layout *l = &pt->layout[i];
		unsigned long flags = pci_resource_flags(pdev, i);

		l->size = pci_resource_len(pdev, i);
		if (!l->size)
			continue;
		l->caps = PASSTHRU_REGION_READ | PASSTHRU_REGION_WRITE;
		if (flags & IORESOURCE_IO) {
			l->caps |= PASSTHRU_REGION_IO;
			continue;
		}
		if (flags & IORESOURCE_MEM_64)
			l->caps |= PASSTHRU_REGION_64BIT;
		if (flags & IORESOURCE_PREFETCH)
			l->caps |= PASSTHRU_REGION_PREFETCH;
		if (l->size >= PAGE_SIZE &&
		    PAGE_ALIGNED(pci_resource_start(pdev, i)))
			l->caps |= PASSTHRU_REGION_MMAP;
		else
			pci_info(pdev, "BAR%d is smaller than a page: read/write only, not mappable\n",
				 i);
	}
	pt->layout[PASSTHRU_REGION_ROM].size =
		pci_resource_len(pdev, PCI_ROM_RESOURCE);
	if (pt->layout[PASSTHRU_REGION_ROM].size)
		pt->layout[PASSTHRU_REGION_ROM].caps = PASSTHRU_REGION_READ;
	pt->layout[PASSTHRU_REGION_CONFIG].size = pdev->cfg_size;
	pt->layout[PASSTHRU_REGION_CONFIG].caps = PASSTHRU_REGION_READ |
						  PASSTHRU_REGION_WRITE;
	passthru_layout_msix(pt);
	pt->cfg = kzalloc(sizeof(*pt->cfg), GFP_KERNEL);
	return pt->cfg ? 0 : -ENOMEM;
}

/**
 * passthru_do_region_info() - PASSTHRU_REGION_INFO
 * @ctx: the device
 * @cmd: its struct passthru_region_info, copied in
 *
 * Context: process context; no passthru lock held (the layout is fixed at
 * probe, so reading it needs none).
 * Return: 0, -EINVAL for a bad index or reserved member, -ENODEV once the
 * function was removed, -EFAULT.
 */
int passthru_do_region_info(void *ctx, void *cmd)
{
	struct passthru_region_info *info = cmd;
	struct passthru_device *pt = ctx;
	const struct passthru_layout *l;
	struct passthru_region_area areas[PASSTHRU_MAX_EXCLUDED + 1];
	unsigned int n;

	if (info->__reserved || info->index >= PASSTHRU_NUM_REGIONS)
		return -EINVAL;
	if (READ_ONCE(pt->removed))
		return -ENODEV;
	l = &pt->layout[info->index];
	n = passthru_layout_areas(l, areas, ARRAY_SIZE(areas));
	if (min(n, info->num_areas) &&
	    copy_to_user(u64_to_user_ptr(info->areas), areas,
			 min(n, info->num_areas) * sizeof(areas[0])))
		return -EFAULT;
	info->num_areas = n;
	info->caps = l->caps;
	info->offset = PASSTHRU_REGION_OFFSET(info->index);
	info->region_size = l->size;
	return 0;
}

/**
 * passthru_decode_on() - does a region's decode answer now
 * @pdev: the function
 * @caps: the region's capabilities (I/O or memory)
 *
 * Context: any context that may read config space.
 * Return: true when the command register's I/O (for an I/O region) or
 * memory decode bit is set.
 */
bool passthru_decode_on(struct pci_dev *pdev, u32 caps)
{
	u16 cmd;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	return cmd & (caps & PASSTHRU_REGION_IO ? PCI_COMMAND_IO :
		      PCI_COMMAND_MEMORY);
}
