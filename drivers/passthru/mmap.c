// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's mappings of the BARs: mmap(), the fault handler, and their
 * revocation; and memory_lock, which orders them with everything else
 * that changes whether the BARs answer (decode off, D3hot, reset, the
 * host's own MSI-X table writes).
 *
 * Mapped pages are inserted at fault time, up to 1 GiB per fault, under
 * memory_lock held for reading, and only while memory decode is on, the
 * function is in D0 and the mappings are not revoked.  Whatever turns
 * decode off takes memory_lock for writing and zaps the mappings first,
 * so no mapped access can reach a function that cannot answer it;
 * passthru_mmap_revoke() zaps them for good, after which a touch gets
 * SIGBUS.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pci.h>

#include "compat.h"
#include "passthru_priv.h"

/**
 * passthru_mmap_zap() - take every mapped BAR page away from the VMM
 * @pt: the device
 *
 * The next touch faults, and the fault decides afresh.
 *
 * Context: process context; @pt->memory_lock held for writing.
 */
void passthru_mmap_zap(struct passthru_device *pt)
{
	lockdep_assert_held_write(&pt->memory_lock);
	if (pt->mapping)
		unmap_mapping_range(pt->mapping, 0, 0, true);
}

/**
 * passthru_memory_lock_and_enable() - make the BARs answer a host access
 * @pt: the device, in D0
 *
 * For the host's own accesses to the function's memory (the MSI-X table)
 * on the VMM's behalf: takes memory_lock for writing, which holds off the
 * VMM's mapped accesses, and turns memory decode on if the VMM had it off.
 *
 * Context: process context; @pt->lock held.
 * Return: the command register, for passthru_memory_unlock_and_restore().
 */
u16 passthru_memory_lock_and_enable(struct passthru_device *pt)
{
	u16 cmd;

	lockdep_assert_held(&pt->lock);
	down_write(&pt->memory_lock);
	pci_read_config_word(pt->pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pt->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * passthru_memory_unlock_and_restore() - undo passthru_memory_lock_and_enable()
 * @pt: the device
 * @cmd: what passthru_memory_lock_and_enable() returned
 *
 * Context: process context; @pt->lock held.
 */
void passthru_memory_unlock_and_restore(struct passthru_device *pt, u16 cmd)
{
	lockdep_assert_held_write(&pt->memory_lock);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pt->pdev, PCI_COMMAND, cmd);
	up_write(&pt->memory_lock);
}

/* What passthru_fill_table() maps: @pfn at @start, contiguously, to @end. */
struct passthru_fill {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	unsigned long pfn;
	pgprot_t prot;
};

/*
 * Called by apply_to_page_range() for the first PTE of a range that lies
 * in one page table, with that table's lock held: the PTEs after it up to
 * the table's end (or the fill's) are in the same locked table, and are
 * filled here in one loop rather than by one callback each.  A PTE
 * already present, from a concurrent fault, is left alone: it maps the
 * same page.
 */
static int passthru_fill_table(pte_t *pte, unsigned long addr, void *data)
{
	struct passthru_fill *f = data;
	unsigned long pfn = f->pfn + ((addr - f->start) >> PAGE_SHIFT);
	unsigned long end = pmd_addr_end(addr, f->end);

	for (; addr != end; addr += PAGE_SIZE, pte++, pfn++)
		if (pte_none(*pte))
			set_pte_at(f->mm, addr, pte,
				   pte_mkspecial(pfn_pte(pfn, f->prot)));
	return 0;
}

/*
 * Defence in depth, apart from mmap()'s check of the mappable areas: the
 * whole mapping lies inside a mappable BAR, so that no fault can insert a
 * page past the BAR's end whatever mmap() let through.
 */
static bool passthru_mapping_in_bar(struct passthru_device *pt,
				    unsigned int index, u64 pos, u64 len)
{
	u64 end;

	if (index >= PCI_STD_NUM_BARS ||
	    !(pt->layout[index].caps & PASSTHRU_REGION_MMAP))
		return false;
	return !check_add_overflow(pos, len, &end) &&
	       end <= pci_resource_len(pt->pdev, index);
}

/*
 * A fault maps up to 1 GiB of the mapping around it, not one page: a VMM
 * touching a large BAR takes one fault per GiB rather than per page.  The
 * page tables are walked (and allocated) by apply_to_page_range(), once
 * per page table, and each table is filled under its lock, with the
 * mapping's uncached protection (the BAR is passthru's alone, so nothing
 * maps it with another memory type).  Everything happens under
 * memory_lock, so a zap cannot interleave.
 */
static vm_fault_t passthru_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct passthru_device *pt = vma->vm_private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	struct passthru_fill f = { .mm = vma->vm_mm, .start = vma->vm_start,
				   .prot = vma->vm_page_prot };
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long addr;
	unsigned int index;
	u64 pos;

	if (passthru_region_decode(off, &index, &pos))
		return VM_FAULT_SIGBUS;
	if (!passthru_mapping_in_bar(pt, index, pos,
				     vma->vm_end - vma->vm_start)) {
		passthru_vmm_warn(pt->pdev, "refused a fault of a mapping that does not lie inside BAR%u\n",
				  index);
		return VM_FAULT_SIGBUS;
	}
	f.pfn = (pci_resource_start(pt->pdev, index) + pos) >> PAGE_SHIFT;
	addr = max(vma->vm_start, vmf->address & PUD_MASK);
	f.end = min(vma->vm_end, (vmf->address & PUD_MASK) + PUD_SIZE);

	down_read(&pt->memory_lock);
	if (!pt->revoked && !pt->d3hot &&
	    passthru_decode_on(pt->pdev, pt->layout[index].caps)) {
		ret = VM_FAULT_NOPAGE;
		for (; addr != f.end; addr = pmd_addr_end(addr, f.end)) {
			if (apply_to_page_range(f.mm, addr, PAGE_SIZE,
						passthru_fill_table, &f)) {
				ret = VM_FAULT_OOM;
				break;
			}
		}
	}
	up_read(&pt->memory_lock);
	return ret;
}

static const struct vm_operations_struct passthru_mmap_ops = {
	.fault = passthru_mmap_fault,
};

/**
 * passthru_mmap() - mmap() of a device file
 * @pt: the device
 * @vma: the new mapping
 *
 * Context: process context, mmap_lock held for writing.
 * Return: 0, -EINVAL for a mapping that is not MAP_SHARED or not inside
 * one mappable area of a region, or -ENODEV once the function was removed.
 */
int passthru_mmap(struct passthru_device *pt, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned int index;
	bool revoked;
	u64 pos;

	mmap_assert_write_locked(vma->vm_mm);
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (passthru_region_decode(off, &index, &pos) ||
	    !passthru_layout_mmap_ok(&pt->layout[index], pos,
				     vma->vm_end - vma->vm_start))
		return -EINVAL;
	/* Revoked by remove(), before it sets @removed. */
	down_read(&pt->memory_lock);
	revoked = pt->revoked;
	up_read(&pt->memory_lock);
	if (revoked)
		return -ENODEV;
	vma->vm_private_data = pt;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	passthru_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			      VM_DONTDUMP);
	vma->vm_ops = &passthru_mmap_ops;
	return 0;
}

/**
 * passthru_mmap_revoke() - end all access to the regions
 * @pt: the device
 *
 * Mapped pages are zapped and later faults get SIGBUS.
 *
 * Context: process context; no passthru lock held.
 */
void passthru_mmap_revoke(struct passthru_device *pt)
{
	down_write(&pt->memory_lock);
	pt->revoked = true;
	passthru_mmap_zap(pt);
	up_write(&pt->memory_lock);
}
