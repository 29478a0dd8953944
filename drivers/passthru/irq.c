// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts as eventfds: INTx, MSI, MSI-X, and the error and request
 * notifications (see "Interrupts" in the uAPI header).
 *
 * Locking.  passthru_device.lock serialises PASSTHRU_SET_IRQS, the
 * teardown at close and the notifications.  Each vector's mask state is
 * under its spinlock, which its hard interrupt handler takes; eventfds are
 * signalled outside it.  The INTx unmask eventfd's wake-up function runs
 * under that eventfd's wait-queue lock and takes the vector's lock; a
 * signal it owes goes through a work item, so no eventfd lock is ever
 * taken inside another.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "passthru_priv.h"

static const char * const passthru_irq_names[] = {
	[PASSTHRU_IRQ_INTX] = "intx",
	[PASSTHRU_IRQ_MSI] = "msi",
	[PASSTHRU_IRQ_MSIX] = "msix",
};

/* How many vectors @index has on this function. */
static unsigned int passthru_irq_count(struct passthru_device *pt,
				       unsigned int index)
{
	struct pci_dev *pdev = pt->pdev;
	int n;
	u8 pin;

	switch (index) {
	case PASSTHRU_IRQ_INTX:
		pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
		return pin && pdev->irq ? 1 : 0;
	case PASSTHRU_IRQ_MSI:
		n = pdev->msi_cap ? pci_msi_vec_count(pdev) : 0;
		return max(n, 0);
	case PASSTHRU_IRQ_MSIX:
		n = pdev->msix_cap ? pci_msix_vec_count(pdev) : 0;
		return max(n, 0);
	case PASSTHRU_IRQ_ERROR:
		return pci_is_pcie(pdev) ? 1 : 0;
	default:
		return 1;
	}
}

/*
 * MSI and MSI-X.  A vector stays requested while its type is enabled, so
 * the function's message stays valid; without an eventfd its interrupts
 * are dropped, and while masked they wait as pending.
 */
static irqreturn_t passthru_msi_handler(int irq, void *arg)
{
	struct passthru_vector *v = arg;
	struct eventfd_ctx *trigger;
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	trigger = v->masked ? NULL : v->trigger;
	if (v->masked)
		v->pending = true;
	spin_unlock_irqrestore(&v->lock, flags);
	/* passthru_vector_swap() waits for this handler before a put. */
	if (trigger)
		passthru_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

/* INTx is level-triggered: mask it, then tell the VMM. */
static irqreturn_t passthru_intx_handler(int irq, void *arg)
{
	struct passthru_vector *v = arg;
	struct passthru_device *pt = v->pt;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	if (v->masked) {
		/*
		 * Ours is masked at the line, or at the function, unless
		 * something undid that mask behind our back: then this is
		 * ours, and it is masked again rather than left to fire
		 * unhandled until the kernel shuts the line down.
		 */
		if (pt->irqs.intx_disable && pci_check_and_mask_intx(pt->pdev))
			ret = IRQ_HANDLED;
		spin_unlock_irqrestore(&v->lock, flags);
		return ret;
	} else if (!pt->irqs.intx_disable) {
		disable_irq_nosync(irq);
		v->masked = true;
		ret = IRQ_HANDLED;
	} else if (pci_check_and_mask_intx(pt->pdev)) {
		v->masked = true;
		ret = IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&v->lock, flags);
	if (ret == IRQ_HANDLED)
		passthru_eventfd_signal(v->trigger);
	return ret;
}

static void passthru_vector_mask(struct passthru_device *pt,
				 struct passthru_vector *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	if (!v->masked && pt->irqs.type == PASSTHRU_IRQ_INTX && v->trigger) {
		if (pt->irqs.intx_disable)
			pci_intx(pt->pdev, 0);
		else
			disable_irq_nosync(v->irq);
	}
	v->masked = true;
	spin_unlock_irqrestore(&v->lock, flags);
}

/*
 * Unmask a vector.  Return true when its eventfd must be signalled: an
 * MSI held while masked, or INTx still asserted (it then stays masked).
 * Any context.
 */
static bool passthru_vector_unmask(struct passthru_device *pt,
				   struct passthru_vector *v)
{
	unsigned long flags;
	bool fire = false;

	spin_lock_irqsave(&v->lock, flags);
	if (pt->irqs.type != PASSTHRU_IRQ_INTX) {
		fire = v->pending;
		v->pending = false;
		v->masked = false;
	} else if (!v->trigger) {
		/* No eventfd, no line requested: nothing to unmask. */
	} else if (v->masked && !pt->irqs.intx_disable) {
		enable_irq(v->irq);
		v->masked = false;
	} else if (v->masked) {
		if (pci_check_and_unmask_intx(pt->pdev))
			v->masked = false;
		else
			fire = true;
	}
	spin_unlock_irqrestore(&v->lock, flags);
	return fire;
}

/*
 * The signal an unmask through the eventfd owes.  The vector outlives this
 * work (teardown flushes it first).  Its eventfd is read under the
 * vector's lock and signalled outside it (the unmask eventfd's wake-up
 * takes that lock under the eventfd's own); an INTx eventfd swap clears
 * it under the same lock, then flushes this work before the old one is
 * put.
 */
static void passthru_intx_resend(struct work_struct *work)
{
	struct passthru_irqs *irqs = container_of(work, struct passthru_irqs,
						  resend);
	struct passthru_vector *v = &irqs->vec[0];
	struct eventfd_ctx *trigger;
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	trigger = v->trigger;
	spin_unlock_irqrestore(&v->lock, flags);
	if (trigger)
		passthru_eventfd_signal(trigger);
}

static int passthru_unmask_wakeup(wait_queue_entry_t *wait, unsigned int mode,
				  int sync, void *key)
{
	struct passthru_irqs *irqs = container_of(wait, struct passthru_irqs,
						  unmask_wait);
	struct passthru_device *pt = container_of(irqs, struct passthru_device,
						  irqs);
	u64 cnt;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(irqs->unmask, &cnt);
		if (passthru_vector_unmask(pt, &irqs->vec[0]))
			schedule_work(&irqs->resend);
	}
	return 0;
}

