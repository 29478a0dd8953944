/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpassthru: a small C library over passthru's userspace API
 * (<linux/passthru.h>), for virtual machine monitors.
 *
 * It holds no policy: every check is the kernel's.  Every function that
 * can fail returns 0 (or a count, or a descriptor) on success and a
 * negative errno on failure; pt_strerror() turns that errno, with the
 * call it came from, into a sentence that says what to do.
 */
#ifndef LIBPASSTHRU_H
#define LIBPASSTHRU_H

#include <stddef.h>
#include <stdint.h>

#include <linux/passthru.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct pt_vm - a VM: an IOMMU address space that devices join
 * @fd: the file descriptor of /dev/passthru/vm
 */
struct pt_vm {
	int fd;
};

/**
 * struct pt_dev - a PCI function passed through
 * @fd: the file descriptor of /dev/passthru/DDDD:BB:DD.F
 * @bdf: its address, or "" when opened from a descriptor
 */
struct pt_dev {
	int fd;
	char bdf[16];
};

/**
 * enum pt_op - what a call was doing, for pt_strerror()
 * @PT_OP_VM_OPEN: pt_vm_open()
 * @PT_OP_DEV_OPEN: pt_dev_open()
 * @PT_OP_ATTACH: pt_dev_attach()
 * @PT_OP_MAP: pt_vm_map()
 * @PT_OP_UNMAP: pt_vm_unmap()
 * @PT_OP_REGION: the region calls
 * @PT_OP_IRQ: the interrupt calls
 * @PT_OP_RESET: pt_dev_reset()
 * @PT_OP_OTHER: anything else
 */
enum pt_op {
	PT_OP_VM_OPEN,
	PT_OP_DEV_OPEN,
	PT_OP_ATTACH,
	PT_OP_MAP,
	PT_OP_UNMAP,
	PT_OP_REGION,
	PT_OP_IRQ,
	PT_OP_RESET,
	PT_OP_OTHER,
};

/**
 * pt_strerror() - explain a failure
 * @op: the call that failed
 * @err: the negative errno it returned
 *
 * Return: a static sentence: what went wrong and what to do about it.
 */
const char *pt_strerror(enum pt_op op, int err);

/**
 * pt_vm_open() - create a VM
 * @vm: filled on success
 *
 * Return: 0, or -ENODEV when the host has no IOMMU for PCI devices.
 */
int pt_vm_open(struct pt_vm *vm);

/**
 * pt_vm_close() - close a VM; its mappings are unmapped and unpinned
 * @vm: the VM
 */
void pt_vm_close(struct pt_vm *vm);

/**
 * pt_vm_map() - make memory reachable by the VM's devices
 * @vm: the VM
 * @iova: the address the devices use, page aligned
 * @vaddr: the memory in this process, page aligned
 * @len: bytes, a multiple of the page size
 * @flags: PASSTHRU_DMA_READ and/or PASSTHRU_DMA_WRITE
 *
 * Return: 0 or a negative errno (see the uAPI header).
 */
int pt_vm_map(struct pt_vm *vm, uint64_t iova, void *vaddr, uint64_t len,
	      uint32_t flags);

/**
 * pt_vm_unmap() - unmap the mappings inside a range
 * @vm: the VM
 * @iova: start of the range
 * @len: bytes
 *
 * Return: the bytes unmapped, or a negative errno.
 */
int64_t pt_vm_unmap(struct pt_vm *vm, uint64_t iova, uint64_t len);

/**
 * pt_vm_ranges() - the usable IOVA ranges
 * @vm: the VM
 * @ranges: filled with up to @max ranges
 * @max: room in @ranges
 *
 * Return: how many ranges there are (possibly more than @max), or a
 * negative errno.
 */
int pt_vm_ranges(struct pt_vm *vm, struct passthru_iova_range *ranges,
		 unsigned int max);

/**
 * pt_dev_open() - open a function by its address
 * @dev: filled on success
 * @bdf: "DDDD:BB:DD.F", or "BB:DD.F" for domain 0
 *
 * Return: 0; -ENOENT when passthru does not hold the function; -EBUSY
 * when another process has it open.
 */
int pt_dev_open(struct pt_dev *dev, const char *bdf);

/**
 * pt_dev_from_fd() - use a device descriptor handed over by a manager
 * @dev: filled on success
 * @fd: an open descriptor of a passthru device node; @dev owns it now
 *
 * Return: 0, or -ENOTTY when @fd is not a passthru device.
 */
int pt_dev_from_fd(struct pt_dev *dev, int fd);

/**
 * pt_dev_close() - close a function; it is reset and given back
 * @dev: the function
 */
void pt_dev_close(struct pt_dev *dev);

/**
 * pt_dev_info() - identity and capabilities
 * @dev: the function
 * @info: filled
 *
 * Return: 0 or a negative errno.
 */
