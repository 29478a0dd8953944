// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: /dev/passthru/vm.  Each open() creates one VM: an IOMMU paging
 * domain (the VM's DMA address space), its table of DMA mappings, the
 * pinned-page accounting, and the IOMMU groups of its attached devices.
 *
 * A VM is refcounted: its file holds one reference and every attached
 * device another, so it lives until the last of them lets go.  Freeing it
 * unmaps and unpins everything; destroy paths never fail.
 *
 * Accounting.  Pinned pages are charged to the user who created the VM
 * (its user_struct's locked_vm, the counter io_uring and iommufd use), so
 * RLIMIT_MEMLOCK bounds them however many processes, VMs and passed fds
 * the user spreads them over; the creator's mm shows them as VmPin.  The
 * VMs (each an IOMMU domain) a user may hold at once are bounded by
 * max_vms_per_user.
 *
 * No user memory is touched under passthru_vm.lock: pages are pinned
 * before it is taken, and VM_INFO copies out after it is dropped.
 *
 * Security rests on two kernel mechanisms, not on bookkeeping here: the
 * DMA-ownership API (iommu_group_claim_dma_owner()) refuses a group while
 * any member is driven by a host driver that uses the DMA API, and keeps
 * such drivers out while passthru owns the group; and the IOMMU domain
 * translates every DMA of the group, so memory that is not mapped cannot
 * be reached.  Memory is unmapped from the IOMMU before it is unpinned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "compat.h"
#include "passthru_priv.h"

/* Pages pinned per pin_user_pages_fast() call: one page of pointers. */
#define PASSTHRU_PIN_BATCH (PAGE_SIZE / sizeof(struct page *))

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

static const struct file_operations passthru_vm_fops;

static void passthru_vm_free(struct kref *kref);

/**
 * passthru_vm_put() - drop a reference to a VM
 * @vm: the VM
 *
 * Context: process context, may sleep; no passthru lock held.
 */
void passthru_vm_put(struct passthru_vm *vm)
{
	kref_put(&vm->kref, passthru_vm_free);
}

/**
 * passthru_vm_from_file() - the VM behind a file, if it is a VM's file
 * @file: any file
 *
 * Context: any context; the caller holds a reference to @file.
 * Return: the VM, without a new reference, or NULL.
 */
struct passthru_vm *passthru_vm_from_file(struct file *file)
{
	return file->f_op == &passthru_vm_fops ? file->private_data : NULL;
}

/*
 * Charge @npages pinned pages to the VM's user, refused (ENOMEM) past the
 * caller's RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, and show them in the
 * creator's mm as VmPin.
 */
static int passthru_vm_charge(struct passthru_vm *vm, unsigned long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	atomic_long_t *locked = &vm->user->locked_vm;
	unsigned long cur, new;

	if (capable(CAP_IPC_LOCK)) {
		atomic_long_add(npages, locked);
	} else {
		do {
			cur = atomic_long_read(locked);
			if (check_add_overflow(cur, npages, &new) || new > limit)
				return -ENOMEM;
		} while (atomic_long_cmpxchg(locked, cur, new) != cur);
	}
	atomic64_add(npages, &vm->mm->pinned_vm);
	return 0;
}

static void passthru_vm_uncharge(struct passthru_vm *vm, unsigned long npages)
{
	atomic_long_sub(npages, &vm->user->locked_vm);
	atomic64_sub(npages, &vm->mm->pinned_vm);
}

/* VMs per user (uid -> count as an xarray value), for max_vms_per_user. */
static DEFINE_XARRAY(passthru_vm_users);
static DEFINE_MUTEX(passthru_vm_users_lock);

static int passthru_vm_user_get(struct user_struct *user)
{
	unsigned long uid = from_kuid(&init_user_ns, user->uid), n;
	int ret;

	mutex_lock(&passthru_vm_users_lock);
	n = xa_to_value(xa_load(&passthru_vm_users, uid) ?: xa_mk_value(0));
	if (n >= READ_ONCE(passthru_max_vms_per_user)) {
		pr_warn_ratelimited("cannot create a VM: uid %lu already holds %lu (max_vms_per_user)\n",
				    uid, n);
		ret = -EMFILE;
	} else {
		ret = xa_err(xa_store(&passthru_vm_users, uid,
				      xa_mk_value(n + 1), GFP_KERNEL_ACCOUNT));
	}
	mutex_unlock(&passthru_vm_users_lock);
	return ret;
}

static void passthru_vm_user_put(struct user_struct *user)
{
	unsigned long uid = from_kuid(&init_user_ns, user->uid), n;

	mutex_lock(&passthru_vm_users_lock);
	n = xa_to_value(xa_load(&passthru_vm_users, uid));
	/* Storing a smaller value in an existing entry does not allocate. */
	if (n > 1)
		xa_store(&passthru_vm_users, uid, xa_mk_value(n - 1),
			 GFP_KERNEL_ACCOUNT);
	else
		xa_erase(&passthru_vm_users, uid);
	mutex_unlock(&passthru_vm_users_lock);
}

static void passthru_unpin_runs(struct passthru_run *runs, unsigned long nr,
				bool dirty)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		unpin_user_page_range_dirty_lock(pfn_to_page(runs[i].pfn),
						 runs[i].npages, dirty);
}

/* Unmap one mapping from the IOMMU, then unpin and uncharge it. */
static void passthru_vm_unmap_one(struct passthru_vm *vm,
				  struct passthru_dma *dma)
{
	size_t size = dma->last - dma->start + 1;
	size_t unmapped;

	lockdep_assert_held(&vm->lock);
	passthru_dma_remove(&vm->mappings, dma);
	unmapped = iommu_unmap(vm->domain, dma->start, size);
	if (unmapped != size)
		pr_err("IOMMU unmapped %zu of %zu bytes at IOVA %#llx; pages stay pinned\n",
		       unmapped, size, dma->start);
	else
		passthru_unpin_runs(dma->runs, dma->nr_runs,
				    dma->flags & PASSTHRU_DMA_WRITE);
	passthru_vm_uncharge(vm, dma->npages);
	kvfree(dma->runs);
	kfree(dma);
}

static void passthru_vm_free(struct kref *kref)
{
	struct passthru_vm *vm = container_of(kref, struct passthru_vm, kref);
	struct rb_node *node;

	mutex_lock(&vm->lock);
	while ((node = rb_first_cached(&vm->mappings)))
		passthru_vm_unmap_one(vm, rb_entry(node, struct passthru_dma, rb));
	mutex_unlock(&vm->lock);
	iommu_domain_free(vm->domain);
	passthru_ranges_free(&vm->usable);
	mmdrop(vm->mm);
	passthru_vm_user_put(vm->user);
	free_uid(vm->user);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/* Usable IOVA ranges: the aperture minus every group's reserved regions. */
static int passthru_vm_compute_ranges(struct passthru_vm *vm,
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

/* Find a group member driven by a host driver that uses the DMA API. */
static int passthru_find_blocker(struct device *dev, void *data)
{
	struct device_driver *drv = READ_ONCE(dev->driver);
	struct passthru_blocker *b = data;

	if (!drv || drv == &passthru_pci_driver.driver)
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
	if (ret == -EFAULT && !RB_EMPTY_ROOT(&vm->mappings.rb_root)) {
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
 * passthru_vm_attach() - put a device in a VM
 * @vm: the VM
 * @pt: the device, not attached, not removed
 *
 * See PASSTHRU_DEVICE_ATTACH in the uAPI header for the rules.
 *
 * Context: process context; @pt->lock held.
 * Return: 0, or a negative errno of PASSTHRU_DEVICE_ATTACH.
 */
int passthru_vm_attach(struct passthru_vm *vm, struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	struct passthru_vm_group *vg;
	struct iommu_group *group;
	bool remapped;
	int ret = 0;

	lockdep_assert_held(&pt->lock);
	remapped = device_iommu_capable(&pdev->dev, IOMMU_CAP_INTR_REMAP) ||
		   irq_domain_check_msi_remap();
	if (!remapped && !passthru_allow_unsafe_interrupts) {
		passthru_vmm_warn(pdev, "attach refused: the IOMMU does not remap its interrupts, so a VM could forge any MSI; enable interrupt remapping, or load passthru with allow_unsafe_interrupts=1 to accept the risk\n");
		return -EPERM;
	}

	group = iommu_group_get(&pdev->dev);
	if (!group)
		return -ENODEV;
	mutex_lock(&vm->lock);
	if (vm->ndevices >= passthru_max_devices_per_vm) {
		passthru_vmm_warn(pdev, "attach refused: the VM already has %u devices (max_devices_per_vm)\n",
				  vm->ndevices);
		ret = -ENOSPC;
		goto out;
	}
	vg = passthru_vm_find_group(vm, group);
	if (!vg) {
		vg = passthru_vm_group_attach(vm, pdev);
		if (IS_ERR(vg)) {
			ret = PTR_ERR(vg);
			goto out;
		}
	}
	vg->ndevices++;
	vm->ndevices++;
	if (!remapped) {
		vm->unremapped++;
		passthru_vmm_warn(pdev, "UNSAFE: attached without interrupt remapping (allow_unsafe_interrupts=1); the VM can forge interrupts\n");
	}
	kref_get(&vm->kref);
	pt->vm = vm;
	pt->unremapped = !remapped;
	passthru_vmm_info(pdev, "attached to a VM (IOMMU group %d)\n", iommu_group_id(group));
out:
	mutex_unlock(&vm->lock);
	iommu_group_put(group);
	return ret;
}

/**
 * passthru_vm_detach() - take a device out of its VM
 * @pt: the device, attached
 *
 * The last device of a group to leave gives the group back to the host.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_vm_detach(struct passthru_device *pt)
{
	struct passthru_vm *vm = pt->vm;
	struct passthru_vm_group *vg;
	struct iommu_group *group;

	lockdep_assert_held(&pt->lock);
	group = iommu_group_get(&pt->pdev->dev);
	mutex_lock(&vm->lock);
	vg = passthru_vm_find_group(vm, group);
	if (vg && !--vg->ndevices)
		passthru_vm_group_detach(vm, vg);
	vm->ndevices--;
	if (pt->unremapped)
		vm->unremapped--;
	mutex_unlock(&vm->lock);
	iommu_group_put(group);
	pt->vm = NULL;
	passthru_vmm_info(pt->pdev, "detached from its VM\n");
	passthru_vm_put(vm);
}

/* Why did pinning at @addr fail?  EOPNOTSUPP for PFNMAP/IO, else EFAULT. */
static int passthru_pin_error(struct mm_struct *mm, unsigned long addr, int err)
{
	struct vm_area_struct *vma;

	if (err != -EFAULT)
		return err;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma && (vma->vm_flags & (VM_IO | VM_PFNMAP)))
		err = -EOPNOTSUPP;
	mmap_read_unlock(mm);
	return err;
}

/* Make room in @dma->runs for @more runs beyond @dma->nr_runs. */
static int passthru_runs_reserve(struct passthru_dma *dma, unsigned long *cap,
				 unsigned long more)
{
	unsigned long want = dma->nr_runs + more, newcap;
	struct passthru_run *runs;

	if (want <= *cap)
		return 0;
	newcap = max(want, *cap * 2);
	runs = passthru_kvrealloc(dma->runs, *cap * sizeof(*runs),
				  newcap * sizeof(*runs), GFP_KERNEL_ACCOUNT);
	if (!runs)
		return -ENOMEM;
	dma->runs = runs;
	*cap = newcap;
	return 0;
}

/* Pin @dma->npages pages from @dma->vaddr into @dma->runs. */
static int passthru_pin(struct passthru_vm *vm, struct passthru_dma *dma)
{
	unsigned int gup = FOLL_LONGTERM;
	unsigned long done = 0, cap = 0, i;
	struct page **pages;
	int ret = 0;

	if (dma->flags & PASSTHRU_DMA_WRITE)
		gup |= FOLL_WRITE;
	pages = (struct page **)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	while (done < dma->npages) {
		unsigned long addr = dma->vaddr + (done << PAGE_SHIFT);
		int n = min_t(unsigned long, dma->npages - done,
			      PASSTHRU_PIN_BATCH);

		ret = passthru_runs_reserve(dma, &cap, n);
		if (ret)
			break;
		n = pin_user_pages_fast(addr, n, gup, pages);
		if (n <= 0) {
			ret = passthru_pin_error(vm->mm, addr, n ?: -EFAULT);
			break;
		}
		for (i = 0; i < n; i++)
			passthru_runs_add(dma->runs, &dma->nr_runs,
					  page_to_pfn(pages[i]));
		done += n;
		cond_resched();
	}
	free_page((unsigned long)pages);
	if (ret)
		passthru_unpin_runs(dma->runs, dma->nr_runs, false);
	return ret;
}

/* Map @dma's runs at consecutive IOVAs; undo everything on failure. */
static int passthru_iommu_map_runs(struct passthru_vm *vm,
				   struct passthru_dma *dma)
{
	int prot = 0;
	u64 iova = dma->start;
	unsigned long i;
	int ret;

	if (dma->flags & PASSTHRU_DMA_READ)
		prot |= IOMMU_READ;
	if (dma->flags & PASSTHRU_DMA_WRITE)
		prot |= IOMMU_WRITE;
	for (i = 0; i < dma->nr_runs; i++) {
		size_t size = dma->runs[i].npages << PAGE_SHIFT;

		ret = passthru_iommu_map(vm->domain, iova,
					 PFN_PHYS(dma->runs[i].pfn), size, prot);
		if (ret) {
			if (iova > dma->start)
				iommu_unmap(vm->domain, dma->start,
					    iova - dma->start);
			return ret;
		}
		iova += size;
	}
	return 0;
}

static int passthru_vm_map_dma(void *ctx, void *cmd)
{
	struct passthru_vm *vm = ctx;
	struct passthru_dma_map *map = cmd;
	struct passthru_dma *dma;
	u64 last, vlast;
	int ret;

	if (!(map->flags & (PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE)))
		return -EINVAL;
	ret = passthru_span(map->iova, map->length, PAGE_SIZE, &last);
	if (!ret)
		ret = passthru_span(map->vaddr, map->length, PAGE_SIZE, &vlast);
	if (ret)
		return ret;
	if (current->mm != vm->mm)
		return -EPERM;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL_ACCOUNT);
	if (!dma)
		return -ENOMEM;
	dma->start = map->iova;
	dma->last = last;
	dma->vaddr = map->vaddr;
	dma->flags = map->flags;
	dma->npages = map->length >> PAGE_SHIFT;

	/*
	 * Charged, then pinned, before the VM's lock: pinning may fault
	 * without end (userfaultfd), and remove() needs the lock.
	 */
	ret = passthru_vm_charge(vm, dma->npages);
	if (ret)
		goto err_free;
	ret = passthru_pin(vm, dma);
	if (ret)
		goto err_uncharge;

	mutex_lock(&vm->lock);
	if (!passthru_ranges_contain(&vm->usable, dma->start, dma->last)) {
		ret = -ERANGE;
		goto err_unlock;
	}
	if (passthru_dma_first(&vm->mappings, dma->start, dma->last)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	ret = passthru_iommu_map_runs(vm, dma);
	if (ret)
		goto err_unlock;
	passthru_dma_insert(&vm->mappings, dma);
	mutex_unlock(&vm->lock);
	return 0;

err_unlock:
	mutex_unlock(&vm->lock);
	passthru_unpin_runs(dma->runs, dma->nr_runs, false);
err_uncharge:
	passthru_vm_uncharge(vm, dma->npages);
err_free:
	kvfree(dma->runs);
	kfree(dma);
	return ret;
}

static int passthru_vm_unmap_dma(void *ctx, void *cmd)
{
	struct passthru_dma_unmap *unmap = cmd;
	struct passthru_vm *vm = ctx;
	struct passthru_dma *dma, *next;
	u64 start = 0, last = U64_MAX, bytes = 0;
	int ret = 0;

	if (unmap->flags & PASSTHRU_DMA_UNMAP_ALL) {
		if (unmap->iova || unmap->length)
			return -EINVAL;
	} else {
		start = unmap->iova;
		ret = passthru_span(start, unmap->length, PAGE_SIZE, &last);
		if (ret)
			return ret;
	}
	if (current->mm != vm->mm)
		return -EPERM;

	mutex_lock(&vm->lock);
	if (!(unmap->flags & PASSTHRU_DMA_UNMAP_ALL))
		ret = passthru_dma_unmap_check(&vm->mappings, start, last);
	if (!ret) {
		for (dma = passthru_dma_first(&vm->mappings, start, last); dma;
		     dma = next) {
			next = passthru_dma_next(dma, start, last);
			bytes += dma->last - dma->start + 1;
			passthru_vm_unmap_one(vm, dma);
		}
	}
	mutex_unlock(&vm->lock);
	unmap->length = bytes;
	return ret;
}

static int passthru_vm_info(void *ctx, void *cmd)
{
	struct passthru_vm_info *info = cmd;
	struct passthru_iova_range *ranges;
	struct passthru_vm *vm = ctx;
	unsigned int n;
	int ret = 0;

	if (info->__reserved)
		return -EINVAL;
	/* Copied out with no lock held, from a copy made under it. */
	mutex_lock(&vm->lock);
	n = min(info->num_ranges, vm->usable.n);
	ranges = n ? kmemdup(vm->usable.r, n * sizeof(*ranges),
			     GFP_KERNEL_ACCOUNT) : NULL;
	if (n && !ranges)
		ret = -ENOMEM;
	info->num_ranges = vm->usable.n;
	info->pgsize_bitmap = vm->domain->pgsize_bitmap;
	info->num_devices = vm->ndevices;
	info->caps = 0;
	if (vm->ndevices && !vm->unremapped)
		info->caps |= PASSTHRU_VM_INTR_REMAP;
	mutex_unlock(&vm->lock);
	if (!ret && n && copy_to_user(u64_to_user_ptr(info->ranges), ranges,
				      n * sizeof(*ranges)))
		ret = -EFAULT;
	kfree(ranges);
	return ret;
}

static const struct passthru_ioctl_op passthru_vm_ops[] = {
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_INFO, struct passthru_vm_info,
			  __reserved, 0, passthru_vm_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_MAP_DMA, struct passthru_dma_map, length,
			  PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE,
			  passthru_vm_map_dma),
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_UNMAP_DMA, struct passthru_dma_unmap,
			  length, PASSTHRU_DMA_UNMAP_ALL, passthru_vm_unmap_dma),
};

static long passthru_vm_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	return passthru_ioctl(passthru_vm_ops, ARRAY_SIZE(passthru_vm_ops),
			      file->private_data, cmd, arg);
}

static int passthru_vm_open(struct inode *inode, struct file *file)
{
	struct passthru_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->user = get_uid(current_user());
	ret = passthru_vm_user_get(vm->user);
	if (ret)
		goto err_uid;
	INIT_LIST_HEAD(&vm->groups);
	vm->mappings = RB_ROOT_CACHED;
	vm->domain = iommu_domain_alloc(&pci_bus_type);
	if (!vm->domain) {
		pr_warn_ratelimited("cannot create a VM: no IOMMU for PCI devices; enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on\n");
		ret = -ENODEV;
		goto err_free;
	}
	ret = passthru_vm_compute_ranges(vm, &vm->usable);
	if (ret)
		goto err_domain;
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	mmgrab(current->mm);
	vm->mm = current->mm;
	file->private_data = vm;
	return 0;

err_domain:
	iommu_domain_free(vm->domain);
err_free:
	passthru_vm_user_put(vm->user);
err_uid:
	free_uid(vm->user);
	kfree(vm);
	return ret;
}

static int passthru_vm_release(struct inode *inode, struct file *file)
{
	passthru_vm_put(file->private_data);
	return 0;
}

static const struct file_operations passthru_vm_fops = {
	.owner = THIS_MODULE,
	.open = passthru_vm_open,
	.release = passthru_vm_release,
	.unlocked_ioctl = passthru_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * A VM pins memory and holds an IOMMU domain, so creating one is a
 * privilege: the node is root's (0600) until the administrator's udev rule
 * hands it to a group, as /dev/kvm is (see the admin guide).  What a user
 * who may open it can take is bounded all the same: pins by RLIMIT_MEMLOCK
 * per user, VMs by max_vms_per_user.
 */
static struct miscdevice passthru_vm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "passthru-vm",
	.nodename = "passthru/vm",
	.mode = 0600,
	.fops = &passthru_vm_fops,
};

/**
 * passthru_vm_init() - register /dev/passthru/vm
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int passthru_vm_init(void)
{
	return misc_register(&passthru_vm_misc);
}

/**
 * passthru_vm_exit() - unregister /dev/passthru/vm
 *
 * Context: module exit; no VM file is open (each holds the module).
 */
void passthru_vm_exit(void)
{
	misc_deregister(&passthru_vm_misc);
	xa_destroy(&passthru_vm_users);
}