static void passthru_unmask_queue(struct file *file, wait_queue_head_t *wqh,
				  poll_table *table)
{
	struct passthru_irqs *irqs = container_of(table, struct passthru_irqs,
						  unmask_table);

	add_wait_queue(wqh, &irqs->unmask_wait);
}

static void passthru_unmask_clear(struct passthru_device *pt)
{
	struct passthru_irqs *irqs = &pt->irqs;
	u64 cnt;

	if (!irqs->unmask)
		return;
	eventfd_ctx_remove_wait_queue(irqs->unmask, &irqs->unmask_wait, &cnt);
	eventfd_ctx_put(irqs->unmask);
	irqs->unmask = NULL;
}

/* INTx: a write to @fd unmasks; -1 removes the unmask eventfd. */
static int passthru_unmask_set(struct passthru_device *pt, int fd)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct eventfd_ctx *ctx;
	__poll_t events;
	struct fd f;

	passthru_unmask_clear(pt);
	if (fd < 0)
		return 0;
	f = fdget(fd);
	if (!f.file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(ctx)) {
		fdput(f);
		return PTR_ERR(ctx);
	}
	irqs->unmask = ctx;
	init_waitqueue_func_entry(&irqs->unmask_wait, passthru_unmask_wakeup);
	init_poll_funcptr(&irqs->unmask_table, passthru_unmask_queue);
	events = vfs_poll(f.file, &irqs->unmask_table);
	fdput(f);
	/* Written before it was set: act on it now (@pt->lock held). */
	if ((events & EPOLLIN) &&
	    passthru_vector_unmask(pt, &irqs->vec[0]) && irqs->vec[0].trigger)
		passthru_eventfd_signal(irqs->vec[0].trigger);
	return 0;
}

/*
 * Give vector @i the eventfd @ctx (NULL: none), which it then owns.  The
 * one it had is returned in @old, for the caller to put or to give back;
 * on failure (INTx: its line could not be requested) the vector has none.
 */
