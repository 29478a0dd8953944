// SPDX-License-Identifier: GPL-2.0
/*
 * The device nodes /dev/passthru/DDDD:BB:DD.F: their class, their life
 * (created at probe, revoked at remove(), freed at the last close), open
 * and release with the hand-back, their file operations and their table
 * of ioctls, whose handlers live with what they act on.  The lifetime
 * rules are written at the top of passthru_priv.h.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "passthru_priv.h"

/* One minor per claimed function; the region is allocated whole at init. */
#define PASSTHRU_MINORS (MINORMASK + 1)
#define PASSTHRU_BUSY_OPEN 0
/* How often a VMM that holds up remove() is asked again to let go. */
#define PASSTHRU_RELEASE_ASK_MS 500

static char *passthru_devnode(PASSTHRU_DEVNODE_CONST struct device *dev,
			      umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "passthru/%s", dev_name(dev));
}

/* A static class: class_register() has the same form on every kernel. */
static struct class passthru_class = {
	.name = "passthru",
	.devnode = passthru_devnode,
};

static dev_t passthru_devt;
static DEFINE_IDA(passthru_minors);

/* The identity snapshot DEVICE_INFO returns, taken at probe. */
static void passthru_device_info_fill(struct passthru_device_info *info,
				      struct pci_dev *pdev,
				      unsigned int group_id)
{
	int i;

	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->vendor = pdev->vendor;
	info->device = pdev->device;
	info->subsystem_vendor = pdev->subsystem_vendor;
	info->subsystem_device = pdev->subsystem_device;
	info->class_code = pdev->class;
	info->revision = pdev->revision;
	/* The upper half of a 64-bit BAR has no resource of its own. */
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (pci_resource_len(pdev, i))
			info->num_bars++;
	if (pci_is_pcie(pdev))
		info->caps |= PASSTHRU_DEVICE_PCIE;
	info->iommu_group = group_id;
}

/* PASSTHRU_DEVICE_INFO; @pt->lock held. */
static int passthru_do_device_info(void *ctx, void *cmd)
{
	struct passthru_device_info *info = cmd;
	struct passthru_device *pt = ctx;
	int ret;

	lockdep_assert_held(&pt->lock);
	ret = passthru_device_info_check(info);
	if (ret)
		return ret;
	*info = pt->info;
	info->reset_methods = passthru_reset_mask(pt->pdev->reset_methods,
						  PCI_NUM_RESET_METHODS);
	return 0;
}

/*
 * The device's ioctls.  Those marked PASSTHRU_IOCTL_LOCKED run under
 * @pt->lock, on a device not removed; the others take it themselves once
 * they have read what they need from user memory (ATTACH its VM's file,
 * SET_IRQS its eventfds), or need none (REGION_INFO reads the layout,
 * fixed at probe).
 */
static const struct passthru_ioctl_op passthru_device_ops[] = {
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_INFO, struct passthru_device_info,
			  iommu_group, 0, PASSTHRU_IOCTL_LOCKED,
			  passthru_do_device_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_ATTACH, struct passthru_device_attach,
			  __reserved, 0, 0, passthru_do_attach),
	PASSTHRU_IOCTL_OP(PASSTHRU_REGION_INFO, struct passthru_region_info,
			  areas, 0, 0, passthru_do_region_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_RESET, struct passthru_device_reset,
			  flags, 0, PASSTHRU_IOCTL_LOCKED,
			  passthru_do_device_reset),
	PASSTHRU_IOCTL_OP(PASSTHRU_IRQ_INFO, struct passthru_irq_info, active,
			  0, PASSTHRU_IOCTL_LOCKED, passthru_do_irq_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_SET_IRQS, struct passthru_irq_set, data,
			  PASSTHRU_IRQ_SET_EVENTFD | PASSTHRU_IRQ_SET_MASK |
			  PASSTHRU_IRQ_SET_UNMASK |
			  PASSTHRU_IRQ_SET_UNMASK_EVENTFD |
			  PASSTHRU_IRQ_SET_TRIGGER, 0, passthru_do_set_irqs),
};

static int passthru_device_table_lock(void *ctx)
{
	return passthru_device_lock_live(ctx);
}

static void passthru_device_table_unlock(void *ctx)
{
	struct passthru_device *pt = ctx;

	mutex_unlock(&pt->lock);
}

