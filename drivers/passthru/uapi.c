// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of ioctl arguments, as documented in the "General ioctl
 * format" section of include/uapi/linux/passthru.h.  Pure logic on sizes
 * and on structs already copied into the kernel; the copying itself is
 * copy_struct_from_user()'s.  Covered by the KUnit suite passthru_uapi.
 */
#include <linux/errno.h>
#include <linux/string.h>

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
 * Return: 0, or -EINVAL if the reserved member is not zero.
 */
int passthru_device_info_check(const struct passthru_device_info *info)
{
	return info->__reserved ? -EINVAL : 0;
}