static int passthru_vector_swap(struct passthru_device *pt, unsigned int i,
				struct eventfd_ctx *ctx,
				struct eventfd_ctx **old)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct passthru_vector *v = &irqs->vec[i];
	unsigned long flags;
	int ret;

	if (irqs->type != PASSTHRU_IRQ_INTX) {
		spin_lock_irqsave(&v->lock, flags);
		*old = v->trigger;
		v->trigger = ctx;
		v->masked = false;
		v->pending = false;
		spin_unlock_irqrestore(&v->lock, flags);
		/* A handler that read the old eventfd has signalled it. */
		synchronize_irq(v->irq);
		return 0;
	}

	/*
	 * INTx: the line is requested only with an eventfd.  The function's
	 * INTx-disable bit is changed under the vector's lock, which the
	 * handler holds around pci_check_and_mask_intx(), so neither
	 * read-modify-write of the command register undoes the other; and
	 * the eventfd is changed under it too, for the resend work and the
	 * unmask eventfd's wake-up, which run without @pt->lock.
	 */
	*old = v->trigger;
	if (v->trigger) {
		spin_lock_irqsave(&v->lock, flags);
		if (irqs->intx_disable)
			pci_intx(pt->pdev, 0);
		spin_unlock_irqrestore(&v->lock, flags);
		free_irq(v->irq, v);
		spin_lock_irqsave(&v->lock, flags);
		v->trigger = NULL;
		v->masked = false;
		spin_unlock_irqrestore(&v->lock, flags);
		/* A resend that read the old eventfd has signalled it. */
		flush_work(&irqs->resend);
	}
	if (!ctx)
		return 0;
	spin_lock_irqsave(&v->lock, flags);
	v->masked = false;
	v->trigger = ctx;
	spin_unlock_irqrestore(&v->lock, flags);
	ret = request_irq(v->irq, passthru_intx_handler,
			  irqs->intx_disable ? IRQF_SHARED : 0, v->name, v);
	if (ret) {
		spin_lock_irqsave(&v->lock, flags);
		v->trigger = NULL;
		spin_unlock_irqrestore(&v->lock, flags);
		return ret;
	}
	spin_lock_irqsave(&v->lock, flags);
	if (irqs->intx_disable && !v->masked)
		pci_intx(pt->pdev, 1);
	spin_unlock_irqrestore(&v->lock, flags);
	return 0;
}

/*
 * Tear the active one of INTx, MSI and MSI-X down.  MSI-X's teardown masks
 * its vectors in the table, so memory decode is on meanwhile (the function
 * is in D0: passthru_set_irqs() and passthru_region_stop() see to it).
 */
static void passthru_irqs_disable(struct passthru_device *pt)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct eventfd_ctx *old;
	unsigned int i;
	u16 cmd = 0;

	if (irqs->type < 0)
		return;
	if (irqs->type == PASSTHRU_IRQ_MSIX)
		cmd = passthru_memory_lock_and_enable(pt);
	if (irqs->type == PASSTHRU_IRQ_INTX) {
		/* No more unmask wake-ups, so no more resend work. */
		passthru_unmask_clear(pt);
		flush_work(&irqs->resend);
	}
	for (i = 0; i < irqs->nvec; i++) {
		passthru_vector_swap(pt, i, NULL, &old);
		if (old)
			eventfd_ctx_put(old);
		if (irqs->type != PASSTHRU_IRQ_INTX)
			free_irq(irqs->vec[i].irq, &irqs->vec[i]);
		kfree(irqs->vec[i].name);
	}
	if (irqs->type != PASSTHRU_IRQ_INTX)
		pci_free_irq_vectors(pt->pdev);
	if (irqs->type == PASSTHRU_IRQ_MSIX)
		passthru_memory_unlock_and_restore(pt, cmd);
	kfree(irqs->vec);
	irqs->vec = NULL;
	irqs->nvec = 0;
	irqs->type = -1;
	/* Disabling MSI re-enabled INTx at the function. */
	passthru_irq_quiet(pt);
}

/*
 * Make @index the active type with @want vectors (INTx: one): host vectors
 * are taken for what the VMM uses, not for the whole MSI-X table.  MSI-X's
 * setup writes its table, so memory decode is on meanwhile.
 */
