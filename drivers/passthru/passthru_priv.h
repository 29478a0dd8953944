/* SPDX-License-Identifier: GPL-2.0 */
/*
 * passthru internals: every struct, the lifetime rules and the lock order.
 *
 * Lifetimes.  A claimed PCI function is a struct passthru_device.  Its
 * embedded struct device is the refcount: probe() holds one reference,
 * dropped by remove(); the character device's kobject holds another for as
 * long as any open file of the node exists (cdev_device_add() parents the
 * cdev to the device), so the struct outlives remove() while the node is
 * open and is freed by the last close.  The struct holds a reference on the
 * pci_dev for the same span.  The cdev's owner is this module, so an open
 * node also keeps the module loaded.
 *
 * Locks.  passthru_device.lock serialises every ioctl with remove():
 * remove() sets @removed under it, and an ioctl that finds @removed set
 * fails with ENODEV without touching the hardware.  It is the only lock so
 * far; later locks nest inside it.
 */
#ifndef PASSTHRU_PRIV_H
#define PASSTHRU_PRIV_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/passthru.h>

struct pci_dev;

/**
 * struct passthru_device - a PCI function claimed by passthru
 * @pdev: the function; a reference is held until @dev is released
 * @dev: class device behind /dev/passthru/DDDD:BB:DD.F, the refcount
 * @cdev: the node's character device, parented to @dev
 * @lock: serialises ioctls with remove(), see the top of this file
 * @removed: set by remove(); the hardware must not be touched any more
 * @busy: bit 0 set while the node is open (opens are exclusive)
 * @info: identity snapshot taken at probe, returned by DEVICE_INFO
 */
struct passthru_device {
	struct pci_dev *pdev;
	struct device dev;
	struct cdev cdev;
	struct mutex lock; /* serialises ioctls with remove() */
	bool removed;
	unsigned long busy;
	struct passthru_device_info info;
};

/* ids.c: the ids= module parameter, pure logic */
int passthru_parse_id(const char *text, struct pci_device_id *id);

/* bar.c: BAR descriptions for the probe log, pure logic */
#define PASSTHRU_BAR_DESC_LEN 96
int passthru_format_size(char *buf, size_t len, u64 size);
int passthru_describe_bar(char *buf, size_t len, const char *name,
			  unsigned long flags, u64 start, u64 size);

/* uapi.c: ioctl argument validation, pure logic */
#define PASSTHRU_MAX_STRUCT_SIZE 4096

/**
 * struct passthru_ioctl_op - one entry of an ioctl dispatch table
 * @cmd: the ioctl number
 * @size: sizeof() the kernel's struct
 * @min_size: offsetofend() the last member of the struct's first version
 * @valid_flags: the bits of the struct's @flags this kernel accepts
 * @execute: the handler, called with the struct copied in and validated
 *	by passthru_check_size() and passthru_check_flags(); on success the
 *	struct is copied back out
 */
struct passthru_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	u32 valid_flags;
	int (*execute)(struct passthru_device *pt, void *cmd);
};

int passthru_check_size(const struct passthru_ioctl_op *op, u32 usize);
int passthru_check_flags(const struct passthru_ioctl_op *op, const void *cmd);
int passthru_device_info_check(const struct passthru_device_info *info);

/* pci.c */
extern struct pci_driver passthru_pci_driver;
void passthru_fill_info(struct passthru_device_info *info,
			struct pci_dev *pdev, unsigned int group_id);

/* cdev.c */
int passthru_cdev_init(void);
void passthru_cdev_exit(void);
struct passthru_device *passthru_device_create(struct pci_dev *pdev,
					       unsigned int group_id);
void passthru_device_remove(struct passthru_device *pt);

#endif /* PASSTHRU_PRIV_H */
