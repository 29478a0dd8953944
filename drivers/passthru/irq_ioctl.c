// SPDX-License-Identifier: GPL-2.0
/*
 * PASSTHRU_IRQ_INFO and PASSTHRU_SET_IRQS: what a VMM can ask of the
 * interrupts of its device, validated here and carried out by irq.c and
 * intx.c.  SET_IRQS copies its descriptors in before it takes the
 * device's lock.
 */
#include <linux/eventfd.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "passthru_priv.h"

/*
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
static s32 *passthru_irq_copy_fds(const struct passthru_irq_set *set)
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

/*
 * passthru_irq_info() - PASSTHRU_IRQ_INFO
 * @pt: the device, its lock held and not removed
 * @info: the struct, copied in
 *
 * Context: process context.
 * Return: 0, or -EINVAL for an unknown index.
 */
static int passthru_irq_info(struct passthru_device *pt,
			     struct passthru_irq_info *info)
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

/*
 * passthru_set_irqs() - PASSTHRU_SET_IRQS
 * @pt: the device, its lock held and not removed
 * @set: the struct, copied in
 * @fds: what passthru_irq_copy_fds() returned for @set
 *
 * Context: process context.
 * Return: 0 or a negative errno, as the uAPI header lists.
 */
static int passthru_set_irqs(struct passthru_device *pt,
			     struct passthru_irq_set *set, const s32 *fds)
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
		return passthru_intx_unmask_set(pt, fds[0]);
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
 * passthru_do_irq_info() - PASSTHRU_IRQ_INFO
 * @ctx: the device, locked and not removed
 * @cmd: its struct passthru_irq_info, copied in
 *
 * Context: process context; @pt->lock held.
 * Return: as passthru_irq_info().
 */
int passthru_do_irq_info(void *ctx, void *cmd)
{
	return passthru_irq_info(ctx, cmd);
}

/**
 * passthru_do_set_irqs() - PASSTHRU_SET_IRQS
 * @ctx: the device
 * @cmd: its struct passthru_irq_set, copied in
 *
 * Context: process context; no passthru lock held.
 * Return: as passthru_set_irqs(), or -ENODEV once the function was removed.
 */
int passthru_do_set_irqs(void *ctx, void *cmd)
{
	struct passthru_device *pt = ctx;
	s32 *fds;
	int ret;

	/* User memory is read before the lock that remove() needs. */
	fds = passthru_irq_copy_fds(cmd);
	ret = passthru_device_lock_live(pt);
	if (!ret) {
		ret = passthru_set_irqs(pt, cmd, fds);
		mutex_unlock(&pt->lock);
	}
	if (!IS_ERR(fds))
		kfree(fds);
	return ret;
}