static int passthru_irqs_enable(struct passthru_device *pt, unsigned int index,
				unsigned int want)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct pci_dev *pdev = pt->pdev;
	int n, ret = -ENOMEM;
	unsigned int i;
	u16 cmd = 0;

	passthru_irqs_disable(pt);
	if (index == PASSTHRU_IRQ_MSIX)
		cmd = passthru_memory_lock_and_enable(pt);
	if (index == PASSTHRU_IRQ_INTX) {
		n = 1;
		irqs->intx_disable = pci_intx_mask_supported(pdev);
	} else {
		n = pci_alloc_irq_vectors(pdev, want, want,
					  index == PASSTHRU_IRQ_MSI ?
					  PCI_IRQ_MSI : PCI_IRQ_MSIX);
		if (n < 0) {
			passthru_vmm_info(pdev, "cannot enable %u %s vectors for the VMM (%d)\n",
					  want, passthru_irq_names[index], n);
			ret = n == -EINVAL ? -ENOSPC : n;
			goto err_decode;
		}
	}
	irqs->vec = kcalloc(n, sizeof(*irqs->vec), GFP_KERNEL_ACCOUNT);
	if (!irqs->vec)
		goto err;
	for (i = 0; i < n; i++) {
		struct passthru_vector *v = &irqs->vec[i];

		v->pt = pt;
		spin_lock_init(&v->lock);
		v->irq = index == PASSTHRU_IRQ_INTX ? pdev->irq :
			 pci_irq_vector(pdev, i);
		v->name = kasprintf(GFP_KERNEL_ACCOUNT, "passthru-%s[%u](%s)",
				    passthru_irq_names[index], i,
				    pci_name(pdev));
		ret = v->name ? 0 : -ENOMEM;
		if (!ret && index != PASSTHRU_IRQ_INTX)
			ret = request_irq(v->irq, passthru_msi_handler, 0,
					  v->name, v);
		if (ret) {
			kfree(v->name);
			goto err_vectors;
		}
	}
	irqs->type = index;
	irqs->nvec = n;
	if (index == PASSTHRU_IRQ_MSIX)
		passthru_memory_unlock_and_restore(pt, cmd);
	return 0;

err_vectors:
	while (i--) {
		if (index != PASSTHRU_IRQ_INTX)
			free_irq(irqs->vec[i].irq, &irqs->vec[i]);
		kfree(irqs->vec[i].name);
	}
	kfree(irqs->vec);
	irqs->vec = NULL;
err:
	if (index != PASSTHRU_IRQ_INTX)
		pci_free_irq_vectors(pdev);
err_decode:
	if (index == PASSTHRU_IRQ_MSIX)
		passthru_memory_unlock_and_restore(pt, cmd);
	return ret;
}

/* What an MSI-X vector keeps across passthru_msix_grow(). */
struct passthru_kept {
	struct eventfd_ctx *trigger;
	bool masked;
};

/*
 * MSI-X: @want vectors in place of the enabled ones, which keep their
 * eventfds and masks.  An enabled MSI-X cannot gain vectors on every
 * kernel passthru supports, so it is enabled anew: an interrupt raised
 * meanwhile may be lost.  On failure no type is active.
 */
static int passthru_msix_grow(struct passthru_device *pt, unsigned int want)
{
	struct passthru_irqs *irqs = &pt->irqs;
	unsigned int i, n = irqs->nvec;
	struct passthru_kept *kept;
	struct eventfd_ctx *none;
	unsigned long flags;
	int ret;

	kept = kcalloc(n, sizeof(*kept), GFP_KERNEL_ACCOUNT);
	if (!kept)
		return -ENOMEM;
	/* The eventfds move out of the old vectors, their references too. */
	for (i = 0; i < n; i++) {
		kept[i].masked = irqs->vec[i].masked;
		passthru_vector_swap(pt, i, NULL, &kept[i].trigger);
	}
	ret = passthru_irqs_enable(pt, PASSTHRU_IRQ_MSIX, want);
	for (i = 0; i < n; i++) {
		struct passthru_vector *v;

		if (!kept[i].trigger)
			continue;
		if (ret) {
			eventfd_ctx_put(kept[i].trigger);
			continue;
		}
		v = &irqs->vec[i];
		/* MSI-X swaps cannot fail, and the new vector had none. */
		passthru_vector_swap(pt, i, kept[i].trigger, &none);
		spin_lock_irqsave(&v->lock, flags);
		v->masked = kept[i].masked;
		spin_unlock_irqrestore(&v->lock, flags);
	}
	kfree(kept);
	return ret;
}

