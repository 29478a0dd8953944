// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU groups of a VM's devices: claiming a group's DMA ownership,
 * attaching it to the VM's domain, and the usable IOVA ranges that its
 * reserved regions leave.
 *
 * Security rests on two kernel mechanisms, not on bookkeeping here: the
 * DMA-ownership API (iommu_group_claim_dma_owner()) refuses a group while
 * any member is driven by a host driver that uses the DMA API, and keeps
 * such drivers out while passthru owns the group; and the IOMMU domain
 * translates every DMA of the group, so memory that is not mapped cannot
 * be reached.
 */
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "passthru_priv.h"

/**
 * struct passthru_vm_group - an IOMMU group attached to a VM
 * @node: entry in &passthru_vm.groups
 * @group: the group; a reference is held
 * @ndevices: how many of the VM's devices are in the group
 * @resv: the group's reserved regions, as inclusive ranges
 * @nresv: entries in @resv
 */
struct passthru_vm_group {
	struct list_head node;
	struct iommu_group *group;
	unsigned int ndevices;
	struct passthru_iova_range *resv;
	unsigned int nresv;
};

/**
 * passthru_vm_compute_ranges() - a VM's usable IOVA ranges
 * @vm: the VM
 * @rs: initialised here: its domain's aperture minus every attached
 *	group's reserved regions
 *
 * Context: process context; @vm->lock held, or @vm not yet shared.
 * Return: 0, or -ENOMEM.
 */
int passthru_vm_compute_ranges(struct passthru_vm *vm,
			       struct passthru_ranges *rs)
{
	struct iommu_domain_geometry *geo = &vm->domain->geometry;
	struct passthru_vm_group *vg;
	unsigned int i;
	int ret;

	ret = passthru_ranges_init(rs, geo->aperture_start, geo->aperture_end);
	if (ret)
		return ret;
	list_for_each_entry(vg, &vm->groups, node) {
		for (i = 0; i < vg->nresv; i++) {
			ret = passthru_ranges_remove(rs, vg->resv[i].start,
						     vg->resv[i].last);
			if (ret) {
				passthru_ranges_free(rs);
				return ret;
			}
		}
	}
	return 0;
}

static int passthru_vm_group_read_resv(struct passthru_vm_group *vg)
{
	struct iommu_resv_region *region, *next;
	LIST_HEAD(regions);
	unsigned int n = 0;
	int ret;

	ret = iommu_get_group_resv_regions(vg->group, &regions);
	if (ret)
		goto out;
	list_for_each_entry(region, &regions, list)
		n++;
	vg->resv = kcalloc(n ?: 1, sizeof(*vg->resv), GFP_KERNEL_ACCOUNT);
	if (!vg->resv) {
		ret = -ENOMEM;
		goto out;
	}
	list_for_each_entry(region, &regions, list) {
		if (!region->length)
			continue;
		vg->resv[vg->nresv].start = region->start;
		vg->resv[vg->nresv].last = region->start + region->length - 1;
		vg->nresv++;
	}
out:
	list_for_each_entry_safe(region, next, &regions, list)
		kfree(region);
	return ret;
}

struct passthru_blocker {
	struct device *dev;
	const char *driver;
};

/*
 * Find a group member driven by a host driver that uses the DMA API
 * (passthru, like vfio-pci, manages DMA itself).
 */
static int passthru_find_blocker(struct device *dev, void *data)
{
	struct device_driver *drv = READ_ONCE(dev->driver);
	struct passthru_blocker *b = data;

	if (!drv)
		return 0;
	if (dev_is_pci(dev) && to_pci_driver(drv)->driver_managed_dma)
		return 0;
	b->dev = get_device(dev);
	b->driver = drv->name;
	return 1;
}

/* Explain a refused claim of @group: name the blocking function. */
static void passthru_explain_claim(struct pci_dev *pdev,
				   struct iommu_group *group)
{
	struct passthru_blocker b = {};

	iommu_group_for_each_dev(group, &b, passthru_find_blocker);
	if (b.dev) {
		passthru_vmm_warn(pdev, "attach refused: %s in IOMMU group %d is driven by host driver %s; unbind it or bind it to passthru\n",
				  dev_name(b.dev), iommu_group_id(group), b.driver);
		put_device(b.dev);
	} else {
		passthru_vmm_warn(pdev, "attach refused: IOMMU group %d is in use by another VM or user-space driver\n",
				  iommu_group_id(group));
	}
}

static void passthru_vm_group_free(struct passthru_vm_group *vg)
{
	kfree(vg->resv);
	iommu_group_put(vg->group);
	kfree(vg);
}

