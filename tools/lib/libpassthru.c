// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libpassthru: the uAPI of passthru as C functions; see libpassthru.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpassthru.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int pt_call(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* What to do about an error, per call. */
static const struct {
	enum pt_op op;
	int err;
	const char *text;
} pt_explanations[] = {
	{ PT_OP_VM_OPEN, ENODEV,
	  "the host has no IOMMU for PCI devices: enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on (or amd_iommu=on)",
	},
	{ PT_OP_VM_OPEN, ENOENT,
	  "/dev/passthru/vm does not exist: load the passthru module",
	},
	{ PT_OP_VM_OPEN, EACCES,
	  "no permission on /dev/passthru/vm (root's, mode 0600, until a udev rule hands it to a group such as kvm: see the administrator's guide)",
	},
	{ PT_OP_VM_OPEN, EMFILE,
	  "this user holds max_vms_per_user VMs already (or the process is out of descriptors)",
	},
	{ PT_OP_DEV_OPEN, ENOENT,
	  "passthru does not hold this function: bind it (passthru bind BDF, or ids= when loading the module)",
	},
	{ PT_OP_DEV_OPEN, EBUSY,
	  "another process has this function open: only one VMM may use a function",
	},
	{ PT_OP_DEV_OPEN, EACCES,
	  "no permission on the device node: see the udev rule in the administrator's guide",
	},
	{ PT_OP_DEV_OPEN, ENOTTY,
	  "the descriptor is not a passthru device node",
	},
	{ PT_OP_ATTACH, EBUSY,
	  "another function of the IOMMU group has a host driver (the kernel log names it: unbind it or bind it to passthru), or the group is in another VM",
	},
	{ PT_OP_ATTACH, EPERM,
	  "the IOMMU cannot remap this function's interrupts: enable interrupt remapping, or (unsafe) load passthru with allow_unsafe_interrupts=1",
	},
	{ PT_OP_ATTACH, ENOSPC,
	  "the VM has max_devices_per_vm devices already",
	},
	{ PT_OP_ATTACH, EADDRINUSE,
	  "existing mappings cover a region this device's group reserves, or lie beyond its IOMMU's address width: unmap them, attach, then map inside the usable ranges",
	},
	{ PT_OP_ATTACH, EXDEV,
	  "this device sits behind a different IOMMU than the VM's devices: use another VM",
	},
	{ PT_OP_MAP, ENOMEM,
	  "pinning would take what this user's VMs pin, together, past RLIMIT_MEMLOCK (raise it, ulimit -l, or give the VMM CAP_IPC_LOCK), or the host is out of memory",
	},
	{ PT_OP_MAP, ERANGE,
	  "the IOVA range is not inside a usable range: see pt_vm_ranges()",
	},
	{ PT_OP_MAP, EEXIST,
	  "the IOVA range overlaps an existing mapping",
	},
	{ PT_OP_MAP, EPERM,
	  "only the process that opened the VM may map its memory",
	},
	{ PT_OP_MAP, EOPNOTSUPP,
	  "the memory is an I/O or PFN mapping (another device's BAR?) that cannot be pinned",
	},
	{ PT_OP_MAP, EFAULT,
	  "part of the memory is not mapped in this process",
	},
	{ PT_OP_UNMAP, EINVAL,
	  "the range cuts a mapping in two: unmap exactly what was mapped",
	},
	{ PT_OP_UNMAP, ENOENT,
	  "no mapping inside the range",
	},
	{ PT_OP_REGION, EIO,
	  "the function's memory or I/O decode is off, or it is in D3hot: turn decode on in its command register",
	},
	{ PT_OP_REGION, EINVAL,
	  "outside the region, or the region does not exist or cannot be mapped there",
	},
	{ PT_OP_IRQ, EPERM,
	  "attach the device to a VM before giving it interrupts",
	},
	{ PT_OP_IRQ, ENOSPC,
	  "the host has not enough interrupt vectors",
	},
	{ PT_OP_IRQ, EIO,
	  "the function is in D3hot, where its MSI-X table does not answer: put it in D0 first",
	},
	{ PT_OP_IRQ, EBUSY,
	  "INTx cannot be masked at this function and its interrupt line is shared with a host device",
	},
	{ PT_OP_RESET, EOPNOTSUPP,
	  "the function has no reset method (see its reset_method file in sysfs)",
	},
	{ PT_OP_RESET, EAGAIN,
	  "the PCI core is busy with the function: try again",
	},
	{ PT_OP_RESET, ENODEV,
	  "the function was unbound or removed: close it",
	},
};

const char *pt_strerror(enum pt_op op, int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pt_explanations); i++)
		if (pt_explanations[i].op == op && -pt_explanations[i].err == err)
			return pt_explanations[i].text;
	if (err == -ENODEV)
		return "the function was unbound or removed: close it";
	return strerror(-err);
}

int pt_vm_open(struct pt_vm *vm)
{
	vm->fd = open("/dev/passthru/vm", O_RDWR | O_CLOEXEC);
	return vm->fd < 0 ? -errno : 0;
}

void pt_vm_close(struct pt_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}

int pt_vm_map(struct pt_vm *vm, uint64_t iova, void *vaddr, uint64_t len,
	      uint32_t flags)
{
	struct passthru_dma_map m = {
		.size = sizeof(m), .flags = flags, .iova = iova,
		.vaddr = (uintptr_t)vaddr, .length = len,
	};

	return pt_call(vm->fd, PASSTHRU_VM_MAP_DMA, &m);
}