/**
 * passthru_irq_copy_fds() - copy in the descriptors of a PASSTHRU_SET_IRQS
 * @set: the struct, copied in
 *
 * SET_IRQS copies its array of descriptors before it takes the device's
 * lock, so that a VMM whose array faults forever (userfaultfd) cannot hold
 * up remove().  The block is validated later, under the lock: a copy that
 * failed is reported only if the call gets that far.
 *
 * Context: process context; no passthru lock held.
 * Return: the descriptors (kfree() them), NULL when the call takes none,
 * or an ERR_PTR() for passthru_set_irqs() to return.
 */
s32 *passthru_irq_copy_fds(const struct passthru_irq_set *set)
{
	s32 *fds;

	if (!(set->flags & (PASSTHRU_IRQ_SET_EVENTFD |
			    PASSTHRU_IRQ_SET_UNMASK_EVENTFD)) ||
	    !set->count || set->count > PASSTHRU_MAX_VECTORS)
		return NULL;
	fds = kmalloc_array(set->count, sizeof(*fds), GFP_KERNEL_ACCOUNT);
	if (!fds)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(fds, u64_to_user_ptr(set->data),
			   set->count * sizeof(*fds))) {
		kfree(fds);
		return ERR_PTR(-EFAULT);
	}
	return fds;
}

/* The eventfds of @fds, copied in; -1 entries become NULL. */
static struct eventfd_ctx **passthru_get_eventfds(const s32 *fds,
						  unsigned int count)
{
	struct eventfd_ctx **ctx;
	unsigned int i;
	int ret = 0;

	if (IS_ERR(fds))
		return ERR_CAST(fds);
	ctx = kcalloc(count, sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < count && !ret; i++) {
		if (fds[i] < 0)
			continue;
		ctx[i] = eventfd_ctx_fdget(fds[i]);
		if (IS_ERR(ctx[i])) {
			ret = PTR_ERR(ctx[i]);
			ctx[i] = NULL;
		}
	}
	if (!ret)
		return ctx;
	while (i--)
		if (ctx[i])
			eventfd_ctx_put(ctx[i]);
	kfree(ctx);
	return ERR_PTR(ret);
}

/* PASSTHRU_IRQ_SET_EVENTFD on INTx, MSI or MSI-X. */
static int passthru_irqs_set_eventfds(struct passthru_device *pt,
				      struct passthru_irq_set *set,
				      const s32 *fds)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct eventfd_ctx **ctx, **old;
	unsigned int i, end = set->start + set->count;
	int ret = 0;

	if (!set->count) {
		if (set->start)
			return -EINVAL;
		if (irqs->type == set->index)
			passthru_irqs_disable(pt);
		return 0;
	}
	if (!pt->vm)
		return -EPERM;
	ctx = passthru_get_eventfds(fds, set->count);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	old = kcalloc(set->count, sizeof(*old), GFP_KERNEL_ACCOUNT);
	if (!old) {
		ret = -ENOMEM;
		goto out;
	}
	if (irqs->type != set->index) {
		ret = passthru_irqs_enable(pt, set->index, end);
		if (ret)
			goto out;
	} else if (end > irqs->nvec) {
		/* MSI: the function sees its number of vectors. */
		ret = set->index == PASSTHRU_IRQ_MSI ? -EINVAL :
		      passthru_msix_grow(pt, end);
		if (ret)
			goto out;
	}
	/* Keep the old eventfds until the whole block has its new ones. */
	for (i = 0; i < set->count && !ret; i++) {
		ret = passthru_vector_swap(pt, set->start + i, ctx[i], &old[i]);
		if (!ret)
			ctx[i] = NULL;
	}
	if (ret) {
		/* Undo: the vectors set so far, and the one that failed. */
		while (i--) {
			struct eventfd_ctx *mine;

			if (passthru_vector_swap(pt, set->start + i, old[i],
						 &mine) && old[i])
				eventfd_ctx_put(old[i]);
			old[i] = NULL;
			if (mine)
				eventfd_ctx_put(mine);
		}
	}
	for (i = 0; i < set->count; i++)
		if (old[i])
			eventfd_ctx_put(old[i]);
