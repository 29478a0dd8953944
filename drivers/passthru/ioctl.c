// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl dispatcher of every passthru file, and the validation of
 * ioctl arguments, as documented in the "General ioctl format" section of
 * include/uapi/linux/passthru.h.  Each file type (a device, a VM) has a
 * table of its ioctls; the dispatcher finds the entry, copies the struct
 * in with copy_struct_from_user(), validates its size and flags, takes
 * the file's lock for the entries that run under it, and copies the
 * struct back.  The validation is pure logic, covered by the KUnit suite
 * passthru_uapi.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "passthru_priv.h"

/**
 * passthru_check_size() - validate the size userspace gave for a struct
 * @op: the ioctl's table entry
 * @usize: the struct's @size member, as userspace set it
 *
 * Context: any context.
 * Return: 0 if @usize can be handed to copy_struct_from_user(), -EINVAL if
 * it is smaller than the struct's first version, -E2BIG if it is larger
 * than PASSTHRU_MAX_STRUCT_SIZE.
 */
int passthru_check_size(const struct passthru_ioctl_op *op, u32 usize)
{
	if (usize < op->min_size)
		return -EINVAL;
	if (usize > PASSTHRU_MAX_STRUCT_SIZE)
		return -E2BIG;
	return 0;
}

/**
 * passthru_check_flags() - reject flags this kernel does not know
 * @op: the ioctl's table entry
 * @cmd: the struct, copied in; it begins with __u32 size, __u32 flags
 *
 * Context: any context.
 * Return: 0, or -EINVAL if a bit outside @op->valid_flags is set.
 */
int passthru_check_flags(const struct passthru_ioctl_op *op, const void *cmd)
{
	u32 flags;

	memcpy(&flags, (const u8 *)cmd + sizeof(u32), sizeof(flags));
	return flags & ~op->valid_flags ? -EINVAL : 0;
}

/**
 * passthru_device_info_check() - validate the inputs of DEVICE_INFO
 * @info: the struct, copied in and past passthru_check_flags()
 *
 * Context: any context.
 * Return: 0, or -EINVAL if a reserved member is not zero.
 */
int passthru_device_info_check(const struct passthru_device_info *info)
{
	return info->__reserved || info->__reserved2 ? -EINVAL : 0;
}

/*
 * The PCI core's reset methods, by their index in pci_dev->reset_methods
 * (drivers/pci/pci.c: pci_reset_fn_methods[], whose order has been fixed
 * since Linux 5.15; 7, cxl_bus, came in 6.7).
 */
static const u32 passthru_reset_kinds[] = {
	[1] = PASSTHRU_RESET_OTHER,	/* device_specific */
	[2] = PASSTHRU_RESET_OTHER,	/* acpi */
	[3] = PASSTHRU_RESET_FLR,	/* flr */
	[4] = PASSTHRU_RESET_FLR,	/* af_flr */
	[5] = PASSTHRU_RESET_PM,	/* pm */
	[6] = PASSTHRU_RESET_BUS,	/* bus */
	[7] = PASSTHRU_RESET_BUS,	/* cxl_bus */
};

/**
 * passthru_reset_mask() - describe a function's reset methods
 * @methods: the function's pci_dev->reset_methods, in priority order,
 *	ended by a 0 or by the end of the array
 * @n: entries in @methods
 *
 * Context: any context.
 * Return: a mask of &enum passthru_reset_methods; an index this code does
 * not know counts as PASSTHRU_RESET_OTHER.
 */
u32 passthru_reset_mask(const u8 *methods, unsigned int n)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < n && methods[i]; i++)
		mask |= methods[i] < ARRAY_SIZE(passthru_reset_kinds) ?
			passthru_reset_kinds[methods[i]] : PASSTHRU_RESET_OTHER;
	return mask;
}

/**
 * passthru_ioctl() - the ioctl dispatcher of every passthru file
 * @table: the file's table of ioctls
 * @ctx: the file's object, handed to the handler (and to the table's lock)
 * @cmd: the ioctl number
 * @arg: the user pointer to the ioctl's struct
 *
 * Reads the struct's size, validates it and the flags (see the "General
 * ioctl format" in the uAPI header), copies the struct in with
 * copy_struct_from_user(), runs the handler (under the table's lock if the
 * entry says so) and, on success, copies the struct back with its size set
 * to how much of it the kernel filled.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
long passthru_ioctl(const struct passthru_ioctl_table *table, void *ctx,
		    unsigned int cmd, unsigned long arg)
{
	u64 buf[PASSTHRU_IOCTL_BUF_SIZE / sizeof(u64)];
	const struct passthru_ioctl_op *op = NULL;
	void __user *uarg = (void __user *)arg;
	unsigned int i;
	u32 usize;
	int ret;

	for (i = 0; i < table->nops && !op; i++)
		if (table->ops[i].cmd == cmd)
			op = &table->ops[i];
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
	if (op->locked) {
		ret = table->lock(ctx);
		if (ret)
			return ret;
	}
	ret = op->execute(ctx, buf);
	if (op->locked)
		table->unlock(ctx);
	if (ret)
		return ret;

	/* Report how much of the struct this kernel filled, then copy out. */
	usize = min(usize, op->size);
	memcpy(buf, &usize, sizeof(usize));
	if (copy_to_user(uarg, buf, usize))
		return -EFAULT;
	return 0;
}
