// SPDX-License-Identifier: GPL-2.0
/*
 * Regions of a device file: pread()/pwrite() and mmap() of the BARs, and
 * reads of the expansion ROM (see "Regions" in the uAPI header).
 *
 * Every access checks, under passthru_device.lock, that the function was
 * not removed and that its memory or I/O decode is on, so no access can
 * reach a function that cannot answer it.  Config space goes through the
 * tables of config.c; a write that turns memory decode off zaps the
 * mappings first, under memory_lock, so no mapped access can follow it.
 * Mapped pages are inserted at fault time, up to 1 GiB per fault, under
 * passthru_device.memory_lock and with the same checks;
 * passthru_region_revoke() zaps them, after which a touch gets SIGBUS.
 * User memory is only touched with no passthru lock held, through a
 * bounce buffer.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>

#include "compat.h"
#include "passthru_priv.h"

#define PASSTHRU_BOUNCE_SIZE 4096

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
					entries * 16);
	if ((pba & PCI_MSIX_PBA_BIR) < PCI_STD_NUM_BARS)
		passthru_layout_exclude(&pt->layout[pba & PCI_MSIX_PBA_BIR],
					pba & PCI_MSIX_PBA_OFFSET,
					DIV_ROUND_UP(entries, 64) * 8);
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
 * passthru_config_reset() - start a fresh virtual config space
 * @pt: the device, being opened or reset
 *
 * The virtual copy is built from the device at the next config access, so
 * that opening and attaching read no config space.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_config_reset(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	pt->cfg_built = false;
}

/*
 * Build the virtual copy.  Only the first 256 bytes can hold virtual bits
 * (extended capabilities are read-only), so only they are read.
 */
static int passthru_config_build(struct passthru_device *pt)
{
	u64 sizes[PCI_STD_NUM_BARS + 1];
	unsigned int i;
	u8 *real;

	lockdep_assert_held(&pt->lock);
	if (pt->cfg_built)
		return 0;
	real = kzalloc(pt->pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	if (!real)
		return -ENOMEM;
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i += 4) {
		u32 v;

		pci_read_config_dword(pt->pdev, i, &v);
		put_unaligned_le32(v, real + i);
	}
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		sizes[i] = pci_resource_len(pt->pdev, i);
	sizes[PCI_STD_NUM_BARS] = pci_resource_len(pt->pdev, PCI_ROM_RESOURCE);
	pt->cfg->size = pt->pdev->cfg_size;
	passthru_cfg_build(pt->cfg, real, sizes);
	kfree(real);
	pt->cfg_built = true;
	return 0;
}

static int passthru_user_read(struct pci_dev *pdev, unsigned int pos,
			      unsigned int w, u32 *val)
{
	u16 v16;
	u8 v8;
	int ret;

	if (w == 4)
		return pcibios_err_to_errno(pci_user_read_config_dword(pdev, pos, val));
	if (w == 2) {
		ret = pci_user_read_config_word(pdev, pos, &v16);
		*val = v16;
	} else {
		ret = pci_user_read_config_byte(pdev, pos, &v8);
		*val = v8;
	}
	return pcibios_err_to_errno(ret);
}

/* Zap every mapped BAR page; @pt->memory_lock held for writing. */
static void passthru_zap(struct passthru_device *pt)
{
	lockdep_assert_held_write(&pt->memory_lock);
	if (pt->mapping)
		unmap_mapping_range(pt->mapping, 0, 0, true);
}

/* Values of the PMCSR power state field. */
#define PASSTHRU_PMCSR_D0 0
#define PASSTHRU_PMCSR_D3HOT 3

/* The power state the VMM last wrote; D0 without a PM capability. */
static unsigned int passthru_vpower(const struct passthru_device *pt)
{
	unsigned int pm = pt->pdev->pm_cap;

	if (!pm)
		return PASSTHRU_PMCSR_D0;
	return pt->cfg->vconfig[pm + PCI_PM_CTRL] & PCI_PM_CTRL_STATE_MASK;
}

/*
 * Back to D0 with the state saved on the way to D3hot; @pt->lock and
 * memory_lock held.
 * pci_restore_state() rewrites the MSI-X table after the command register,
 * so with the VMM's memory decode off those writes would reach a function
 * that cannot take them: the state is restored with decode on, then the
 * VMM's command register is put back.
 */
