// SPDX-License-Identifier: GPL-2.0
/*
 * The interrupt vectors a VMM gets as eventfds: enabling INTx, MSI or
 * MSI-X with the host vectors it uses, their eventfds, masks and
 * teardown, and the error and request notifications (see "Interrupts" in
 * the uAPI header).  INTx's own handling is intx.c's; the ioctls that
 * reach all this are irq_ioctl.c's.
 *
 * Locking.  passthru_device.lock serialises PASSTHRU_SET_IRQS, the
 * teardown at close and the notifications.  Each vector's mask state and
 * eventfd change under its spinlock, which the INTx handler takes; the
 * MSI/MSI-X handler reads them without it (WRITE_ONCE()/READ_ONCE()) and
 * takes it only for a masked vector.  Eventfds are signalled outside it,
 * and put only after synchronize_irq().
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "passthru_priv.h"

static const char * const passthru_irq_names[] = {
	[PASSTHRU_IRQ_INTX] = "intx",
	[PASSTHRU_IRQ_MSI] = "msi",
	[PASSTHRU_IRQ_MSIX] = "msix",
};

/**
 * passthru_irq_count() - how many vectors of a kind a function has
 * @pt: the device
 * @index: an &enum passthru_irq_index
 *
 * Context: process context.
 * Return: the count; 0 when the function has none of @index.
 */
unsigned int passthru_irq_count(struct passthru_device *pt,
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

	/*
	 * Unmasked, as nearly always, this is what vfio-pci does: signal,
	 * without the lock.  A mask that this read misses is one this
	 * interrupt came before, as when the handler held the lock first;
	 * the eventfd read is still the vector's, or one that
	 * passthru_vector_swap() puts only after synchronize_irq().  Only a
	 * masked vector needs the lock: its pending bit must not be set
	 * after an unmask has looked at it.
	 */
	if (likely(!READ_ONCE(v->masked))) {
		trigger = READ_ONCE(v->trigger);
	} else {
		spin_lock_irqsave(&v->lock, flags);
		trigger = v->masked ? NULL : v->trigger;
		if (v->masked)
			v->pending = true;
		spin_unlock_irqrestore(&v->lock, flags);
	}
	if (trigger)
		passthru_eventfd_signal(trigger);
	return IRQ_HANDLED;
}

/**
 * passthru_vector_mask() - PASSTHRU_IRQ_SET_MASK on one vector
 * @pt: the device
 * @v: an enabled vector of the active type
 *
 * An MSI arriving while masked is held as pending.
 *
 * Context: any context.
 */
void passthru_vector_mask(struct passthru_device *pt, struct passthru_vector *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->lock, flags);
	if (pt->irqs.type == PASSTHRU_IRQ_INTX)
		passthru_intx_mask(pt, v);
	WRITE_ONCE(v->masked, true);
	spin_unlock_irqrestore(&v->lock, flags);
}

/**
 * passthru_vector_unmask() - PASSTHRU_IRQ_SET_UNMASK on one vector
 * @pt: the device
 * @v: an enabled vector of the active type
 *
 * Context: any context.
 * Return: true when its eventfd must be signalled: an MSI held while
 * masked, or INTx still asserted (it then stays masked).
 */
bool passthru_vector_unmask(struct passthru_device *pt,
			    struct passthru_vector *v)
{
	unsigned long flags;
	bool fire = false;

	spin_lock_irqsave(&v->lock, flags);
	if (pt->irqs.type == PASSTHRU_IRQ_INTX) {
		fire = passthru_intx_unmask(pt, v);
	} else {
		fire = v->pending;
		v->pending = false;
		WRITE_ONCE(v->masked, false);
	}
	spin_unlock_irqrestore(&v->lock, flags);
	return fire;
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

	lockdep_assert_held(&pt->lock);
	if (irqs->type != PASSTHRU_IRQ_INTX) {
		spin_lock_irqsave(&v->lock, flags);
		*old = v->trigger;
		WRITE_ONCE(v->trigger, ctx);
		WRITE_ONCE(v->masked, false);
		v->pending = false;
		spin_unlock_irqrestore(&v->lock, flags);
		/* A handler that read the old eventfd has signalled it. */
		synchronize_irq(v->irq);
		return 0;
	}

	return passthru_intx_swap(pt, ctx, old);
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

	lockdep_assert_held(&pt->lock);
	if (irqs->type < 0)
		return;
	if (irqs->type == PASSTHRU_IRQ_MSIX)
		cmd = passthru_memory_lock_and_enable(pt);
	if (irqs->type == PASSTHRU_IRQ_INTX) {
		/* No more unmask wake-ups, so no more resend work. */
		passthru_intx_unmask_clear(pt);
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
	passthru_intx_quiet(pt);
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
		WRITE_ONCE(v->masked, kept[i].masked);
		spin_unlock_irqrestore(&v->lock, flags);
	}
	kfree(kept);
	return ret;
}

/**
 * passthru_get_eventfds() - the eventfds of descriptors a VMM passed
 * @fds: the descriptors, copied in, or the ERR_PTR() that copying them gave
 * @count: entries in @fds
 *
 * Context: process context.
 * Return: an array of @count references (-1 entries become NULL; kfree()
 * the array, put each), or an ERR_PTR(): -EBADF, -EINVAL for a descriptor
 * that is not an eventfd, -ENOMEM, or @fds' own.
 */
struct eventfd_ctx **passthru_get_eventfds(const s32 *fds, unsigned int count)
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

/**
 * passthru_irqs_set_eventfds() - PASSTHRU_IRQ_SET_EVENTFD on INTx, MSI or MSI-X
 * @pt: the device, attached to a VM for a count other than 0
 * @set: the struct, validated against the function's vectors
 * @fds: what passthru_irq_copy_fds() returned for @set
 *
 * A count of 0 disables the type; otherwise the type becomes the active
 * one with at least start + count vectors, and the block's vectors get
 * their eventfds, all of them or none.
 *
 * Context: process context; @pt->lock held, the function in D0 for MSI-X.
 * Return: 0 or a negative errno of PASSTHRU_SET_IRQS.
 */
int passthru_irqs_set_eventfds(struct passthru_device *pt,
			       struct passthru_irq_set *set, const s32 *fds)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct eventfd_ctx **ctx, **old;
	unsigned int i, end = set->start + set->count;
	int ret = 0;

	lockdep_assert_held(&pt->lock);
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

/**
 * passthru_irq_init() - set up a device's interrupt state
 * @pt: the device, being created
 *
 * Context: process context.
 */
void passthru_irq_init(struct passthru_device *pt)
{
	pt->irqs.type = -1;
	passthru_intx_init(pt);
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