static const struct passthru_ioctl_table passthru_device_table = {
	.ops = passthru_device_ops,
	.nops = ARRAY_SIZE(passthru_device_ops),
	.lock = passthru_device_table_lock,
	.unlock = passthru_device_table_unlock,
};

static long passthru_device_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	return passthru_ioctl(&passthru_device_table, file->private_data, cmd,
			      arg);
}

static int passthru_device_open(struct inode *inode, struct file *file)
{
	struct passthru_device *pt =
		container_of(inode->i_cdev, struct passthru_device, cdev);
	int ret;

	if (test_and_set_bit_lock(PASSTHRU_BUSY_OPEN, &pt->busy))
		return -EBUSY;
	ret = passthru_device_lock_live(pt);
	if (ret)
		goto err_busy;
	passthru_config_invalidate(pt);
	pt->opened = true;
	pt->dirty = true;
	passthru_intx_quiet(pt);
	mutex_unlock(&pt->lock);
	down_write(&pt->memory_lock);
	pt->mapping = file->f_mapping;
	up_write(&pt->memory_lock);
	file->private_data = pt;
	return 0;

err_busy:
	clear_bit_unlock(PASSTHRU_BUSY_OPEN, &pt->busy);
	return ret;
}

/*
 * Give the function back as it came, at close or remove(): no DMA, no
 * interrupt, reset, the host's config state, out of its VM, no BAR
 * mapped in the kernel.
 */
static void passthru_device_hand_back(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	passthru_stop_dma(pt);
	passthru_irq_release(pt);
	if (pt->opened || pt->dirty)
		passthru_restore_host_state(pt);
	if (pt->vm)
		passthru_vm_detach(pt);
	if (!pt->opened)
		return;
	passthru_rdwr_unmap(pt);
	pt->opened = false;
}

static int passthru_device_release(struct inode *inode, struct file *file)
{
	struct passthru_device *pt = file->private_data;

	/*
	 * After remove() the function is the host's again (another driver
	 * may drive it): remove() gave it back and nothing is left to undo.
	 */
	mutex_lock(&pt->lock);
	if (!pt->removed)
		passthru_device_hand_back(pt);
	mutex_unlock(&pt->lock);
	down_write(&pt->memory_lock);
	pt->mapping = NULL;
	up_write(&pt->memory_lock);
	clear_bit_unlock(PASSTHRU_BUSY_OPEN, &pt->busy);
	wake_up(&pt->release_wq);
	return 0;
}

static ssize_t passthru_device_read(struct file *file, char __user *buf,
				    size_t count, loff_t *ppos)
{
	return passthru_rdwr(file->private_data, buf, count, ppos, false);
}

static ssize_t passthru_device_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	return passthru_rdwr(file->private_data, (char __user *)buf,
				  count, ppos, true);
}

static int passthru_device_mmap(struct file *file, struct vm_area_struct *vma)
{
	return passthru_mmap(file->private_data, vma);
}

static const struct file_operations passthru_device_fops = {
	.owner = THIS_MODULE,
	.open = passthru_device_open,
	.release = passthru_device_release,
	.unlocked_ioctl = passthru_device_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = passthru_device_read,
	.write = passthru_device_write,
	.mmap = passthru_device_mmap,
	.llseek = noop_llseek,
};

/* Called when the last reference to @dev goes: after remove() and close(). */
static void passthru_device_free(struct device *dev)
{
	struct passthru_device *pt = container_of(dev, struct passthru_device, dev);

	ida_free(&passthru_minors, MINOR(dev->devt));
	kfree(pt->cfg);
	kfree(pt->host_state);
	pci_dev_put(pt->pdev);
	mutex_destroy(&pt->lock);
	kfree(pt);
}

/**
 * passthru_device_create() - make the node of a newly claimed function
 * @pdev: the function, being probed
 * @group_id: its IOMMU group number
 *
 * Context: process context, from probe().
 * Return: the new device, its node live, or an ERR_PTR().
 */
