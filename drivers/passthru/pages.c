// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning a VM's memory, and what it costs its user.
 *
 * Pinned pages are charged to the user who created the VM (its
 * user_struct's locked_vm, the counter io_uring and iommufd use), so
 * RLIMIT_MEMLOCK bounds them however many processes, VMs and passed fds
 * the user spreads them over; the creator's mm shows them as VmPin.  The
 * VMs (each an IOMMU domain) a user may hold at once are bounded by
 * max_vms_per_user.
 *
 * Pages are pinned with no passthru lock held: pinning may fault without
 * end (userfaultfd), and remove() needs the locks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "compat.h"
#include "passthru_priv.h"

/*
 * Pages pinned per pin_user_pages_fast() call: eight pages of pointers
 * (4096 pages, 16 MiB, eight huge pages' worth: each call walks the page
 * tables from the top again), or one page where eight contiguous pages
 * cannot be had at once.
 */
#define PASSTHRU_PIN_ORDER 3
#define PASSTHRU_PIN_BATCH (PAGE_SIZE / sizeof(struct page *))

/**
 * passthru_vm_charge() - charge pinned pages to a VM's user
 * @vm: the VM
 * @npages: pages about to be pinned
 *
 * Refused past the caller's RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK; the
 * pages show in the creator's mm as VmPin.
 *
 * Context: process context, the caller's.
 * Return: 0, or -ENOMEM.
 */
int passthru_vm_charge(struct passthru_vm *vm, unsigned long npages)
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

/**
 * passthru_vm_uncharge() - undo passthru_vm_charge()
 * @vm: the VM
 * @npages: pages unpinned, or never pinned
 *
 * Context: any context.
 */
void passthru_vm_uncharge(struct passthru_vm *vm, unsigned long npages)
{
	atomic_long_sub(npages, &vm->user->locked_vm);
	atomic64_sub(npages, &vm->mm->pinned_vm);
}

/* VMs per user (uid -> count as an xarray value), for max_vms_per_user. */
static DEFINE_XARRAY(passthru_vm_users);
static DEFINE_MUTEX(passthru_vm_users_lock);

/**
 * passthru_vm_user_get() - count a new VM of a user
 * @user: the creator
 *
 * Context: process context.
 * Return: 0, -EMFILE when @user already holds max_vms_per_user VMs, or
 * -ENOMEM.
 */
int passthru_vm_user_get(struct user_struct *user)
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

/**
 * passthru_vm_user_put() - undo passthru_vm_user_get()
 * @user: the creator
 *
 * Context: process context.
 */
void passthru_vm_user_put(struct user_struct *user)
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

/**
 * passthru_unpin_runs() - unpin pinned pages
 * @runs: the pages, as runs
 * @nr: entries in @runs
 * @dirty: the device may have written them
 *
 * Context: process context.
 */
void passthru_unpin_runs(struct passthru_run *runs, unsigned long nr,
			 bool dirty)
{
	unsigned long i;

	for (i = 0; i < nr; i++)
		unpin_user_page_range_dirty_lock(pfn_to_page(runs[i].pfn),
						 runs[i].npages, dirty);
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

/*
 * How many of the @n pages from @pages[0] are contiguous frames.  Where
 * the struct pages of contiguous frames are contiguous themselves (a
 * virtual memmap, or a flat one), the pointers are compared, which is
 * all a huge page's 512 entries cost.
 */
static unsigned long passthru_pages_contiguous(struct page **pages,
					       unsigned long n)
{
	unsigned long pfn = page_to_pfn(pages[0]), k;

	if (IS_ENABLED(CONFIG_SPARSEMEM_VMEMMAP) || IS_ENABLED(CONFIG_FLATMEM)) {
		for (k = 1; k < n; k++)
			if (pages[k] != pages[0] + k)
				break;
	} else {
		for (k = 1; k < n; k++)
			if (page_to_pfn(pages[k]) != pfn + k)
				break;
	}
	return k;
}

/**
 * passthru_pin() - pin the memory of a new mapping
 * @vm: its VM, whose mm is the caller's
 * @dma: the mapping: @npages pages from @vaddr are pinned into @runs
 *	(allocated here; kvfree() them)
 *
 * Context: process context; no passthru lock held.
 * Return: 0, or -EFAULT (not mapped, or not writable for a writable
 * mapping), -EOPNOTSUPP (I/O or PFN memory), -ENOMEM; on failure
 * nothing stays pinned.
 */
int passthru_pin(struct passthru_vm *vm, struct passthru_dma *dma)
{
	unsigned long done = 0, cap = 0, i, k, batch = PASSTHRU_PIN_BATCH;
	unsigned int gup = FOLL_LONGTERM, order = 0;
	struct page *few[4], **pages;
	int ret = 0;

	if (dma->flags & PASSTHRU_DMA_WRITE)
		gup |= FOLL_WRITE;
	/* A small mapping (a VMM makes many) takes no allocation here. */
	if (dma->npages <= ARRAY_SIZE(few)) {
		pages = few;
		batch = ARRAY_SIZE(few);
	} else {
		pages = NULL;
		if (dma->npages > PASSTHRU_PIN_BATCH) {
			order = PASSTHRU_PIN_ORDER;
			pages = (struct page **)__get_free_pages(GFP_KERNEL_ACCOUNT |
								 __GFP_NORETRY |
								 __GFP_NOWARN,
								 order);
		}
		if (!pages) {
			order = 0;
			pages = (struct page **)__get_free_page(GFP_KERNEL_ACCOUNT);
		}
		if (!pages)
			return -ENOMEM;
		batch = PASSTHRU_PIN_BATCH << order;
	}
	while (done < dma->npages) {
		unsigned long addr = dma->vaddr + (done << PAGE_SHIFT);
		int n = min_t(unsigned long, dma->npages - done, batch);

		ret = passthru_runs_reserve(dma, &cap, n);
		if (ret)
			break;
		n = pin_user_pages_fast(addr, n, gup, pages);
		if (n <= 0) {
			ret = passthru_pin_error(vm->mm, addr, n ?: -EFAULT);
			break;
		}
		/* Contiguous frames (a huge page's) go in as one piece. */
		for (i = 0; i < n; i += k) {
			k = passthru_pages_contiguous(pages + i, n - i);
			passthru_runs_add(dma->runs, &dma->nr_runs,
					  page_to_pfn(pages[i]), k);
		}
		done += n;
		cond_resched();
	}
	if (pages != few)
		free_pages((unsigned long)pages, order);
	if (ret)
		passthru_unpin_runs(dma->runs, dma->nr_runs, false);
	return ret;
}

/**
 * passthru_pages_exit() - forget the per-user VM counts
 *
 * Context: module exit; no VM is left.
 */
void passthru_pages_exit(void)
{
	xa_destroy(&passthru_vm_users);
}