int pt_dev_info(struct pt_dev *dev, struct passthru_device_info *info);

/**
 * pt_dev_attach() - put a function in a VM
 * @dev: the function
 * @vm: the VM
 *
 * Return: 0 or a negative errno; pt_strerror(PT_OP_ATTACH, ...) says what
 * to do, and the kernel log names a blocking function.
 */
int pt_dev_attach(struct pt_dev *dev, struct pt_vm *vm);

/**
 * pt_dev_reset() - reset a function, as right after attach
 * @dev: the function
 *
 * Return: 0, -EOPNOTSUPP without a reset method, or a negative errno.
 */
int pt_dev_reset(struct pt_dev *dev);

/**
 * struct pt_region - a region of a function
 * @index: its &enum passthru_region_index
 * @caps: a mask of &enum passthru_region_caps; 0 when absent
 * @offset: its file offset
 * @size: bytes
 * @num_areas: mappable areas (at most 4 are kept)
 * @areas: the mappable areas
 */
struct pt_region {
	unsigned int index;
	uint32_t caps;
	uint64_t offset;
	uint64_t size;
	unsigned int num_areas;
	struct passthru_region_area areas[4];
};

/**
 * pt_region_info() - describe a region
 * @dev: the function
 * @index: the region
 * @region: filled
 *
 * Return: 0 or a negative errno.
 */
int pt_region_info(struct pt_dev *dev, unsigned int index,
		   struct pt_region *region);

/**
 * pt_region_mmap() - map part of a region
 * @dev: the function
 * @region: from pt_region_info()
 * @offset: from the start of the region, inside one mappable area
 * @len: bytes
 * @prot: PROT_READ and/or PROT_WRITE
 *
 * Return: the mapping, or NULL with errno set.
 */
void *pt_region_mmap(struct pt_dev *dev, const struct pt_region *region,
		     uint64_t offset, size_t len, int prot);

/**
 * pt_region_read() - read from a region (BAR, ROM or config space)
 * @dev: the function
 * @index: the region
 * @offset: from the start of the region
 * @buf: filled
 * @len: bytes
 *
 * Return: 0 or a negative errno (-EIO with decode off).
 */
int pt_region_read(struct pt_dev *dev, unsigned int index, uint64_t offset,
		   void *buf, size_t len);

/**
 * pt_region_write() - write to a region
 * @dev: the function
 * @index: the region
 * @offset: from the start of the region
 * @buf: the data
 * @len: bytes
 *
 * Return: 0 or a negative errno.
 */
int pt_region_write(struct pt_dev *dev, unsigned int index, uint64_t offset,
		    const void *buf, size_t len);

/**
 * pt_bus_master() - turn the function's bus mastering on or off
 * @dev: the function, attached (mastering stays off before)
 * @on: 1 to turn it on
 *
 * Return: 0 or a negative errno.
 */
int pt_bus_master(struct pt_dev *dev, int on);

/**
 * pt_irq_info() - describe an interrupt index
 * @dev: the function
 * @index: an &enum passthru_irq_index
 * @info: filled
 *
 * Return: 0 or a negative errno.
 */
int pt_irq_info(struct pt_dev *dev, unsigned int index,
		struct passthru_irq_info *info);

/**
 * pt_irq_eventfds() - give vectors eventfds
 * @dev: the function, attached
 * @index: an &enum passthru_irq_index
 * @start: first vector
 * @count: vectors; 0 tears the index down
 * @fds: @count eventfds, -1 to take a vector's away
 *
 * Return: 0 or a negative errno.
 */
int pt_irq_eventfds(struct pt_dev *dev, unsigned int index,
		    unsigned int start, unsigned int count, const int32_t *fds);

/**
 * pt_irq_eventfd() - make an eventfd for one vector and set it
 * @dev: the function, attached
 * @index: an &enum passthru_irq_index
 * @vector: the vector
 *
 * Return: the new eventfd (the caller closes it), or a negative errno.
 */
int pt_irq_eventfd(struct pt_dev *dev, unsigned int index, unsigned int vector);

/**
 * pt_irq_mask() - mask or unmask vectors
 * @dev: the function
 * @index: an &enum passthru_irq_index
 * @start: first vector
 * @count: vectors
 * @mask: 1 to mask, 0 to unmask
 *
 * Return: 0 or a negative errno.
 */
int pt_irq_mask(struct pt_dev *dev, unsigned int index, unsigned int start,
		unsigned int count, int mask);

/**
 * pt_irq_wait() - wait for an eventfd to be signalled
 * @fd: the eventfd
 * @timeout_ms: how long at most; -1 for ever
 *
 * Return: the count read (at least 1), 0 on timeout, or a negative errno.
 */
int64_t pt_irq_wait(int fd, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* LIBPASSTHRU_H */