static void passthru_power_up(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	u32 *saved = &pdev->saved_config_space[PCI_COMMAND / 4];
	u16 cmd = *saved;

	lockdep_assert_held_write(&pt->memory_lock);
	if (!pt->d3hot)
		return;
	pci_set_power_state(pdev, PCI_D0);
	*saved |= PCI_COMMAND_MEMORY;
	pci_restore_state(pdev);
	pci_write_config_word(pdev, PCI_COMMAND, cmd);
	pt->d3hot = false;
	passthru_irq_resync(pt);
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
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pt->pdev, PCI_COMMAND, cmd);
	up_write(&pt->memory_lock);
}

/*
 * The VMM wrote the power state field: D3hot and D0 go through the PCI
 * core, so the PCI core's idea of the state stays right and the BARs come
 * back on return; D1 and D2 are ignored, as a function without them
 * would.  pt->lock held.
 */
static void passthru_set_vpower(struct passthru_device *pt, unsigned int old)
{
	struct pci_dev *pdev = pt->pdev;
	unsigned int new = passthru_vpower(pt);
	u8 *field = &pt->cfg->vconfig[pdev->pm_cap + PCI_PM_CTRL];
	int ret = 0;

	if (new == old)
		return;
	down_write(&pt->memory_lock);
	if (new == PASSTHRU_PMCSR_D3HOT) {
		passthru_zap(pt);
		pci_save_state(pdev);
		ret = pci_set_power_state(pdev, PCI_D3hot);
		if (!ret)
			pt->d3hot = true;
		else
			passthru_vmm_warn(pdev, "cannot enter D3hot for the VMM (%d)\n",
					  ret);
	} else if (new == PASSTHRU_PMCSR_D0) {
		passthru_power_up(pt);
	} else {
		ret = -EINVAL;
	}
	up_write(&pt->memory_lock);
	if (ret)
		*field = (*field & ~PCI_PM_CTRL_STATE_MASK) | old;
}

/* One virtualized config access of width @w at @pos; pt->lock held. */
static int passthru_config_access(struct passthru_device *pt, unsigned int pos,
				  unsigned int w, u8 *p, bool write)
{
	struct pci_dev *pdev = pt->pdev;
	unsigned int mask, i;
	u32 real, val, out;
	unsigned int power;
	bool decode_off;
	int ret;

	ret = passthru_user_read(pdev, pos, w, &real);
	if (ret)
		return ret;
	if (!write) {
		val = passthru_cfg_read(pt->cfg, pos, w, real);
		for (i = 0; i < w; i++)
			p[i] = val >> (8 * i);
		return 0;
	}
	for (val = 0, i = 0; i < w; i++)
		val |= (u32)p[i] << (8 * i);
	power = passthru_vpower(pt);
	mask = passthru_cfg_write(pt->cfg, pos, w, val, real, &out);
	passthru_set_vpower(pt, power);
	/*
	 * Bus mastering waits until the device is in a VM: before, its DMA
	 * reaches nothing useful, and without interrupt remapping a write to
	 * the MSI window could forge a host interrupt.
	 */
	if (!pt->vm && pos <= PCI_COMMAND && PCI_COMMAND < pos + w) {
		u32 bm = (u32)PCI_COMMAND_MASTER << (8 * (PCI_COMMAND - pos));

		out = (out & ~bm) | (real & bm);
	}
	/* Memory decode going off: revoke the mappings before it does. */
	decode_off = pos <= PCI_COMMAND && PCI_COMMAND < pos + w &&
		     (mask & BIT(PCI_COMMAND - pos)) &&
		     (real >> (8 * (PCI_COMMAND - pos))) & PCI_COMMAND_MEMORY &&
		     !((out >> (8 * (PCI_COMMAND - pos))) & PCI_COMMAND_MEMORY);
	if (decode_off) {
		down_write(&pt->memory_lock);
		passthru_zap(pt);
	}
	for (i = 0; i < w && !ret; i++)
		if (mask & BIT(i))
			ret = pci_user_write_config_byte(pdev, pos + i,
							 out >> (8 * i));
	ret = pcibios_err_to_errno(ret);
	if (decode_off)
		up_write(&pt->memory_lock);
	return ret;
}

/* Move @len bytes of config space at @pos; pt->lock held. */
static int passthru_config_rw(struct passthru_device *pt, u64 pos, u8 *buf,
			      size_t len, bool write)
{
	size_t done;
	int ret;

	ret = passthru_config_build(pt);
	for (done = 0; done < len && !ret;) {
		unsigned int w = passthru_access_width(pos + done, len - done);

		ret = passthru_config_access(pt, pos + done, w, buf + done,
					     write);
		done += w;
	}
	return ret;
}

