/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between Linux 6.1 (the target) and newer kernels,
 * kept here so that the .c files have no version checks.
 */
#ifndef PASSTHRU_COMPAT_H
#define PASSTHRU_COMPAT_H

#include <linux/device.h>
#include <linux/version.h>

/* 6.4 dropped class_create()'s owner argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define passthru_class_create(name) class_create(name)
#else
#define passthru_class_create(name) class_create(THIS_MODULE, name)
#endif

/* 6.2 made the device argument of class devnode() callbacks const. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define PASSTHRU_DEVNODE_CONST const
#else
#define PASSTHRU_DEVNODE_CONST
#endif

#endif /* PASSTHRU_COMPAT_H */