int64_t pt_vm_unmap(struct pt_vm *vm, uint64_t iova, uint64_t len)
{
	struct passthru_dma_unmap u = {
		.size = sizeof(u), .iova = iova, .length = len,
	};
	int ret = pt_call(vm->fd, PASSTHRU_VM_UNMAP_DMA, &u);

	return ret ? ret : (int64_t)u.length;
}

int pt_vm_ranges(struct pt_vm *vm, struct passthru_iova_range *ranges,
		 unsigned int max)
{
	struct passthru_vm_info info = {
		.size = sizeof(info), .num_ranges = max,
		.ranges = (uintptr_t)ranges,
	};
	int ret = pt_call(vm->fd, PASSTHRU_VM_INFO, &info);

	return ret ? ret : (int)info.num_ranges;
}

int pt_dev_open(struct pt_dev *dev, const char *bdf)
{
	char path[64];

	if (strlen(bdf) == 7)
		snprintf(dev->bdf, sizeof(dev->bdf), "0000:%s", bdf);
	else
		snprintf(dev->bdf, sizeof(dev->bdf), "%s", bdf);
	snprintf(path, sizeof(path), "/dev/passthru/%s", dev->bdf);
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	return dev->fd < 0 ? -errno : 0;
}

int pt_dev_from_fd(struct pt_dev *dev, int fd)
{
	struct passthru_device_info info;
	int ret;

	dev->fd = fd;
	dev->bdf[0] = '\0';
	ret = pt_dev_info(dev, &info);
	if (ret)
		dev->fd = -1;
	return ret;
}

void pt_dev_close(struct pt_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int pt_dev_info(struct pt_dev *dev, struct passthru_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return pt_call(dev->fd, PASSTHRU_DEVICE_INFO, info);
}

int pt_dev_attach(struct pt_dev *dev, struct pt_vm *vm)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = vm->fd };

	return pt_call(dev->fd, PASSTHRU_DEVICE_ATTACH, &a);
}

int pt_dev_reset(struct pt_dev *dev)
{
	struct passthru_device_reset r = { .size = sizeof(r) };

	return pt_call(dev->fd, PASSTHRU_DEVICE_RESET, &r);
}

int pt_region_info(struct pt_dev *dev, unsigned int index,
		   struct pt_region *region)
{
	struct passthru_region_info ri = {
		.size = sizeof(ri), .index = index, .num_areas = 4,
		.areas = (uintptr_t)region->areas,
	};
	int ret;

	memset(region, 0, sizeof(*region));
	ri.areas = (uintptr_t)region->areas;
	ret = pt_call(dev->fd, PASSTHRU_REGION_INFO, &ri);
	if (ret)
		return ret;
	region->index = index;
	region->caps = ri.caps;
	region->offset = ri.offset;
	region->size = ri.region_size;
	region->num_areas = ri.num_areas < 4 ? ri.num_areas : 4;
	return 0;
}

void *pt_region_mmap(struct pt_dev *dev, const struct pt_region *region,
		     uint64_t offset, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, dev->fd,
		       region->offset + offset);

	return p == MAP_FAILED ? NULL : p;
}

int pt_region_read(struct pt_dev *dev, unsigned int index, uint64_t offset,
		   void *buf, size_t len)
{
	ssize_t n = pread(dev->fd, buf, len,
			  PASSTHRU_REGION_OFFSET(index) + offset);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EINVAL;
}

int pt_region_write(struct pt_dev *dev, unsigned int index, uint64_t offset,
		    const void *buf, size_t len)
{
	ssize_t n = pwrite(dev->fd, buf, len,
			   PASSTHRU_REGION_OFFSET(index) + offset);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EINVAL;
}

int pt_bus_master(struct pt_dev *dev, int on)
{
	uint16_t cmd;
	int ret;

	ret = pt_region_read(dev, PASSTHRU_REGION_CONFIG, 4, &cmd, 2);
	if (ret)
		return ret;
	cmd = on ? cmd | 4 : cmd & ~4;
	return pt_region_write(dev, PASSTHRU_REGION_CONFIG, 4, &cmd, 2);
}

int pt_irq_info(struct pt_dev *dev, unsigned int index,
		struct passthru_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = index;
	return pt_call(dev->fd, PASSTHRU_IRQ_INFO, info);
}

static int pt_irq_set(struct pt_dev *dev, uint32_t flags, unsigned int index,
		      unsigned int start, unsigned int count,
		      const int32_t *data)
{
	struct passthru_irq_set s = {
		.size = sizeof(s), .flags = flags, .index = index,
		.start = start, .count = count, .data = (uintptr_t)data,
	};

	return pt_call(dev->fd, PASSTHRU_SET_IRQS, &s);
}

int pt_irq_eventfds(struct pt_dev *dev, unsigned int index,
		    unsigned int start, unsigned int count, const int32_t *fds)
{
	return pt_irq_set(dev, PASSTHRU_IRQ_SET_EVENTFD, index, start, count,
			  fds);
}

int pt_irq_eventfd(struct pt_dev *dev, unsigned int index, unsigned int vector)
{
	int32_t fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int ret;

	if (fd < 0)
		return -errno;
	ret = pt_irq_eventfds(dev, index, vector, 1, &fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int pt_irq_mask(struct pt_dev *dev, unsigned int index, unsigned int start,
		unsigned int count, int mask)
{
	return pt_irq_set(dev, mask ? PASSTHRU_IRQ_SET_MASK :
			  PASSTHRU_IRQ_SET_UNMASK, index, start, count, NULL);
}

int64_t pt_irq_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;
	int n;

	n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return errno == EAGAIN ? 0 : -errno;
	return (int64_t)v;
}