struct passthru_device *passthru_device_create(struct pci_dev *pdev,
					       unsigned int group_id)
{
	struct passthru_device *pt;
	int minor;
	int ret;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return ERR_PTR(-ENOMEM);
	minor = ida_alloc_max(&passthru_minors, PASSTHRU_MINORS - 1, GFP_KERNEL);
	if (minor < 0) {
		kfree(pt);
		return ERR_PTR(minor);
	}

	mutex_init(&pt->lock);
	init_rwsem(&pt->memory_lock);
	passthru_irq_init(pt);
	init_waitqueue_head(&pt->release_wq);
	pt->pdev = pci_dev_get(pdev);
	passthru_device_info_fill(&pt->info, pdev, group_id);
	device_initialize(&pt->dev);
	pt->dev.class = &passthru_class;
	pt->dev.parent = &pdev->dev;
	pt->dev.devt = MKDEV(MAJOR(passthru_devt), minor);
	pt->dev.release = passthru_device_free;
	/* From here on, put_device() frees everything above. */
	ret = passthru_layout_init(pt);
	if (ret)
		goto err_put;
	pci_save_state(pdev);
	pt->host_state = pci_store_saved_state(pdev);
	if (!pt->host_state) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = dev_set_name(&pt->dev, "%s", pci_name(pdev));
	if (ret)
		goto err_put;
	cdev_init(&pt->cdev, &passthru_device_fops);
	pt->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&pt->cdev, &pt->dev);
	if (ret)
		goto err_put;
	return pt;

err_put:
	put_device(&pt->dev);
	return ERR_PTR(ret);
}

/*
 * The host wants the function back while a VMM holds it: if the VMM set a
 * request eventfd, signal it every PASSTHRU_RELEASE_ASK_MS until it closes the
 * node or release_timeout_ms runs out.
 */
static void passthru_device_ask_release(struct passthru_device *pt)
{
	unsigned int timeout = READ_ONCE(passthru_release_timeout_ms);
	unsigned long start = jiffies;
	unsigned int rounds = 0;
	bool asked;

	for (;;) {
		mutex_lock(&pt->lock);
		asked = test_bit(PASSTHRU_BUSY_OPEN, &pt->busy) &&
			passthru_irq_notify(pt, PASSTHRU_IRQ_REQUEST);
		mutex_unlock(&pt->lock);
		if (!asked)
			break;
		if (!rounds++)
			pci_info(pt->pdev, "asking the VMM to release the function (waiting up to %u ms)\n",
				 timeout);
		if (time_after_eq(jiffies, start + msecs_to_jiffies(timeout))) {
			pci_warn(pt->pdev, "the VMM did not release the function within %u ms: revoking it\n",
				 timeout);
			return;
		}
		wait_event_timeout(pt->release_wq,
				   !test_bit(PASSTHRU_BUSY_OPEN, &pt->busy),
				   min(msecs_to_jiffies(PASSTHRU_RELEASE_ASK_MS),
				       start + msecs_to_jiffies(timeout) - jiffies));
	}
	if (rounds)
		pci_info(pt->pdev, "released by the VMM after %u ms\n",
			 jiffies_to_msecs(jiffies - start));
}

/**
 * passthru_device_remove() - revoke a function's node
 * @pt: the device, from probe()
 *
 * A VMM that set a request eventfd is asked to close the node first, for
 * up to release_timeout_ms.  Then mapped BAR pages are zapped (later
 * touches get SIGBUS), interrupts are torn down, the device leaves its VM
 * and is disabled, and the node disappears at once; files still
 * open on it fail every call with ENODEV from now on and free @pt when
 * the last one closes.
 *
 * Context: process context, from remove().
 */
void passthru_device_remove(struct passthru_device *pt)
{
	passthru_device_ask_release(pt);
	passthru_mmap_revoke(pt);
	mutex_lock(&pt->lock);
	pt->removed = true;
	passthru_device_hand_back(pt);
	mutex_unlock(&pt->lock);
	cdev_device_del(&pt->cdev, &pt->dev);
	put_device(&pt->dev);
}

/**
 * passthru_device_class_init() - register the device class and the minors
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int passthru_device_class_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&passthru_devt, 0, PASSTHRU_MINORS, "passthru");
	if (ret)
		return ret;
	ret = class_register(&passthru_class);
	if (ret)
		goto err_region;
	return 0;

err_region:
	unregister_chrdev_region(passthru_devt, PASSTHRU_MINORS);
	return ret;
}

/**
 * passthru_device_class_exit() - undo passthru_device_class_init()
 *
 * Context: module exit, after every device was removed.
 */
void passthru_device_class_exit(void)
{
	class_unregister(&passthru_class);
	unregister_chrdev_region(passthru_devt, PASSTHRU_MINORS);
	ida_destroy(&passthru_minors);
}
