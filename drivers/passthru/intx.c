// SPDX-License-Identifier: GPL-2.0
/*
 * INTx for the VMM.  INTx is level-triggered: the handler masks it (with
 * the function's INTx-disable bit where it has one, else at the line) and
 * signals the VMM's eventfd; the VMM unmasks it with SET_IRQS, or by
 * writing its unmask eventfd, and an INTx still asserted then fires
 * again.  The line is shared with other functions where the platform
 * says so, so a function that is not ours asserting it gets IRQ_NONE.
 *
 * Locking.  The vector's spinlock is taken by the hard interrupt handler;
 * it orders the mask state, the eventfd and every read-modify-write of the
 * command register's INTx-disable bit.  The unmask eventfd's wake-up runs
 * under that eventfd's wait-queue lock and takes the vector's lock; a
 * signal it owes goes through a work item, so no eventfd lock is ever
 * taken inside another.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/poll.h>

#include "compat.h"
#include "passthru_priv.h"

/*
 * The INTx handler: mask it, then tell the VMM.  Shared with other
 * functions where the line is (then masked with INTx-disable only).
 */
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

/**
 * passthru_intx_mask() - mask INTx for the VMM
 * @pt: the device, INTx active
 * @v: its INTx vector, its lock held
 *
 * At the function with INTx-disable, else at the line.
 *
 * Context: any context.
 */
void passthru_intx_mask(struct passthru_device *pt, struct passthru_vector *v)
{
	lockdep_assert_held(&v->lock);
	if (v->masked || !v->trigger)
		return;
	if (pt->irqs.intx_disable)
		pci_intx(pt->pdev, 0);
	else
		disable_irq_nosync(v->irq);
}

/**
 * passthru_intx_unmask() - unmask INTx for the VMM
 * @pt: the device, INTx active
 * @v: its INTx vector, its lock held
 *
 * Context: any context.
 * Return: true when INTx is still asserted: it then stays masked, and
 * its eventfd must be signalled again.
 */
bool passthru_intx_unmask(struct passthru_device *pt, struct passthru_vector *v)
{
	lockdep_assert_held(&v->lock);
	if (!v->trigger || !v->masked) {
		/* No eventfd, no line requested: nothing to unmask. */
	} else if (!pt->irqs.intx_disable) {
		enable_irq(v->irq);
		v->masked = false;
	} else if (pci_check_and_unmask_intx(pt->pdev)) {
		v->masked = false;
	} else {
		return true;
	}
	return false;
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
	struct passthru_vector *v = &irqs->vec[0];
	unsigned long flags;
	bool fire;
	u64 cnt;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(irqs->unmask, &cnt);
		spin_lock_irqsave(&v->lock, flags);
		fire = passthru_intx_unmask(pt, v);
		spin_unlock_irqrestore(&v->lock, flags);
		if (fire)
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

/**
 * passthru_intx_unmask_clear() - drop the INTx unmask eventfd
 * @pt: the device
 *
 * Context: process context; @pt->lock held.
 */
void passthru_intx_unmask_clear(struct passthru_device *pt)
{
	struct passthru_irqs *irqs = &pt->irqs;
	u64 cnt;

	lockdep_assert_held(&pt->lock);
	if (!irqs->unmask)
		return;
	eventfd_ctx_remove_wait_queue(irqs->unmask, &irqs->unmask_wait, &cnt);
	eventfd_ctx_put(irqs->unmask);
	irqs->unmask = NULL;
}

/**
 * passthru_intx_unmask_set() - PASSTHRU_IRQ_SET_UNMASK_EVENTFD
 * @pt: the device, INTx active
 * @fd: an eventfd a write to which unmasks INTx, or -1 for none
 *
 * Context: process context; @pt->lock held.
 * Return: 0, -EBADF, or -EINVAL when @fd is not an eventfd.
 */
int passthru_intx_unmask_set(struct passthru_device *pt, int fd)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct eventfd_ctx *ctx;
	__poll_t events;
	struct passthru_vector *v = &irqs->vec[0];
	unsigned long flags;
	bool fire;
	struct fd f;

	lockdep_assert_held(&pt->lock);
	passthru_intx_unmask_clear(pt);
	if (fd < 0)
		return 0;
	f = fdget(fd);
	if (!passthru_fd_file(f))
		return -EBADF;
	ctx = eventfd_ctx_fileget(passthru_fd_file(f));
	if (IS_ERR(ctx)) {
		fdput(f);
		return PTR_ERR(ctx);
	}
	irqs->unmask = ctx;
	init_waitqueue_func_entry(&irqs->unmask_wait, passthru_unmask_wakeup);
	init_poll_funcptr(&irqs->unmask_table, passthru_unmask_queue);
	events = vfs_poll(passthru_fd_file(f), &irqs->unmask_table);
	fdput(f);
	if (!(events & EPOLLIN))
		return 0;
	/* Written before it was set: act on it now. */
	spin_lock_irqsave(&v->lock, flags);
	fire = passthru_intx_unmask(pt, v);
	spin_unlock_irqrestore(&v->lock, flags);
	if (fire)
		passthru_eventfd_signal(v->trigger);
	return 0;
}