out:
	for (i = 0; i < set->count; i++)
		if (ctx[i])
			eventfd_ctx_put(ctx[i]);
	kfree(old);
	kfree(ctx);
	return ret;
}

/* The error and request notifications: one eventfd each. */
static int passthru_notify_set(struct passthru_device *pt,
			       struct passthru_irq_set *set, const s32 *fds)
{
	struct eventfd_ctx **slot = &pt->irqs.notify[set->index -
						     PASSTHRU_IRQ_ERROR];
	struct eventfd_ctx **ctx;

	if (set->flags == PASSTHRU_IRQ_SET_TRIGGER) {
		if (set->count && *slot)
			passthru_eventfd_signal(*slot);
		return 0;
	}
	if (set->flags != PASSTHRU_IRQ_SET_EVENTFD)
		return -EINVAL;
	ctx = set->count ? passthru_get_eventfds(fds, 1) : NULL;
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx ? ctx[0] : NULL;
	kfree(ctx);
	return 0;
}

/**
 * passthru_irq_quiet() - keep INTx off while the VMM does not use it
 * @pt: the device
 *
 * A function left free to assert INTx while nobody handles it would make
 * the kernel disable the line, and with it the interrupts of any host
 * device sharing it.  Functions without the INTx-disable bit cannot be
 * kept quiet this way.
 *
 * Context: process context; @pt->lock held, INTx not in use.
 */
void passthru_irq_quiet(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	if (pci_intx_mask_supported(pt->pdev))
		pci_intx(pt->pdev, 0);
}

/**
 * passthru_irq_resync() - put INTx's state back at the function
 * @pt: the device, after its config state was restored (D3hot to D0, or a
 *	reset)
 *
 * A restore writes the command register back as it was saved, its
 * INTx-disable bit included, which may not be what the interrupt state
 * says any more: a VMM that masked INTx in D3hot would find it unmasked
 * at the function in D0.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_irq_resync(struct passthru_device *pt)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct passthru_vector *v;
	unsigned long flags;

	lockdep_assert_held(&pt->lock);
	if (irqs->type < 0) {
		passthru_irq_quiet(pt);
		return;
	}
	if (irqs->type != PASSTHRU_IRQ_INTX || !irqs->intx_disable)
		return;
	v = &irqs->vec[0];
	spin_lock_irqsave(&v->lock, flags);
	pci_intx(pt->pdev, v->trigger && !v->masked);
	spin_unlock_irqrestore(&v->lock, flags);
}

/**
 * passthru_irq_info() - PASSTHRU_IRQ_INFO
 * @pt: the device, its lock held and not removed
 * @info: the struct, copied in
 *
 * Context: process context.
 * Return: 0, or -EINVAL for an unknown index.
 */
int passthru_irq_info(struct passthru_device *pt, struct passthru_irq_info *info)
{
	struct passthru_irqs *irqs = &pt->irqs;

	lockdep_assert_held(&pt->lock);
	if (info->index >= PASSTHRU_NUM_IRQS)
		return -EINVAL;
	info->count = passthru_irq_count(pt, info->index);
	info->caps = 0;
	info->active = 0;
	if (info->index <= PASSTHRU_IRQ_MSIX && info->count) {
		info->caps |= PASSTHRU_IRQ_CAP_MASK;
		if (irqs->type == info->index)
			info->active = irqs->nvec;
	} else if (info->index >= PASSTHRU_IRQ_ERROR) {
		info->active = !!irqs->notify[info->index - PASSTHRU_IRQ_ERROR];
	}
	if (info->index == PASSTHRU_IRQ_INTX && info->count &&
	    pci_intx_mask_supported(pt->pdev))
		info->caps |= PASSTHRU_IRQ_CAP_INTX_DISABLE;
	return 0;
}

