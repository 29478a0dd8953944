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
 *
 * Errors of the VM calls (on a file of ``/dev/passthru/vm``) and of
 * PASSTHRU_DEVICE_ATTACH:
 *
 * - ``EINVAL``: an IOVA, address or length that is zero where it must not
 *   be or not aligned to the page size; a map without READ or WRITE; an
 *   unmap range that would cut a mapping in two; a descriptor that is not
 *   a VM;
 * - ``EOVERFLOW``: ``iova + length`` or ``vaddr + length`` wraps around;
 * - ``ERANGE``: the IOVA range is not inside one of the usable ranges that
 *   PASSTHRU_VM_INFO reports (outside the IOMMU's aperture, or over a
 *   reserved region such as the x86 MSI window);
 * - ``EEXIST``: the IOVA range overlaps an existing mapping;
 * - ``EFAULT``: part of the user range is not mapped in the process;
 * - ``EOPNOTSUPP``: part of the user range is a PFNMAP or I/O mapping (for
 *   example another device's BAR); these cannot be pinned;
 * - ``ENOMEM``: pinning would take the pages the user who created the VM
 *   has pinned, in all its VMs together, past the caller's
 *   RLIMIT_MEMLOCK (unless the caller has CAP_IPC_LOCK), or the kernel is
 *   out of memory;
 * - ``EPERM``: a VM's memory calls come from a process other than the one
 *   that opened the VM; or attaching a device whose interrupts the IOMMU
 *   cannot remap, while the module parameter ``allow_unsafe_interrupts``
 *   is off;
 * - ``ENOENT``: an unmap range holds no mapping;
 * - ``EBUSY``: the device is already attached; or another function of its
 *   IOMMU group is driven by a host driver (dmesg names it); or its IOMMU
 *   group is attached to another VM;
 * - ``ENOSPC``: the VM already has ``max_devices_per_vm`` devices;
 * - ``EAGAIN`` from attach: the PCI core is busy with the function (a
 *   reset through sysfs, an unbind), so it could not be reset; try again;
 * - ``EADDRINUSE``: attaching would make existing mappings unusable (they
 *   cover a reserved region of the device's group, or lie beyond its
 *   IOMMU's address width);
 * - ``EXDEV``: the device's IOMMU cannot use this VM's domain (a host with
 *   several, different IOMMUs); use another VM for it;
 * - ``ENODEV`` from open() of ``/dev/passthru/vm``: the host has no IOMMU
 *   for PCI devices;
 * - ``EMFILE`` from open() of ``/dev/passthru/vm``: the user already holds
 *   ``max_vms_per_user`` VMs (each one is an IOMMU domain);
 * - ``EACCES`` from open(): the node's permissions.  ``/dev/passthru/vm``
 *   is root's (mode 0600) until the administrator hands it to a group,
 *   as ``/dev/kvm`` is; a device node the same.
 */

/* 0xB8 is free in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define PASSTHRU_TYPE 0xB8

enum {
	PASSTHRU_CMD_DEVICE_INFO = 0x40,
	PASSTHRU_CMD_DEVICE_ATTACH = 0x41,
	PASSTHRU_CMD_REGION_INFO = 0x42,
	PASSTHRU_CMD_DEVICE_RESET = 0x43,
	PASSTHRU_CMD_IRQ_INFO = 0x44,
	PASSTHRU_CMD_SET_IRQS = 0x45,
	PASSTHRU_CMD_VM_INFO = 0x50,
	PASSTHRU_CMD_VM_MAP_DMA = 0x51,
	PASSTHRU_CMD_VM_UNMAP_DMA = 0x52,
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
 * enum passthru_reset_methods - how the host can reset a function
 * @PASSTHRU_RESET_FLR: function level reset (PCIe, or the conventional
 *	PCI Advanced Features capability)
 * @PASSTHRU_RESET_PM: a D3hot to D0 transition that resets the function
 * @PASSTHRU_RESET_BUS: a secondary bus reset of the bridge above the
 *	function, which is alone on its bus (or a hotplug slot reset)
 * @PASSTHRU_RESET_OTHER: a device-specific quirk or firmware (ACPI _RST)
 *
 * The kernel tries the methods in the order of the function's
 * ``reset_method`` file in sysfs, which an administrator may change.
 */
enum passthru_reset_methods {
	PASSTHRU_RESET_FLR = 1 << 0,
	PASSTHRU_RESET_PM = 1 << 1,
	PASSTHRU_RESET_BUS = 1 << 2,
	PASSTHRU_RESET_OTHER = 1 << 3,
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
 * @reset_methods: a mask of &enum passthru_reset_methods, the ways the
 *	kernel can currently reset the function; 0 when it has none, and
 *	then a device's state can carry over from one VM to the next
 * @__reserved2: 0
 *
 * Describes the PCI function behind a device node.  Only @size and @flags
 * are inputs; every other member is written by the kernel.  (Callers that
 * pass the size of the first version, which ended at @iommu_group, get
 * that much.)
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
	__u32 reset_methods;
	__u32 __reserved2;
};

#define PASSTHRU_DEVICE_INFO _IO(PASSTHRU_TYPE, PASSTHRU_CMD_DEVICE_INFO)

/**
 * struct passthru_device_attach - ioctl(PASSTHRU_DEVICE_ATTACH)
 * @size: sizeof(struct passthru_device_attach)
 * @flags: must be 0
 * @vm_fd: a file descriptor of ``/dev/passthru/vm``
 * @__reserved: must be 0
 *
 * Puts the device in the VM: from now on its DMA is translated by the VM's
 * IOMMU domain, and reaches exactly the memory mapped with
 * PASSTHRU_VM_MAP_DMA.  The device's whole IOMMU group joins the VM: every
 * other function of the group must be bound to passthru or to no driver
 * (bridges excepted), and stays out of the host's reach until the last
 * device of the group leaves the VM.  Closing the device's file detaches
 * it.  Attaching can add reserved regions and so change the usable IOVA
 * ranges: read PASSTHRU_VM_INFO again after each attach.
 *
 * Return: 0, or an errno of the VM section of the "General ioctl format".
 */
struct passthru_device_attach {
	__u32 size;
	__u32 flags;
	__s32 vm_fd;
	__u32 __reserved;
};

#define PASSTHRU_DEVICE_ATTACH _IO(PASSTHRU_TYPE, PASSTHRU_CMD_DEVICE_ATTACH)

/**
 * DOC: Reset and the device's life cycle
 *
 * passthru puts a function in a known state at three moments:
 *
 * - Attach (PASSTHRU_DEVICE_ATTACH): bus mastering is turned off and the
 *   function is reset, if it has a reset method, before it joins the VM;
 *   the virtual config space starts afresh.  Mapped BAR pages are zapped
 *   first, and fault back in on the next touch.
 * - PASSTHRU_DEVICE_RESET: the same, on request.  While the reset runs,
 *   a touch of a mapped BAR page waits for it to end; pread() and pwrite()
 *   too.  If the VMM had put the function in D3hot, it is back in D0.
 * - Close, and unbind or removal while open: back to D0 and bus mastering
 *   off before the interrupts are torn down, a reset, then the function
 *   leaves the VM and its config space is put back as the host had it
 *   when passthru claimed the function, bus mastering excepted: it stays
 *   off, so that nothing the VMM armed can DMA.  After an unbind or
 *   removal the function is the host's: the close of a file still open
 *   on it touches nothing.
 *
 * The state after PASSTHRU_DEVICE_RESET is the state right after attach.
 */

/**
 * struct passthru_device_reset - ioctl(PASSTHRU_DEVICE_RESET)
 * @size: sizeof(struct passthru_device_reset)
 * @flags: must be 0
 *
 * Resets the function with the first method the kernel can use (see
 * &enum passthru_reset_methods and the section above).
 *
 * Return: 0; ``EOPNOTSUPP`` when the function has no reset method (bus
 * mastering is off and the virtual config space fresh all the same);
 * ``EAGAIN`` when the PCI core is busy with the function (a reset through
 * sysfs, an unbind): try again; ``EIO`` when the reset failed; or an errno
 * of the "General ioctl format".
 */
struct passthru_device_reset {
	__u32 size;
	__u32 flags;
};

#define PASSTHRU_DEVICE_RESET _IO(PASSTHRU_TYPE, PASSTHRU_CMD_DEVICE_RESET)

/**
 * DOC: Regions
 *
 * A device file gives access to the function's regions with pread(),
 * pwrite() and mmap() at fixed file offsets: region N starts at
 * PASSTHRU_REGION_OFFSET(N).  Regions 0-5 are BAR0-BAR5 (a 64-bit BAR is
 * the region of its lower index; its upper half is an empty region), 6
 * is the expansion ROM, 7 is config space.
 *
 * - Memory BARs: reads and writes are split into naturally aligned
 *   accesses of at most 4 bytes.  The MSI-X table and pending-bit array
 *   belong to the host: in them reads return all ones and writes are
 *   dropped, and their pages cannot be mapped.
 * - I/O port BARs: the same, with port accesses; never mappable.
 * - The ROM: read-only; its decode is enabled only for the read, and only
 *   while the VMM has memory decode on (else ``EIO``, without a device
 *   access).  A ROM whose header is invalid fails every read with
 *   ``EIO``.
 * - Config space: virtualized.  The BARs and the ROM BAR are virtual
 *   (sizing with all ones works as on hardware, the real BARs never move);
 *   the command register passes I/O, memory and bus-master enables, parity
 *   and SERR to the device (bus mastering only while the device is
 *   attached to a VM), keeps INTx-disable virtual, and turning memory
 *   decode off revokes every mapping of the BARs first; cache line size,
 *   latency timer and interrupt line are the VMM's scratch; the power
 *   state field of the PM capability moves the function between D0 and
 *   D3hot through the PCI core (other states are ignored; in D3hot the
 *   BARs behave as with decode off, and on the way back to D0 the
 *   function's config state is restored); the MSI
 *   capability and the MSI-X enable and function-mask bits are virtual
 *   (the real ones belong to the interrupt calls); PCIe device control is
 *   virtual, so it can start no FLR; everything else is read-only.  The
 *   virtual state starts afresh at each open.
 *
 * Accessing a memory or I/O BAR while the function's memory or I/O
 * decode is off fails with ``EIO``; so does a fault on a mapped page
 * (``SIGBUS``), as does any access after the function was revoked.
 * mmap() needs MAP_SHARED, a page-aligned range inside one mappable area
 * of a region (see PASSTHRU_REGION_INFO), and maps uncached.  Accesses
 * outside a region fail with ``EINVAL``, a region that does not exist
 * too.
 */
#define PASSTHRU_REGION_SHIFT 40
#define PASSTHRU_REGION_OFFSET(index) ((__u64)(index) << PASSTHRU_REGION_SHIFT)

/**
 * enum passthru_region_index - the regions of a device file
 * @PASSTHRU_REGION_BAR0: base address register 0; BAR1-BAR5 follow
 * @PASSTHRU_REGION_ROM: the expansion ROM
 * @PASSTHRU_REGION_CONFIG: config space, 256 or 4096 bytes
 * @PASSTHRU_NUM_REGIONS: number of region indexes
 */
enum passthru_region_index {
	PASSTHRU_REGION_BAR0 = 0,
	PASSTHRU_REGION_ROM = 6,
	PASSTHRU_REGION_CONFIG = 7,
	PASSTHRU_NUM_REGIONS = 8,
};

/**
 * enum passthru_region_caps - what a region allows
 * @PASSTHRU_REGION_READ: pread() works
 * @PASSTHRU_REGION_WRITE: pwrite() works
 * @PASSTHRU_REGION_MMAP: mmap() works on the areas listed
 * @PASSTHRU_REGION_IO: the region is I/O port space
 * @PASSTHRU_REGION_64BIT: a 64-bit memory BAR
 * @PASSTHRU_REGION_PREFETCH: a prefetchable memory BAR
 */
enum passthru_region_caps {
	PASSTHRU_REGION_READ = 1 << 0,
	PASSTHRU_REGION_WRITE = 1 << 1,
	PASSTHRU_REGION_MMAP = 1 << 2,
	PASSTHRU_REGION_IO = 1 << 3,
	PASSTHRU_REGION_64BIT = 1 << 4,
	PASSTHRU_REGION_PREFETCH = 1 << 5,
};

/**
 * struct passthru_region_area - a mappable part of a region
 * @offset: offset from the start of the region, page aligned
 * @size: bytes, a multiple of the page size
 */
struct passthru_region_area {
	__aligned_u64 offset;
	__aligned_u64 size;
};

/**
 * struct passthru_region_info - ioctl(PASSTHRU_REGION_INFO)
 * @size: sizeof(struct passthru_region_info)
 * @flags: must be 0
 * @index: input, a &enum passthru_region_index value
 * @caps: output, a mask of &enum passthru_region_caps; 0 for a region
 *	that does not exist (an unimplemented BAR, the upper half of a
 *	64-bit BAR, no ROM)
 * @offset: output, the region's file offset, PASSTHRU_REGION_OFFSET(@index)
 * @region_size: output, the region's size in bytes
 * @num_areas: input, how many &struct passthru_region_area fit at @areas;
 *	output, how many mappable areas the region has (the first ones are
 *	written if the array is too small)
 * @__reserved: must be 0
 * @areas: user pointer to an array of &struct passthru_region_area
 *
 * A memory BAR of at least a page, page-aligned in host memory, is
 * mappable except for the pages of the MSI-X table and pending-bit array;
 * its areas list what remains.  Smaller BARs, I/O BARs and the ROM have no
 * areas.
 *
 * Return: 0; ``EINVAL`` for an @index of no region; or an errno of the
 * "General ioctl format".
 */
struct passthru_region_info {
	__u32 size;
	__u32 flags;
	__u32 index;
	__u32 caps;
	__aligned_u64 offset;
	__aligned_u64 region_size;
	__u32 num_areas;
	__u32 __reserved;
	__aligned_u64 areas;
};

#define PASSTHRU_REGION_INFO _IO(PASSTHRU_TYPE, PASSTHRU_CMD_REGION_INFO)

/**
 * DOC: Interrupts
 *
 * A function's interrupts reach the VMM as eventfds.  There are five
 * interrupt indexes (&enum passthru_irq_index): INTx, MSI and MSI-X, of
 * which one at a time is active, and two notifications, "error" and
 * "request".  PASSTHRU_IRQ_INFO describes an index; PASSTHRU_SET_IRQS
 * acts on a block of its vectors.
 *
 * - MSI and MSI-X: the host programs the function's capability (the VMM's
 *   writes to it stay virtual) and each vector signals its eventfd.  The
 *   first SET_IRQS with eventfds enables the type: MSI with exactly as
 *   many vectors as the block ends at (the function sees that number),
 *   MSI-X likewise with as many as the block ends at (one host vector per
 *   vector used, not the whole table).  Later blocks change the eventfds
 *   of enabled vectors, or tear some down with -1, and touch nothing
 *   else.  A block beyond the enabled vectors: MSI refuses it (EINVAL;
 *   tear MSI down with @count 0 and enable it again with more); MSI-X
 *   grows to it, keeping the enabled vectors' eventfds and masks, by
 *   enabling MSI-X anew (an interrupt raised meanwhile may be lost: a VMM
 *   that knows how many vectors it needs sets them in one block).  The
 *   host's accesses to the MSI-X table happen with memory decode on,
 *   whatever the VMM left in the command register; in D3hot, where the
 *   table does not answer, eventfd blocks on MSI-X, and on any index
 *   while MSI-X is active, fail with EIO.
 *   A masked vector's interrupts are held as pending and delivered, once,
 *   at unmask.
 * - INTx is level-triggered: when it fires, the host masks it (with the
 *   command register's INTx-disable bit when the function has one, which
 *   lets the line be shared, otherwise by disabling the host's
 *   interrupt line, which must then be exclusive) before signalling.  The
 *   VMM unmasks it with PASSTHRU_IRQ_SET_UNMASK or by writing to an
 *   eventfd set with PASSTHRU_IRQ_SET_UNMASK_EVENTFD (the shape of KVM's
 *   irqfd resampler); if the function still asserts INTx then, the
 *   eventfd is signalled again.
 * - Setting eventfds on one of INTx, MSI and MSI-X tears down the one
 *   that was active.  A block with @count 0 tears the index down.
 *   Closing the device file tears everything down.  Enabling happens
 *   after the teardown: if it fails (ENOSPC when the host has not the
 *   vectors), no type is left active, not the old one, and the VMM sets
 *   again what it wants.
 * - Interrupts need the device attached to a VM (the attach checked that
 *   the IOMMU remaps its interrupts, or that the administrator allowed
 *   otherwise).
 *
 * The host's /proc/interrupts names each vector
 * ``passthru-<type>[<vector>](<DDDD:BB:DD.F>)``.
 */

/**
 * enum passthru_irq_index - the interrupt indexes of a device
 * @PASSTHRU_IRQ_INTX: the legacy INTx pin, one vector
 * @PASSTHRU_IRQ_MSI: MSI, up to 32 vectors
 * @PASSTHRU_IRQ_MSIX: MSI-X, up to 2048 vectors
 * @PASSTHRU_IRQ_ERROR: one vector, signalled when the PCI core reports an
 *	error (AER) on the function
 * @PASSTHRU_IRQ_REQUEST: one vector, signalled every half second while
 *	the host wants the function back (unbind, hot-unplug): unmap its BARs
 *	and close the device file.  After the module parameter
 *	release_timeout_ms the host revokes the device anyway
 * @PASSTHRU_NUM_IRQS: number of indexes
 */
enum passthru_irq_index {
	PASSTHRU_IRQ_INTX = 0,
	PASSTHRU_IRQ_MSI = 1,
	PASSTHRU_IRQ_MSIX = 2,
	PASSTHRU_IRQ_ERROR = 3,
	PASSTHRU_IRQ_REQUEST = 4,
	PASSTHRU_NUM_IRQS = 5,
};

/**
 * enum passthru_irq_caps - what an interrupt index can do
 * @PASSTHRU_IRQ_CAP_MASK: vectors can be masked and unmasked
 * @PASSTHRU_IRQ_CAP_INTX_DISABLE: INTx is masked with the function's
 *	INTx-disable bit, and its line may be shared with other devices
 */
enum passthru_irq_caps {
	PASSTHRU_IRQ_CAP_MASK = 1 << 0,
	PASSTHRU_IRQ_CAP_INTX_DISABLE = 1 << 1,
};

/**
 * struct passthru_irq_info - ioctl(PASSTHRU_IRQ_INFO)
 * @size: sizeof(struct passthru_irq_info)
 * @flags: must be 0
 * @index: input, an &enum passthru_irq_index value
 * @count: output, how many vectors the index has; 0 when the function
 *	does not have it (no INTx pin, no MSI or MSI-X capability)
 * @caps: output, a mask of &enum passthru_irq_caps
 * @active: output, how many vectors are enabled now
 *
 * Return: 0; ``EINVAL`` for an unknown @index; or an errno of the
 * "General ioctl format".
 */
struct passthru_irq_info {
	__u32 size;
	__u32 flags;
	__u32 index;
	__u32 count;
	__u32 caps;
	__u32 active;
};

#define PASSTHRU_IRQ_INFO _IO(PASSTHRU_TYPE, PASSTHRU_CMD_IRQ_INFO)

/**
 * enum passthru_irq_set_flags - what PASSTHRU_SET_IRQS does; exactly one
 * @PASSTHRU_IRQ_SET_EVENTFD: @data points to @count __s32 eventfds, one
 *	per vector from @start; -1 tears that vector down.  @count 0 (with
 *	@start 0) tears the whole index down
 * @PASSTHRU_IRQ_SET_MASK: mask vectors @start to @start + @count - 1
 * @PASSTHRU_IRQ_SET_UNMASK: unmask them
 * @PASSTHRU_IRQ_SET_UNMASK_EVENTFD: INTx only: @data points to one __s32
 *	eventfd; a write to it unmasks INTx; -1 removes it
 * @PASSTHRU_IRQ_SET_TRIGGER: loopback, for testing: signal the eventfds
 *	of the vectors as if they had fired
 */
enum passthru_irq_set_flags {
	PASSTHRU_IRQ_SET_EVENTFD = 1 << 0,
	PASSTHRU_IRQ_SET_MASK = 1 << 1,
	PASSTHRU_IRQ_SET_UNMASK = 1 << 2,
	PASSTHRU_IRQ_SET_UNMASK_EVENTFD = 1 << 3,
	PASSTHRU_IRQ_SET_TRIGGER = 1 << 4,
};

/**
 * struct passthru_irq_set - ioctl(PASSTHRU_SET_IRQS)
 * @size: sizeof(struct passthru_irq_set)
 * @flags: exactly one of &enum passthru_irq_set_flags
 * @index: an &enum passthru_irq_index value
 * @start: first vector of the block
 * @count: vectors in the block
 * @__reserved: must be 0
 * @data: user pointer to the __s32 eventfds, for the EVENTFD actions
 *
 * A failure part-way through a block of eventfds undoes the block: the
 * vectors keep the eventfds they had.
 *
 * Return: 0; ``EINVAL`` for no or several actions, an unknown @index, a
 * block beyond the index's vectors, an action the index does not have
 * (masking the notifications, an unmask eventfd on MSI), or a descriptor
 * that is not an eventfd; ``EBADF`` for a closed descriptor; ``EPERM``
 * when the device is not attached to a VM; ``ENOSPC`` when the host has
 * not enough interrupt vectors; ``EIO`` for an eventfd block that would
 * enable or disable MSI-X while the VMM has the function in D3hot;
 * ``EBUSY`` when INTx cannot be masked at
 * the device and its line is shared; or an errno of the "General ioctl
 * format".
 */
struct passthru_irq_set {
	__u32 size;
	__u32 flags;
	__u32 index;
	__u32 start;
	__u32 count;
	__u32 __reserved;
	__aligned_u64 data;
};

#define PASSTHRU_SET_IRQS _IO(PASSTHRU_TYPE, PASSTHRU_CMD_SET_IRQS)

/**
 * struct passthru_iova_range - an inclusive range of IO virtual addresses
 * @start: first address
 * @last: last address, inclusive (so a range can end at the top of the
 *	64-bit space)
 */
struct passthru_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * enum passthru_vm_caps - properties of a VM
 * @PASSTHRU_VM_INTR_REMAP: at least one device is attached, and the IOMMU
 *	remaps the interrupts of every attached device
 */
enum passthru_vm_caps {
	PASSTHRU_VM_INTR_REMAP = 1 << 0,
};

/**
 * struct passthru_vm_info - ioctl(PASSTHRU_VM_INFO)
 * @size: sizeof(struct passthru_vm_info)
 * @flags: must be 0
 * @caps: output, a mask of &enum passthru_vm_caps
 * @num_ranges: input, how many &struct passthru_iova_range fit at
 *	@ranges; output, how many usable ranges there are
 * @ranges: user pointer to an array of &struct passthru_iova_range,
 *	filled in ascending order
 * @pgsize_bitmap: output, the page sizes the IOMMU domain can map, one bit
 *	per size (bit 12: 4 KiB, bit 21: 2 MiB, ...)
 * @num_devices: output, how many devices are attached
 * @__reserved: must be 0
 *
 * The usable IOVA ranges are the IOMMU's aperture minus the reserved
 * regions of every attached group (for instance the x86 MSI window
 * 0xfee00000-0xfeefffff).  They can shrink when a device is attached.
 *
 * When the array is too small, the first @num_ranges ranges are written
 * and @num_ranges is set to the full count: call again with a larger
 * array.
 *
 * Return: 0, or an errno of the "General ioctl format".
 */
struct passthru_vm_info {
	__u32 size;
	__u32 flags;
	__u32 caps;
	__u32 num_ranges;
	__aligned_u64 ranges;
	__aligned_u64 pgsize_bitmap;
	__u32 num_devices;
	__u32 __reserved;
};

#define PASSTHRU_VM_INFO _IO(PASSTHRU_TYPE, PASSTHRU_CMD_VM_INFO)

/**
 * enum passthru_dma_map_flags - access a device gets to mapped memory
 * @PASSTHRU_DMA_READ: the device may read the memory
 * @PASSTHRU_DMA_WRITE: the device may write the memory
 */
enum passthru_dma_map_flags {
	PASSTHRU_DMA_READ = 1 << 0,
	PASSTHRU_DMA_WRITE = 1 << 1,
};

/**
 * struct passthru_dma_map - ioctl(PASSTHRU_VM_MAP_DMA)
 * @size: sizeof(struct passthru_dma_map)
 * @flags: a mask of &enum passthru_dma_map_flags, at least one of them
 * @iova: first IO virtual address, page aligned
 * @vaddr: first address of the memory in the calling process, page aligned
 * @length: bytes to map, a non-zero multiple of the page size
 *
 * Pins the process's memory at [@vaddr, @vaddr + @length) and maps it at
 * [@iova, @iova + @length) in the VM's IOMMU domain.  The pages are charged
 * to the process's RLIMIT_MEMLOCK (locked_vm) unless it has CAP_IPC_LOCK,
 * and stay pinned until they are unmapped, the VM is closed, or the
 * process dies.  The IOVA range must lie inside one usable range and
 * overlap no existing mapping.  Physically contiguous memory (huge pages)
 * is mapped with the largest IOMMU pages the alignment of @iova allows.
 * Only the process that opened the VM may map and unmap.
 *
 * Return: 0, or an errno of the VM section of the "General ioctl format".
 */
struct passthru_dma_map {
	__u32 size;
	__u32 flags;
	__aligned_u64 iova;
	__aligned_u64 vaddr;
	__aligned_u64 length;
};

#define PASSTHRU_VM_MAP_DMA _IO(PASSTHRU_TYPE, PASSTHRU_CMD_VM_MAP_DMA)

/**
 * enum passthru_dma_unmap_flags - how PASSTHRU_VM_UNMAP_DMA selects
 * @PASSTHRU_DMA_UNMAP_ALL: unmap every mapping; @iova and @length must be 0
 */
enum passthru_dma_unmap_flags {
	PASSTHRU_DMA_UNMAP_ALL = 1 << 0,
};

/**
 * struct passthru_dma_unmap - ioctl(PASSTHRU_VM_UNMAP_DMA)
 * @size: sizeof(struct passthru_dma_unmap)
 * @flags: a mask of &enum passthru_dma_unmap_flags
 * @iova: first IO virtual address of the range, page aligned
 * @length: input, bytes in the range; output, bytes unmapped
 *
 * Unmaps every mapping inside [@iova, @iova + @length), then unpins its
 * memory.  Mappings are never split: a range that covers only part of a
 * mapping fails with ``EINVAL`` and unmaps nothing, so unmap exactly what
 * was mapped, or a range holding several whole mappings.  When this call
 * returns, no device of the VM can reach the memory any more.
 *
 * Return: 0, or an errno of the VM section of the "General ioctl format"
 * (``ENOENT`` when the range holds no mapping).
 */
struct passthru_dma_unmap {
	__u32 size;
	__u32 flags;
	__aligned_u64 iova;
	__aligned_u64 length;
};

#define PASSTHRU_VM_UNMAP_DMA _IO(PASSTHRU_TYPE, PASSTHRU_CMD_VM_UNMAP_DMA)

#endif /* _UAPI_LINUX_PASSTHRU_H */