/**
 * passthru_intx_swap() - give INTx a new eventfd
 * @pt: the device, INTx active
 * @ctx: the eventfd, which the vector then owns; NULL: none
 * @old: the one it had, for the caller to put or give back
 *
 * The line is requested only while there is an eventfd.
 *
 * Context: process context; @pt->lock held.
 * Return: 0, or an errno of request_irq(): the vector then has none.
 */
int passthru_intx_swap(struct passthru_device *pt, struct eventfd_ctx *ctx,
		       struct eventfd_ctx **old)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct passthru_vector *v = &irqs->vec[0];
	unsigned long flags;
	int ret;

	lockdep_assert_held(&pt->lock);
	/*
	 * The function's INTx-disable bit is changed under the vector's
	 * lock, which the handler holds around pci_check_and_mask_intx(), so
	 * neither read-modify-write of the command register undoes the
	 * other; and the eventfd is changed under it too, for the resend work
	 * and the unmask eventfd's wake-up, which run without @pt->lock.
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

/**
 * passthru_intx_quiet() - keep INTx off while the VMM does not use it
 * @pt: the device
 *
 * A function left free to assert INTx while nobody handles it would make
 * the kernel disable the line, and with it the interrupts of any host
 * device sharing it.  Functions without the INTx-disable bit cannot be
 * kept quiet this way.
 *
 * Context: process context; @pt->lock held, INTx not in use.
 */
void passthru_intx_quiet(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	if (pci_intx_mask_supported(pt->pdev))
		pci_intx(pt->pdev, 0);
}

/* Rewrite the command register: @from_val's bits from @val, the rest kept. */
static int passthru_command_rmw(struct pci_dev *pdev, u16 val, u16 from_val)
{
	u16 cur, cmd;
	int ret;

	ret = pci_read_config_word(pdev, PCI_COMMAND, &cur);
	if (ret)
		return ret;
	from_val &= ~PCI_COMMAND_INTX_DISABLE;
	cmd = (cur & ~from_val) | (val & from_val);
	return cmd == cur ? 0 : pci_write_config_word(pdev, PCI_COMMAND, cmd);
}

/**
 * passthru_intx_write_command() - write the command register for the VMM
 * @pt: the device
 * @val: the new bits
 * @from_val: which bits of @val to write (INTx-disable never is)
 *
 * INTx-disable is the INTx code's: the handler masks with it, on any CPU.
 * So the register is read again and written under the INTx vector's lock
 * while INTx is in use, never from a value read before.  It is written as
 * one 16-bit access: QEMU before 8.2 tracks INTx-disable only on writes
 * that cover the register's first byte.
 *
 * Context: process context; @pt->lock held, config access not blocked.
 * Return: 0 or a PCIBIOS_* code.
 */
int passthru_intx_write_command(struct passthru_device *pt, u16 val,
				u16 from_val)
{
	struct passthru_vector *v;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&pt->lock);
	if (pt->irqs.type != PASSTHRU_IRQ_INTX)
		return passthru_command_rmw(pt->pdev, val, from_val);
	v = &pt->irqs.vec[0];
	spin_lock_irqsave(&v->lock, flags);
	ret = passthru_command_rmw(pt->pdev, val, from_val);
	spin_unlock_irqrestore(&v->lock, flags);
	return ret;
}

/**
 * passthru_intx_resync() - put INTx's state back at the function
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
void passthru_intx_resync(struct passthru_device *pt)
{
	struct passthru_irqs *irqs = &pt->irqs;
	struct passthru_vector *v;
	unsigned long flags;

	lockdep_assert_held(&pt->lock);
	if (irqs->type < 0) {
		passthru_intx_quiet(pt);
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
 * passthru_intx_init() - set up a device's INTx state
 * @pt: the device, being created
 *
 * Context: process context.
 */
void passthru_intx_init(struct passthru_device *pt)
{
	INIT_WORK(&pt->irqs.resend, passthru_intx_resend);
}