/* Claim @pdev's group, attach it to the VM's domain and update ranges. */
static struct passthru_vm_group *
passthru_vm_group_attach(struct passthru_vm *vm, struct pci_dev *pdev)
{
	struct passthru_vm_group *vg;
	struct passthru_ranges rs;
	int ret;

	lockdep_assert_held(&vm->lock);
	vg = kzalloc(sizeof(*vg), GFP_KERNEL_ACCOUNT);
	if (!vg)
		return ERR_PTR(-ENOMEM);
	vg->group = iommu_group_get(&pdev->dev);
	if (!vg->group) {
		kfree(vg);
		return ERR_PTR(-ENODEV);
	}
	ret = passthru_vm_group_read_resv(vg);
	if (ret)
		goto err_free;

	ret = iommu_group_claim_dma_owner(vg->group, vm);
	if (ret) {
		passthru_explain_claim(pdev, vg->group);
		ret = -EBUSY;
		goto err_free;
	}
	ret = iommu_attach_group(vm->domain, vg->group);
	if (passthru_attach_beyond_width(ret) &&
	    !RB_EMPTY_ROOT(&vm->mappings.rb_root)) {
		/* VT-d: the domain maps beyond this IOMMU's address width. */
		passthru_vmm_warn(pdev, "attach refused: the VM has DMA mappings beyond its IOMMU's address width; map below it\n");
		ret = -EADDRINUSE;
		goto err_release;
	}
	if (ret) {
		passthru_vmm_warn(pdev, "attach refused: its IOMMU cannot use this VM's domain (%d); use another VM\n",
				  ret);
		ret = -EXDEV;
		goto err_release;
	}

	list_add_tail(&vg->node, &vm->groups);
	ret = passthru_vm_compute_ranges(vm, &rs);
	if (ret)
		goto err_detach;
	if (!passthru_dma_all_within(&vm->mappings, &rs)) {
		passthru_vmm_warn(pdev, "attach refused: the VM has DMA mappings in IOMMU group %d's reserved regions or beyond its IOMMU's address width\n",
				  iommu_group_id(vg->group));
		passthru_ranges_free(&rs);
		ret = -EADDRINUSE;
		goto err_detach;
	}
	passthru_ranges_free(&vm->usable);
	vm->usable = rs;
	return vg;

err_detach:
	list_del(&vg->node);
	iommu_detach_group(vm->domain, vg->group);
err_release:
	iommu_group_release_dma_owner(vg->group);
err_free:
	passthru_vm_group_free(vg);
	return ERR_PTR(ret);
}

static void passthru_vm_group_detach(struct passthru_vm *vm,
				     struct passthru_vm_group *vg)
{
	struct passthru_ranges rs;

	lockdep_assert_held(&vm->lock);
	list_del(&vg->node);
	iommu_detach_group(vm->domain, vg->group);
	iommu_group_release_dma_owner(vg->group);
	passthru_vm_group_free(vg);
	/* Fewer reserved regions now; on failure keep the smaller set. */
	if (!passthru_vm_compute_ranges(vm, &rs)) {
		passthru_ranges_free(&vm->usable);
		vm->usable = rs;
	}
}

static struct passthru_vm_group *passthru_vm_find_group(struct passthru_vm *vm,
							struct iommu_group *group)
{
	struct passthru_vm_group *vg;

	list_for_each_entry(vg, &vm->groups, node)
		if (vg->group == group)
			return vg;
	return NULL;
}

/**
 * passthru_group_join() - a device's IOMMU group joins a VM
 * @vm: the VM
 * @pdev: the function being attached
 *
 * The first device of a group to join claims the group's DMA ownership
 * and attaches it to the VM's domain; the others count.
 *
 * Context: process context; @vm->lock held.
 * Return: 0, or a negative errno of PASSTHRU_DEVICE_ATTACH: -EBUSY (the
 * group is not free), -EXDEV (its IOMMU cannot use the domain),
 * -EADDRINUSE (a mapping lies where the group cannot reach), -ENOMEM,
 * -ENODEV.
 */
int passthru_group_join(struct passthru_vm *vm, struct pci_dev *pdev)
{
	struct passthru_vm_group *vg;
	struct iommu_group *group;

	lockdep_assert_held(&vm->lock);
	group = iommu_group_get(&pdev->dev);
	if (!group)
		return -ENODEV;
	vg = passthru_vm_find_group(vm, group);
	iommu_group_put(group);
	if (!vg) {
		vg = passthru_vm_group_attach(vm, pdev);
		if (IS_ERR(vg))
			return PTR_ERR(vg);
	}
	vg->ndevices++;
	return 0;
}

/**
 * passthru_group_leave() - a device's IOMMU group leaves a VM
 * @vm: the VM
 * @pdev: the function being detached, joined by passthru_group_join()
 *
 * The last device of a group to leave gives the group back to the host.
 *
 * Context: process context; @vm->lock held.
 */
void passthru_group_leave(struct passthru_vm *vm, struct pci_dev *pdev)
{
	struct passthru_vm_group *vg;
	struct iommu_group *group;

	lockdep_assert_held(&vm->lock);
	group = iommu_group_get(&pdev->dev);
	vg = passthru_vm_find_group(vm, group);
	iommu_group_put(group);
	if (vg && !--vg->ndevices)
		passthru_vm_group_detach(vm, vg);
}
