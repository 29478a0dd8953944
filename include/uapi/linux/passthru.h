/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * passthru: direct, IOMMU-isolated access to PCI functions for virtual
 * machine monitors.
 */
#ifndef _UAPI_LINUX_PASSTHRU_H
#define _UAPI_LINUX_PASSTHRU_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * Every passthru ioctl takes a pointer to a struct that begins with
 * ``__u32 size`` and ``__u32 flags``.  ``size`` is sizeof() the struct as
 * userspace knows it, so the struct can grow by appending members while
 * old and new binaries keep working:
 *
 * - a caller built against an older header passes a smaller size; the
 *   kernel treats the members it did not pass as zero;
 * - a caller built against a newer header passes a larger size; the call
 *   works as long as the members this kernel does not know are zero.
 *
 * ``flags`` is an input: bits the kernel does not know are rejected.
 * Members named ``__reserved`` must be zero.  Output members are written
 * back, up to the smaller of the caller's size and the kernel's.
 *
 * The ioctl numbers carry no size (``_IO``); the struct's ``size`` does.
 *
 * Errors common to every ioctl:
 *
 * - ``EFAULT``: the argument pointer cannot be read or written;
 * - ``EINVAL``: ``size`` is smaller than the first version of the struct,
 *   ``flags`` has a bit this kernel does not know, or a reserved member is
 *   not zero;
 * - ``E2BIG``: ``size`` is larger than the kernel's struct and the extra
 *   bytes are not all zero, or ``size`` is larger than 4096;
 * - ``ENOTTY``: the ioctl number is not a passthru ioctl of this node;
 * - ``ENODEV``: the PCI function was unbound or removed after the node
 *   was opened; only close() is useful from then on.
 *
 * Opening a device node, ``/dev/passthru/DDDD:BB:DD.F``, is exclusive: a
 * second open() while the node is open fails with ``EBUSY``.
 */

/* 0xB8 is free in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define PASSTHRU_TYPE 0xB8

enum {
	PASSTHRU_CMD_BASE = 0x40,
	PASSTHRU_CMD_DEVICE_INFO = PASSTHRU_CMD_BASE,
};

/**
 * enum passthru_device_caps - what a PCI function is and can do
 * @PASSTHRU_DEVICE_PCIE: the function has a PCI Express capability;
 *	without it, it is a conventional PCI function (possibly behind a
 *	PCIe-to-PCI bridge, where it shares the bridge's requester ID)
 */
enum passthru_device_caps {
	PASSTHRU_DEVICE_PCIE = 1 << 0,
};

/**
 * struct passthru_device_info - ioctl(PASSTHRU_DEVICE_INFO)
 * @size: sizeof(struct passthru_device_info)
 * @flags: must be 0
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsystem_vendor: PCI subsystem vendor ID
 * @subsystem_device: PCI subsystem ID
 * @class_code: 24-bit class code: base class, sub-class, programming
 *	interface, from most to least significant byte
 * @revision: revision ID
 * @num_bars: number of implemented base address registers; a 64-bit BAR,
 *	which occupies two registers, counts once
 * @__reserved: must be 0
 * @caps: output, a mask of &enum passthru_device_caps
 * @iommu_group: number of the function's IOMMU group, as in
 *	/sys/kernel/iommu_groups/
 *
 * Describes the PCI function behind a device node.  Only @size and @flags
 * are inputs; every other member is written by the kernel.
 *
 * Return: 0 on success, or an errno of the "General ioctl format" section.
 */
struct passthru_device_info {
	__u32 size;
	__u32 flags;
	__u16 vendor;
	__u16 device;
	__u16 subsystem_vendor;
	__u16 subsystem_device;
	__u32 class_code;
	__u8 revision;
	__u8 num_bars;
	__u16 __reserved;
	__u32 caps;
	__u32 iommu_group;
};

#define PASSTHRU_DEVICE_INFO _IO(PASSTHRU_TYPE, PASSTHRU_CMD_DEVICE_INFO)

#endif /* _UAPI_LINUX_PASSTHRU_H */