static bool passthru_decode_on(struct pci_dev *pdev, u32 caps)
{
	u16 cmd;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	return cmd & (caps & PASSTHRU_REGION_IO ? PCI_COMMAND_IO :
		      PCI_COMMAND_MEMORY);
}

/* Move @len bytes between @buf and BAR @bar at @pos; pt->lock held. */
static int passthru_bar_rw(struct passthru_device *pt, unsigned int bar,
			   u64 pos, u8 *buf, size_t len, bool write)
{
	const struct passthru_layout *l = &pt->layout[bar];
	void __iomem *io;
	size_t done;

	lockdep_assert_held(&pt->lock);
	if (pt->d3hot || !passthru_decode_on(pt->pdev, l->caps))
		return -EIO;
	if (!pt->bar_map[bar]) {
		pt->bar_map[bar] = pci_iomap(pt->pdev, bar, 0);
		if (!pt->bar_map[bar])
			return -ENOMEM;
	}
	io = pt->bar_map[bar];
	for (done = 0; done < len;) {
		unsigned int w = passthru_access_width(pos + done, len - done);
		void __iomem *addr = io + pos + done;
		u8 *p = buf + done;

		if (passthru_layout_excluded(l, pos + done, w)) {
			if (!write)
				memset(p, 0xff, w);
		} else if (write) {
			if (w == 4)
				iowrite32(get_unaligned_le32(p), addr);
			else if (w == 2)
				iowrite16(get_unaligned_le16(p), addr);
			else
				iowrite8(*p, addr);
		} else {
			if (w == 4)
				put_unaligned_le32(ioread32(addr), p);
			else if (w == 2)
				put_unaligned_le16(ioread16(addr), p);
			else
				*p = ioread8(addr);
		}
		done += w;
	}
	return 0;
}

/* Read @len bytes of the ROM at @pos; pt->lock held. */
static int passthru_rom_read(struct passthru_device *pt, u64 pos, u8 *buf,
			     size_t len)
{
	void __iomem *rom;
	size_t size;

	lockdep_assert_held(&pt->lock);
	/* pci_map_rom() reads the device and logs what it finds there. */
	if (pt->d3hot || pt->rom_bad ||
	    !passthru_decode_on(pt->pdev, PASSTHRU_REGION_READ))
		return -EIO;
	rom = pci_map_rom(pt->pdev, &size);
	if (!rom) {
		/* Its header is not a ROM's: it will not become one. */
		pt->rom_bad = true;
		return -EIO;
	}
	if (pos + len > size)
		memset(buf, 0xff, len);
	else
		memcpy_fromio(buf, rom + pos, len);
	pci_unmap_rom(pt->pdev, rom);
	return 0;
}

/**
 * passthru_region_rw() - pread() or pwrite() on a device file
 * @pt: the device
 * @buf: the user buffer
 * @count: bytes
 * @ppos: the file offset; advanced by what was transferred
 * @write: true for pwrite()
 *
 * Context: process context; no passthru lock held.
 * Return: bytes transferred, or a negative errno (see "Regions" in the
 * uAPI header).
 */
