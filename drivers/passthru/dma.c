// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's DMA mappings: PASSTHRU_VM_MAP_DMA and PASSTHRU_VM_UNMAP_DMA.
 * A mapping is charged and pinned (pages.c) before the VM's lock is
 * taken, then checked against the usable ranges and the mappings already
 * there, and mapped in the IOMMU domain.  Memory is unmapped from the
 * IOMMU before it is unpinned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "compat.h"
#include "passthru_priv.h"

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

/*
 * A mapping's runs go to the IOMMU as a scatterlist, in batches of at most
 * PASSTHRU_SG_BATCH entries (what fits a kmalloc-8k object) per
 * iommu_map_sg() call, and each call syncs the IOTLB once (a flush per
 * call under caching mode, as in QEMU's VT-d) where one iommu_map() per
 * run synced once per run.  A mapping of a few runs (a VMM's many small
 * mappings) takes a list on the stack instead of an allocation.
 */
#define PASSTHRU_SG_BATCH (8192 / sizeof(struct scatterlist))
#define PASSTHRU_SG_STACK 4
/* An entry's length is an unsigned int: longer runs take several. */
#define PASSTHRU_SG_MAX_PAGES (SZ_1G >> PAGE_SHIFT)

/*
 * Map @dma's runs at consecutive IOVAs, @cap entries of @sgl per
 * iommu_map_sg() call; undo everything on failure.
 */
static int passthru_iommu_map_sgl(struct passthru_vm *vm,
				  struct passthru_dma *dma,
				  struct scatterlist *sgl, unsigned int cap)
{
	unsigned long i = 0, done = 0;	/* runs[i], its first @done pages */
	u64 iova = dma->start;
	int prot = 0, ret = 0;

	if (dma->flags & PASSTHRU_DMA_READ)
		prot |= IOMMU_READ;
	if (dma->flags & PASSTHRU_DMA_WRITE)
		prot |= IOMMU_WRITE;
	while (i < dma->nr_runs) {
		struct scatterlist *sg;
		unsigned int n = 0;
		size_t len = 0;
		ssize_t mapped;

		sg_init_table(sgl, cap);
		for (sg = sgl; n < cap && i < dma->nr_runs;
		     sg = sg_next(sg), n++) {
			struct passthru_run *r = &dma->runs[i];
			unsigned long np = min(r->npages - done,
					       PASSTHRU_SG_MAX_PAGES);

			sg_set_page(sg, pfn_to_page(r->pfn + done),
				    np << PAGE_SHIFT, 0);
			len += np << PAGE_SHIFT;
			done += np;
			if (done == r->npages) {
				i++;
				done = 0;
			}
		}
		sg_mark_end(&sgl[n - 1]);
		mapped = passthru_iommu_map_sg(vm->domain, iova, sgl, n, prot);
		if (mapped != len) {
			ret = mapped < 0 ? mapped : -ENOMEM;
			/* iommu_map_sg() undid its own part on failure. */
			if (mapped > 0)
				iova += mapped;
			break;
		}
		iova += len;
	}
	if (ret && iova > dma->start)
		iommu_unmap(vm->domain, dma->start, iova - dma->start);
	return ret;
}

/* Map @dma's runs at consecutive IOVAs; undo everything on failure. */
static int passthru_iommu_map_runs(struct passthru_vm *vm,
				   struct passthru_dma *dma)
{
	struct scatterlist few[PASSTHRU_SG_STACK], *sgl;
	int ret;

	if (dma->nr_runs <= PASSTHRU_SG_STACK)
		return passthru_iommu_map_sgl(vm, dma, few, PASSTHRU_SG_STACK);
	sgl = kmalloc_array(PASSTHRU_SG_BATCH, sizeof(*sgl), GFP_KERNEL_ACCOUNT);
	if (!sgl)
		return -ENOMEM;
	ret = passthru_iommu_map_sgl(vm, dma, sgl, PASSTHRU_SG_BATCH);
	kfree(sgl);
	return ret;
}

/**
 * passthru_do_map_dma() - PASSTHRU_VM_MAP_DMA
 * @ctx: the VM
 * @cmd: its struct passthru_dma_map, copied in
 *
 * Context: process context; no passthru lock held.
 * Return: 0 or a negative errno, as the uAPI header lists.
 */
int passthru_do_map_dma(void *ctx, void *cmd)
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

/**
 * passthru_do_unmap_dma() - PASSTHRU_VM_UNMAP_DMA
 * @ctx: the VM
 * @cmd: its struct passthru_dma_unmap, copied in; @length is set to the
 *	bytes unmapped
 *
 * Context: process context; no passthru lock held.
 * Return: 0 or a negative errno, as the uAPI header lists.
 */
int passthru_do_unmap_dma(void *ctx, void *cmd)
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

/**
 * passthru_dma_unmap_all() - unmap, unpin and uncharge every mapping
 * @vm: the VM, being freed
 *
 * Context: process context.
 */
void passthru_dma_unmap_all(struct passthru_vm *vm)
{
	struct rb_node *node;

	mutex_lock(&vm->lock);
	while ((node = rb_first_cached(&vm->mappings)))
		passthru_vm_unmap_one(vm, rb_entry(node, struct passthru_dma, rb));
	mutex_unlock(&vm->lock);
}
