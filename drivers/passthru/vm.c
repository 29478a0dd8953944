// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: /dev/passthru/vm.  Each open() creates one VM: an IOMMU paging
 * domain (the VM's DMA address space), its DMA mappings (dma.c), the
 * pinned-page accounting (pages.c), and the IOMMU groups of its attached
 * devices (group.c).  Attaching a device to a VM, and detaching it, are
 * here.
 *
 * A VM is refcounted: its file holds one reference and every attached
 * device another, so it lives until the last of them lets go.  Freeing it
 * unmaps and unpins everything; destroy paths never fail.
 *
 * No user memory is touched under passthru_vm.lock: pages are pinned
 * before it is taken, and VM_INFO copies out after it is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "passthru_priv.h"

static const struct file_operations passthru_vm_fops;

static void passthru_vm_free(struct kref *kref);

/**
 * passthru_vm_put() - drop a reference to a VM
 * @vm: the VM
 *
 * Context: process context, may sleep; no passthru lock held.
 */
void passthru_vm_put(struct passthru_vm *vm)
{
	kref_put(&vm->kref, passthru_vm_free);
}

/**
 * passthru_vm_from_file() - the VM behind a file, if it is a VM's file
 * @file: any file
 *
 * Context: any context; the caller holds a reference to @file.
 * Return: the VM, without a new reference, or NULL.
 */
struct passthru_vm *passthru_vm_from_file(struct file *file)
{
	return file->f_op == &passthru_vm_fops ? file->private_data : NULL;
}

static void passthru_vm_free(struct kref *kref)
{
	struct passthru_vm *vm = container_of(kref, struct passthru_vm, kref);

	passthru_dma_unmap_all(vm);
	iommu_domain_free(vm->domain);
	passthru_ranges_free(&vm->usable);
	mmdrop(vm->mm);
	passthru_vm_user_put(vm->user);
	free_uid(vm->user);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/* Put @pt, not attached and not removed, in @vm. */
static int passthru_vm_attach(struct passthru_vm *vm, struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	bool remapped;
	int ret;

	lockdep_assert_held(&pt->lock);
	remapped = passthru_msi_isolated(&pdev->dev);
	if (!remapped && !READ_ONCE(passthru_allow_unsafe_interrupts)) {
		passthru_vmm_warn(pdev, "attach refused: the IOMMU does not remap its interrupts, so a VM could forge any MSI; enable interrupt remapping, or load passthru with allow_unsafe_interrupts=1 to accept the risk\n");
		return -EPERM;
	}

	mutex_lock(&vm->lock);
	if (vm->ndevices >= READ_ONCE(passthru_max_devices_per_vm)) {
		passthru_vmm_warn(pdev, "attach refused: the VM already has %u devices (max_devices_per_vm)\n",
				  vm->ndevices);
		ret = -ENOSPC;
		goto out;
	}
	ret = passthru_group_join(vm, pdev);
	if (ret)
		goto out;
	vm->ndevices++;
	if (!remapped) {
		vm->unremapped++;
		passthru_vmm_warn(pdev, "UNSAFE: attached without interrupt remapping (allow_unsafe_interrupts=1); the VM can forge interrupts\n");
	}
	kref_get(&vm->kref);
	pt->vm = vm;
	pt->unremapped = !remapped;
	passthru_vmm_info(pdev, "attached to a VM (IOMMU group %u)\n",
			  pt->info.iommu_group);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

/**
 * passthru_do_attach() - PASSTHRU_DEVICE_ATTACH
 * @ctx: the device
 * @cmd: its struct passthru_device_attach, copied in
 *
 * The device is reset, then joins the VM: see PASSTHRU_DEVICE_ATTACH in the
 * uAPI header for the rules.
 *
 * Context: process context; no passthru lock held.
 * Return: 0, or a negative errno of PASSTHRU_DEVICE_ATTACH.
 */
int passthru_do_attach(void *ctx, void *cmd)
{
	struct passthru_device_attach *attach = cmd;
	struct passthru_device *pt = ctx;
	struct passthru_vm *vm;
	struct fd f;
	int ret;

	if (attach->__reserved)
		return -EINVAL;
	f = fdget(attach->vm_fd);
	if (!passthru_fd_file(f))
		return -EBADF;
	vm = passthru_vm_from_file(passthru_fd_file(f));
	ret = vm ? passthru_device_lock_live(pt) : -EINVAL;
	if (ret)
		goto out;
	if (pt->vm) {
		passthru_vmm_warn(pt->pdev, "attach refused: already attached to a VM\n");
		ret = -EBUSY;
	} else {
		/* A clean device joins the VM; no reset method is no error. */
		ret = passthru_reset_for_vmm(pt);
		if (!ret || ret == -EOPNOTSUPP)
			ret = passthru_vm_attach(vm, pt);
	}
	mutex_unlock(&pt->lock);
out:
	fdput(f);
	return ret;
}

/**
 * passthru_vm_detach() - take a device out of its VM
 * @pt: the device, attached
 *
 * The last device of a group to leave gives the group back to the host.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_vm_detach(struct passthru_device *pt)
{
	struct passthru_vm *vm = pt->vm;

	lockdep_assert_held(&pt->lock);
	mutex_lock(&vm->lock);
	passthru_group_leave(vm, pt->pdev);
	vm->ndevices--;
	if (pt->unremapped)
		vm->unremapped--;
	mutex_unlock(&vm->lock);
	pt->vm = NULL;
	passthru_vmm_info(pt->pdev, "detached from its VM\n");
	passthru_vm_put(vm);
}

/* PASSTHRU_VM_INFO */
static int passthru_do_vm_info(void *ctx, void *cmd)
{
	struct passthru_vm_info *info = cmd;
	struct passthru_iova_range *ranges;
	struct passthru_vm *vm = ctx;
	unsigned int n;
	int ret = 0;

	if (info->__reserved)
		return -EINVAL;
	/* Copied out with no lock held, from a copy made under it. */
	mutex_lock(&vm->lock);
	n = min(info->num_ranges, vm->usable.n);
	ranges = n ? kmemdup(vm->usable.r, n * sizeof(*ranges),
			     GFP_KERNEL_ACCOUNT) : NULL;
	if (n && !ranges)
		ret = -ENOMEM;
	info->num_ranges = vm->usable.n;
	info->pgsize_bitmap = vm->domain->pgsize_bitmap;
	info->num_devices = vm->ndevices;
	info->caps = 0;
	if (vm->ndevices && !vm->unremapped)
		info->caps |= PASSTHRU_VM_INTR_REMAP;
	mutex_unlock(&vm->lock);
	if (!ret && n && copy_to_user(u64_to_user_ptr(info->ranges), ranges,
				      n * sizeof(*ranges)))
		ret = -EFAULT;
	kfree(ranges);
	return ret;
}

static const struct passthru_ioctl_op passthru_vm_ops[] = {
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_INFO, struct passthru_vm_info,
			  __reserved, 0, 0, passthru_do_vm_info),
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_MAP_DMA, struct passthru_dma_map, length,
			  PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE, 0,
			  passthru_do_map_dma),
	PASSTHRU_IOCTL_OP(PASSTHRU_VM_UNMAP_DMA, struct passthru_dma_unmap,
			  length, PASSTHRU_DMA_UNMAP_ALL, 0, passthru_do_unmap_dma),
};

/* A VM's ioctls take its lock themselves, around what needs it. */
static const struct passthru_ioctl_table passthru_vm_table = {
	.ops = passthru_vm_ops,
	.nops = ARRAY_SIZE(passthru_vm_ops),
};

static long passthru_vm_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	return passthru_ioctl(&passthru_vm_table, file->private_data, cmd, arg);
}