ssize_t passthru_region_rw(struct passthru_device *pt, char __user *buf,
			   size_t count, loff_t *ppos, bool write)
{
	const struct passthru_layout *l;
	unsigned int index;
	size_t done = 0;
	u8 *bounce;
	u64 pos;
	int ret;

	ret = passthru_region_decode(*ppos, &index, &pos);
	if (ret)
		return ret;
	l = &pt->layout[index];
	if (!(l->caps & (write ? PASSTHRU_REGION_WRITE : PASSTHRU_REGION_READ)))
		return -EINVAL;
	ret = passthru_layout_clamp(l, pos, count, &count);
	if (ret)
		return ret;
	bounce = kmalloc(min_t(size_t, count, PASSTHRU_BOUNCE_SIZE),
			 GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		size_t n = min_t(size_t, count - done, PASSTHRU_BOUNCE_SIZE);

		if (write && copy_from_user(bounce, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&pt->lock);
		if (pt->removed)
			ret = -ENODEV;
		else if (index == PASSTHRU_REGION_ROM)
			ret = passthru_rom_read(pt, pos + done, bounce, n);
		else if (index == PASSTHRU_REGION_CONFIG)
			ret = passthru_config_rw(pt, pos + done, bounce, n, write);
		else
			ret = passthru_bar_rw(pt, index, pos + done, bounce, n,
					      write);
		mutex_unlock(&pt->lock);
		if (ret)
			break;
		if (!write && copy_to_user(buf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	kfree(bounce);
	if (!done)
		return ret;
	*ppos += done;
	return done;
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
 * passthru_region_mmap() - mmap() of a device file
 * @pt: the device
 * @vma: the new mapping
 *
 * Context: process context, mmap_lock held for writing.
 * Return: 0, -EINVAL for a mapping that is not MAP_SHARED or not inside
 * one mappable area of a region, or -ENODEV once the function was removed.
 */
int passthru_region_mmap(struct passthru_device *pt, struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned int index;
	bool revoked;
	u64 pos;

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
 * passthru_region_revoke() - end all access to the regions
 * @pt: the device
 *
 * Mapped pages are zapped and later faults get SIGBUS.
 *
 * Context: process context; no passthru lock held.
 */
void passthru_region_revoke(struct passthru_device *pt)
{
	down_write(&pt->memory_lock);
	pt->revoked = true;
	passthru_zap(pt);
	up_write(&pt->memory_lock);
}

/**
 * passthru_region_release() - unmap the BARs from the kernel
 * @pt: the device, its last file closing or being freed
 *
 * Context: process context.
 */
void passthru_region_release(struct passthru_device *pt)
{
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (pt->bar_map[i])
			pci_iounmap(pt->pdev, pt->bar_map[i]);
		pt->bar_map[i] = NULL;
	}
}

/* Reset now; @device_locked: the caller holds the device lock (remove()). */
static int passthru_reset_now(struct pci_dev *pdev, bool device_locked)
{
	int ret;

	if (!device_locked)
		return pci_try_reset_function(pdev);
	/* A reset through sysfs takes this lock, then waits for ours. */
	if (!pci_cfg_access_trylock(pdev))
		return -EAGAIN;
	ret = __pci_reset_function_locked(pdev);
	pci_cfg_access_unlock(pdev);
	return ret;
}

/**
 * passthru_region_reset() - reset a function for its VMM
 * @pt: the device, open
 *
 * Zaps the mapped BAR pages (a touch waits until the reset is over, then
 * faults them back), brings the function back to D0, turns bus mastering
 * off, resets the function if it has a method, and starts the virtual
 * config space afresh.  The config state of before the reset is restored
 * by the PCI core, bus mastering excepted.
 *
 * Context: process context; @pt->lock held, the device lock not held.
 * Return: 0; -EOPNOTSUPP without a reset method; -EAGAIN when the PCI
 * core is busy with the function; another negative errno from the reset.
 */
int passthru_region_reset(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	int ret;

	lockdep_assert_held(&pt->lock);
	down_write(&pt->memory_lock);
	passthru_zap(pt);
	passthru_power_up(pt);
	pci_clear_master(pdev);
	ret = passthru_reset_now(pdev, false);
	up_write(&pt->memory_lock);
	if (!ret)
		pt->dirty = false;
	passthru_irq_resync(pt);
	passthru_config_reset(pt);
	return ret == -ENOTTY ? -EOPNOTSUPP : ret;
}

/**
 * passthru_region_quiesce() - hand a function back as passthru found it
 * @pt: the device, its file closing or the function being removed
 * @device_locked: the caller holds the function's device lock
 *
 * Brings the function back to D0, turns bus mastering off, resets it if
 * it was used since its last reset, and restores the config state saved
 * when passthru claimed it.  No BAR page can be mapped: the file is gone,
 * or passthru_region_revoke() ran.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_region_quiesce(struct passthru_device *pt, bool device_locked)
{
	struct pci_dev *pdev = pt->pdev;
	int ret;

	lockdep_assert_held(&pt->lock);
	passthru_region_stop(pt);
	if (pt->dirty) {
		ret = passthru_reset_now(pdev, device_locked);
		/* Without a reset method, trying again is no use. */
		if (!ret || ret == -ENOTTY)
			pt->dirty = false;
		else
			passthru_vmm_warn(pdev, "reset on release failed (%d); it will be tried again at unbind\n",
					  ret);
	}
	pci_load_saved_state(pdev, pt->host_state);
	pci_restore_state(pdev);
	/*
	 * The host's state but for bus mastering, which firmware often
	 * leaves on: a function without a reset method would otherwise keep
	 * DMA the VMM armed.
	 */
	pci_clear_master(pdev);
}

/**
 * passthru_region_stop() - D0 and no DMA, before the VMM's state goes
 * @pt: the device, its file closing or the function being removed
 *
 * Interrupt teardown writes the MSI-X table, which a function in D3hot
 * cannot take, and a function left mastering could DMA while its VMM's
 * memory is unmapped.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_region_stop(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	down_write(&pt->memory_lock);
	passthru_power_up(pt);
	up_write(&pt->memory_lock);
	pci_clear_master(pt->pdev);
}
