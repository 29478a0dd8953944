// SPDX-License-Identifier: GPL-2.0
/*
 * The device nodes /dev/passthru/DDDD:BB:DD.F: their class, their
 * lifetime, and their file operations.  The lifetime rules are written
 * at the top of passthru_priv.h.
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

/* Lock a device for an ioctl; fails with ENODEV once it was removed. */
static int passthru_device_lock_live(struct passthru_device *pt)
{
	mutex_lock(&pt->lock);
	if (!pt->removed)
		return 0;
	mutex_unlock(&pt->lock);
	return -ENODEV;
}

static int passthru_device_info(void *ctx, void *cmd)
{
	struct passthru_device_info *info = cmd;
	struct passthru_device *pt = ctx;
	int ret;

	ret = passthru_device_info_check(info);
	if (ret)
		return ret;
	ret = passthru_device_lock_live(pt);
	if (ret)
		return ret;
	*info = pt->info;
	info->reset_methods = passthru_reset_mask(pt->pdev->reset_methods,
						  PCI_NUM_RESET_METHODS);
	mutex_unlock(&pt->lock);
	return 0;
}

static int passthru_device_attach(void *ctx, void *cmd)
{
	struct passthru_device_attach *attach = cmd;
	struct passthru_device *pt = ctx;
	struct passthru_vm *vm;
	struct fd f;
	int ret;

	if (attach->__reserved)
		return -EINVAL;
	f = fdget(attach->vm_fd);
	if (!f.file)
		return -EBADF;
	vm = passthru_vm_from_file(f.file);
	ret = vm ? passthru_device_lock_live(pt) : -EINVAL;
	if (ret)
		goto out;
	if (pt->vm) {
		passthru_vmm_warn(pt->pdev, "attach refused: already attached to a VM\n");
		ret = -EBUSY;
	} else {
		/* A clean device joins the VM; no reset method is no error. */
		ret = passthru_region_reset(pt);
		if (!ret || ret == -EOPNOTSUPP)
			ret = passthru_vm_attach(vm, pt);
	}
	mutex_unlock(&pt->lock);
out:
	fdput(f);
	return ret;
}

static int passthru_device_reset(void *ctx, void *cmd)
{
	struct passthru_device *pt = ctx;
	int ret;

	ret = passthru_device_lock_live(pt);
	if (ret)
		return ret;
	ret = passthru_region_reset(pt);
	mutex_unlock(&pt->lock);
	return ret;
}

static int passthru_device_region_info(void *ctx, void *cmd)
{
	struct passthru_region_info *info = cmd;
	struct passthru_device *pt = ctx;
	const struct passthru_layout *l;
	struct passthru_region_area areas[PASSTHRU_MAX_EXCLUDED + 1];
	unsigned int n;

	if (info->__reserved || info->index >= PASSTHRU_NUM_REGIONS)
		return -EINVAL;
	if (READ_ONCE(pt->removed))
		return -ENODEV;
	/* The layout is fixed at probe: no lock needed to read it. */
	l = &pt->layout[info->index];
	n = passthru_layout_areas(l, areas, ARRAY_SIZE(areas));
	if (min(n, info->num_areas) &&
	    copy_to_user(u64_to_user_ptr(info->areas), areas,
			 min(n, info->num_areas) * sizeof(areas[0])))
		return -EFAULT;
	info->num_areas = n;
	info->caps = l->caps;
	info->offset = PASSTHRU_REGION_OFFSET(info->index);
	info->region_size = l->size;
	return 0;
}

static int passthru_device_irq_info(void *ctx, void *cmd)
{
	struct passthru_device *pt = ctx;
	int ret;

	ret = passthru_device_lock_live(pt);
	if (ret)
		return ret;
	ret = passthru_irq_info(pt, cmd);
	mutex_unlock(&pt->lock);
	return ret;
}

static int passthru_device_set_irqs(void *ctx, void *cmd)
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

static const struct passthru_ioctl_op passthru_device_ops[] = {
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_INFO, struct passthru_device_info,
			  iommu_group, 0, passthru_device_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_ATTACH, struct passthru_device_attach,
			  __reserved, 0, passthru_device_attach),
	PASSTHRU_IOCTL_OP(PASSTHRU_REGION_INFO, struct passthru_region_info,
			  areas, 0, passthru_device_region_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_DEVICE_RESET, struct passthru_device_reset,
			  flags, 0, passthru_device_reset),
	PASSTHRU_IOCTL_OP(PASSTHRU_IRQ_INFO, struct passthru_irq_info, active,
			  0, passthru_device_irq_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_SET_IRQS, struct passthru_irq_set, data,
			  PASSTHRU_IRQ_SET_EVENTFD | PASSTHRU_IRQ_SET_MASK |
			  PASSTHRU_IRQ_SET_UNMASK |
			  PASSTHRU_IRQ_SET_UNMASK_EVENTFD |
			  PASSTHRU_IRQ_SET_TRIGGER, passthru_device_set_irqs),
};