/**
 * passthru_set_irqs() - PASSTHRU_SET_IRQS
 * @pt: the device, its lock held and not removed
 * @set: the struct, copied in
 * @fds: what passthru_irq_copy_fds() returned for @set
 *
 * Context: process context.
 * Return: 0 or a negative errno, as the uAPI header lists.
 */
int passthru_set_irqs(struct passthru_device *pt, struct passthru_irq_set *set,
		      const s32 *fds)
{
	struct passthru_irqs *irqs = &pt->irqs;
	unsigned int i, count;

	lockdep_assert_held(&pt->lock);
	if (set->__reserved || hweight32(set->flags) != 1 ||
	    set->index >= PASSTHRU_NUM_IRQS)
		return -EINVAL;
	count = passthru_irq_count(pt, set->index);
	if (set->start > count || set->count > count - set->start)
		return -EINVAL;
	if (set->index >= PASSTHRU_IRQ_ERROR)
		return passthru_notify_set(pt, set, fds);

	switch (set->flags) {
	case PASSTHRU_IRQ_SET_EVENTFD:
		/* The MSI-X table does not answer in D3hot. */
		if (pt->d3hot && (set->index == PASSTHRU_IRQ_MSIX ||
				  irqs->type == PASSTHRU_IRQ_MSIX))
			return -EIO;
		return passthru_irqs_set_eventfds(pt, set, fds);
	case PASSTHRU_IRQ_SET_UNMASK_EVENTFD:
		if (set->index != PASSTHRU_IRQ_INTX || set->start ||
		    set->count != 1 || irqs->type != PASSTHRU_IRQ_INTX)
			return -EINVAL;
		if (IS_ERR(fds))
			return PTR_ERR(fds);
		return passthru_unmask_set(pt, fds[0]);
	default:
		break;
	}
	/* Mask, unmask, trigger: on the enabled vectors of the active type. */
	if (irqs->type != set->index || set->start + set->count > irqs->nvec)
		return -EINVAL;
	for (i = set->start; i < set->start + set->count; i++) {
		struct passthru_vector *v = &irqs->vec[i];

		if (!v->trigger)
			continue;
		if (set->flags == PASSTHRU_IRQ_SET_MASK)
			passthru_vector_mask(pt, v);
		else if (set->flags == PASSTHRU_IRQ_SET_TRIGGER ||
			 passthru_vector_unmask(pt, v))
			passthru_eventfd_signal(v->trigger);
	}
	return 0;
}

/**
 * passthru_irq_init() - set up a device's interrupt state
 * @pt: the device, being created
 *
 * Context: process context.
 */
void passthru_irq_init(struct passthru_device *pt)
{
	pt->irqs.type = -1;
	INIT_WORK(&pt->irqs.resend, passthru_intx_resend);
}

/**
 * passthru_irq_release() - tear every interrupt and notification down
 * @pt: the device, its file closing or the function being removed
 *
 * Context: process context; @pt->lock held.
 */
void passthru_irq_release(struct passthru_device *pt)
{
	unsigned int i;

	lockdep_assert_held(&pt->lock);
	passthru_irqs_disable(pt);
	for (i = 0; i < ARRAY_SIZE(pt->irqs.notify); i++) {
		if (pt->irqs.notify[i])
			eventfd_ctx_put(pt->irqs.notify[i]);
		pt->irqs.notify[i] = NULL;
	}
}

/**
 * passthru_irq_notify() - signal the error or request notification
 * @pt: the device
 * @index: PASSTHRU_IRQ_ERROR or PASSTHRU_IRQ_REQUEST
 *
 * Context: process context; @pt->lock held.
 * Return: true if the VMM had an eventfd for it.
 */
bool passthru_irq_notify(struct passthru_device *pt, unsigned int index)
{
	struct eventfd_ctx *ctx = pt->irqs.notify[index - PASSTHRU_IRQ_ERROR];

	lockdep_assert_held(&pt->lock);
	if (ctx)
		passthru_eventfd_signal(ctx);
	return ctx;
}