static int passthru_vm_open(struct inode *inode, struct file *file)
{
	struct passthru_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	vm->user = get_uid(current_user());
	ret = passthru_vm_user_get(vm->user);
	if (ret)
		goto err_uid;
	INIT_LIST_HEAD(&vm->groups);
	vm->mappings = RB_ROOT_CACHED;
	vm->domain = passthru_iommu_domain_alloc();
	if (IS_ERR(vm->domain)) {
		ret = PTR_ERR(vm->domain);
		if (ret == -ENODEV)
			pr_warn_ratelimited("cannot create a VM: no IOMMU for PCI devices; enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on\n");
		goto err_free;
	}
	ret = passthru_vm_compute_ranges(vm, &vm->usable);
	if (ret)
		goto err_domain;
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	mmgrab(current->mm);
	vm->mm = current->mm;
	file->private_data = vm;
	return 0;

err_domain:
	iommu_domain_free(vm->domain);
err_free:
	passthru_vm_user_put(vm->user);
err_uid:
	free_uid(vm->user);
	kfree(vm);
	return ret;
}

static int passthru_vm_release(struct inode *inode, struct file *file)
{
	passthru_vm_put(file->private_data);
	return 0;
}

static const struct file_operations passthru_vm_fops = {
	.owner = THIS_MODULE,
	.open = passthru_vm_open,
	.release = passthru_vm_release,
	.unlocked_ioctl = passthru_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * A VM pins memory and holds an IOMMU domain, so creating one is a
 * privilege: the node is root's (0600) until the administrator's udev rule
 * hands it to a group, as /dev/kvm is (see the admin guide).  What a user
 * who may open it can take is bounded all the same: pins by RLIMIT_MEMLOCK
 * per user, VMs by max_vms_per_user.
 */
static struct miscdevice passthru_vm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "passthru-vm",
	.nodename = "passthru/vm",
	.mode = 0600,
	.fops = &passthru_vm_fops,
};

/**
 * passthru_vm_init() - register /dev/passthru/vm
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int passthru_vm_init(void)
{
	return misc_register(&passthru_vm_misc);
}

/**
 * passthru_vm_exit() - unregister /dev/passthru/vm
 *
 * Context: module exit; no VM file is open (each holds the module).
 */
void passthru_vm_exit(void)
{
	misc_deregister(&passthru_vm_misc);
	passthru_pages_exit();
}