/**
 * passthru_ioctl() - the ioctl dispatcher of every passthru file
 * @ops: the file's table of ioctls
 * @nops: entries in @ops
 * @ctx: the file's object, handed to the handler
 * @cmd: the ioctl number
 * @arg: the user pointer to the ioctl's struct
 *
 * Reads the struct's size, validates it and the flags (see the "General
 * ioctl format" in the uAPI header), copies the struct in with
 * copy_struct_from_user(), runs the handler and, on success, copies the
 * struct back with its size set to how much of it the kernel filled.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
long passthru_ioctl(const struct passthru_ioctl_op *ops, unsigned int nops,
		    void *ctx, unsigned int cmd, unsigned long arg)
{
	u64 buf[PASSTHRU_IOCTL_BUF_SIZE / sizeof(u64)];
	const struct passthru_ioctl_op *op = NULL;
	void __user *uarg = (void __user *)arg;
	unsigned int i;
	u32 usize;
	int ret;

	for (i = 0; i < nops; i++)
		if (ops[i].cmd == cmd)
			op = &ops[i];
	if (!op)
		return -ENOTTY;
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	ret = passthru_check_size(op, usize);
	if (ret)
		return ret;
	ret = copy_struct_from_user(buf, op->size, uarg, usize);
	if (ret)
		return ret;
	ret = passthru_check_flags(op, buf);
	if (ret)
		return ret;
	ret = op->execute(ctx, buf);
	if (ret)
		return ret;

	/* Report how much of the struct this kernel filled, then copy out. */
	usize = min(usize, op->size);
	memcpy(buf, &usize, sizeof(usize));
	if (copy_to_user(uarg, buf, usize))
		return -EFAULT;
	return 0;
}

static long passthru_device_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	return passthru_ioctl(passthru_device_ops,
			      ARRAY_SIZE(passthru_device_ops),
			      file->private_data, cmd, arg);
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
	passthru_config_reset(pt);
	pt->opened = true;
	pt->dirty = true;
	passthru_irq_quiet(pt);
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
 * Give the function back as it came: reset, out of the VM, the host's
 * config state, no BAR mapped.  @device_locked: called from remove(),
 * which then disables the function.
 */
static void passthru_device_disable(struct passthru_device *pt,
				    bool device_locked)
{
	lockdep_assert_held(&pt->lock);
	passthru_region_stop(pt);
	passthru_irq_release(pt);
	if (pt->opened || pt->dirty)
		passthru_region_quiesce(pt, device_locked);
	if (pt->vm)
		passthru_vm_detach(pt);
	if (!pt->opened)
		return;
	passthru_region_release(pt);
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
		passthru_device_disable(pt, false);
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
	return passthru_region_rw(file->private_data, buf, count, ppos, false);
}

static ssize_t passthru_device_write(struct file *file, const char __user *buf,
				     size_t count, loff_t *ppos)
{
	return passthru_region_rw(file->private_data, (char __user *)buf,
				  count, ppos, true);
}

static int passthru_device_mmap(struct file *file, struct vm_area_struct *vma)
{
	return passthru_region_mmap(file->private_data, vma);
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
	passthru_fill_info(&pt->info, pdev, group_id);
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
 * request eventfd, signal it every half second until the VMM closes the
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
				   min(msecs_to_jiffies(500),
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
	passthru_region_revoke(pt);
	mutex_lock(&pt->lock);
	pt->removed = true;
	passthru_device_disable(pt, true);
	mutex_unlock(&pt->lock);
	cdev_device_del(&pt->cdev, &pt->dev);
	put_device(&pt->dev);
}

/**
 * passthru_cdev_init() - register the device class and the minor numbers
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int passthru_cdev_init(void)
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
 * passthru_cdev_exit() - undo passthru_cdev_init()
 *
 * Context: module exit, after every device was removed.
 */
void passthru_cdev_exit(void)
{
	class_unregister(&passthru_class);
	unregister_chrdev_region(passthru_devt, PASSTHRU_MINORS);
	ida_destroy(&passthru_minors);
}
