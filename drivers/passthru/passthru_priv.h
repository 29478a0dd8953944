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
 * A VM (vm.c) is refcounted by its file and by each attached device;
 * see the top of vm.c.
 *
 * Lock order, outermost first (Documentation/internals.md draws it):
 *
 *   device_lock            the driver core's, held around remove(); a
 *                          reset under passthru_device.lock only ever
 *                          trylocks it (pci_try_reset_function()), as it
 *                          does the config-access lock in remove()
 *   mmap_lock              a fault holds it around memory_lock; it is not
 *                          taken under passthru_device.lock or
 *                          passthru_vm.lock: user memory is copied and
 *                          pinned before they are taken or after they are
 *                          dropped
 *   passthru_device.lock   serialises a device's ioctls, attach and detach
 *                          with remove(); remove() sets @removed under it,
 *                          and an ioctl that finds @removed set fails with
 *                          ENODEV without touching the hardware
 *   memory_lock            (rwsem) whether the BARs answer: read by
 *                          faults, written around anything that changes
 *                          it; zapping under it takes i_mmap_rwsem
 *   passthru_vm.lock       a VM's mappings, usable ranges and groups,
 *                          taken under passthru_device.lock by attach and
 *                          detach; the IOMMU core takes the group's mutex
 *                          under it
 *   passthru_vm_users_lock the per-user VM counts (pages.c); a leaf
 *   eventfd wait-queue     the INTx unmask eventfd's wake-up runs under
 *                          it and takes the vector's lock
 *   passthru_vector.lock   (spinlock, hard-irq safe) a vector's mask state
 *                          and eventfd; the PCI core's config lock is
 *                          taken under it; no eventfd is signalled under
 *                          it
 */
#ifndef PASSTHRU_PRIV_H
#define PASSTHRU_PRIV_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/workqueue.h>
#include <uapi/linux/passthru.h>

#include "passthru_logic.h"

struct file;
struct vm_area_struct;
struct address_space;
struct iommu_domain;
struct mm_struct;
struct user_struct;
struct pci_dev;
struct pci_saved_state;
struct eventfd_ctx;

/*
 * Every allocation a user's call makes is GFP_KERNEL_ACCOUNT: charged to
 * the caller's memory cgroup, and what the fault-injection sweep fails
 * (tools/testing/pt_failnth.c).
 *
 * Log lines a VMM can cause as often as it likes (a refused attach, its
 * attach and detach, a failed power change) are rate-limited.
 */
#define passthru_vmm_warn(pdev, fmt, ...) \
	dev_warn_ratelimited(&(pdev)->dev, fmt, ##__VA_ARGS__)
#define passthru_vmm_info(pdev, fmt, ...) \
	dev_info_ratelimited(&(pdev)->dev, fmt, ##__VA_ARGS__)

/**
 * struct passthru_vector - one interrupt vector given to the VMM
 * @pt: its device
 * @irq: the host's interrupt number; MSI and MSI-X vectors are requested
 *	for as long as their type is enabled, INTx only with an eventfd
 * @trigger: the eventfd it signals, or NULL
 * @lock: protects @masked and @pending; taken by the interrupt handler
 * @masked: the VMM masked it, or INTx fired and awaits its unmask
 * @pending: an MSI/MSI-X interrupt arrived while masked
 * @name: the name in /proc/interrupts
 */
struct passthru_vector {
	struct passthru_device *pt;
	unsigned int irq;
	struct eventfd_ctx *trigger;
	spinlock_t lock; /* see @lock */
	bool masked;
	bool pending;
	char *name;
};

/**
 * struct passthru_irqs - a device's interrupts (irq.c); under its lock
 * @type: the active &enum passthru_irq_index (INTx, MSI or MSI-X), or -1
 * @nvec: entries in @vec
 * @vec: the enabled vectors
 * @intx_disable: INTx is masked with the command register's INTx-disable
 * @unmask: INTx unmask eventfd, or NULL
 * @unmask_wait: our entry in @unmask's wait queue
 * @unmask_table: to add @unmask_wait with vfs_poll()
 * @resend: signals INTx again after an unmask found it still asserted
 * @notify: the error and request eventfds
 */
struct passthru_irqs {
	int type;
	unsigned int nvec;
	struct passthru_vector *vec;
	bool intx_disable;
	struct eventfd_ctx *unmask;
	wait_queue_entry_t unmask_wait;
	poll_table unmask_table;
	struct work_struct resend;
	struct eventfd_ctx *notify[2];
};

/**
 * struct passthru_device - a PCI function claimed by passthru
 * @pdev: the function; a reference is held until @dev is released
 * @dev: class device behind /dev/passthru/DDDD:BB:DD.F, the refcount
 * @cdev: the node's character device, parented to @dev
 * @lock: serialises ioctls with remove(), see the top of this file
 * @removed: set by remove(); the hardware must not be touched any more
 * @busy: bit 0 set while the node is open (opens are exclusive)
 * @info: identity snapshot taken at probe, returned by DEVICE_INFO
 * @vm: the VM the device is attached to (holding a reference), or NULL
 * @unremapped: attached without interrupt remapping
 * @layout: the regions, computed at probe
 * @bar_map: kernel mappings of the BARs, made on first access, under @lock
 * @memory_lock: taken for reading by mmap faults, for writing to revoke
 *	the mappings and around a config write that turns memory decode off;
 *	nests inside mmap_lock and @lock, outside i_mmap_rwsem
 * @opened: the node was opened since the function was last handed back
 *	(the function itself is enabled from probe to remove); under @lock
 * @revoked: mmap faults fail (SIGBUS); set under @memory_lock
 * @mapping: the address space of the open file, whose pages are zapped
 *	on revocation
 * @cfg: the virtual config space, rebuilt after each open and reset;
 *	under @lock
 * @cfg_built: @cfg reflects the device since the last open or reset
 * @host_state: the function's config state when passthru claimed it, put
 *	back whenever the VMM lets go
 * @d3hot: the VMM put the function in D3hot; set under @lock and
 *	@memory_lock, BAR accesses fail while it is set
 * @rom_bad: the ROM's header was found invalid, so it is not read again
 *	(each try would log); under @lock
 * @dirty: the function was opened since its last reset; under @lock
 * @irqs: interrupts and notifications given to the VMM; under @lock
 * @release_wq: woken when the node's file is closed
 */
struct passthru_device {
	struct pci_dev *pdev;
	struct device dev;
	struct cdev cdev;
	struct mutex lock; /* see "Lock order" above */
	bool removed;
	unsigned long busy;
	struct passthru_device_info info;
	struct passthru_vm *vm;
	bool unremapped;
	struct passthru_layout layout[PASSTHRU_NUM_REGIONS];
	void __iomem *bar_map[PCI_STD_NUM_BARS];
	struct rw_semaphore memory_lock;
	bool opened;
	bool revoked;
	struct address_space *mapping;
	struct passthru_cfg *cfg;
	bool cfg_built;
	struct pci_saved_state *host_state;
	bool d3hot;
	bool rom_bad;
	bool dirty;
	struct passthru_irqs irqs;
	wait_queue_head_t release_wq;
};

/**
 * struct passthru_vm - a VM: one IOMMU domain and what is mapped in it
 * @kref: held by the VM's file and by each attached device
 * @lock: protects everything below but @domain and @mm, which are set at
 *	creation (see "Lock order" above)
 * @domain: the VM's IOMMU paging domain
 * @mm: the address space of the process that created the VM (mmgrab()ed);
 *	only it may map, and its pinned_vm shows the pinned pages
 * @user: the user who created the VM (a reference is held), charged for
 *	every pinned page
 * @mappings: the DMA mappings, an interval tree of &struct passthru_dma
 * @usable: usable IOVA ranges: the aperture minus reserved regions
 * @groups: attached IOMMU groups (struct passthru_vm_group, group.c)
 * @ndevices: attached devices
 * @unremapped: attached devices whose interrupts are not remapped
 */
struct passthru_vm {
	struct kref kref;
	struct mutex lock; /* see "Lock order" above */
	struct iommu_domain *domain;
	struct mm_struct *mm;
	struct user_struct *user;
	struct rb_root_cached mappings;
	struct passthru_ranges usable;
	struct list_head groups;
	unsigned int ndevices;
	unsigned int unremapped;
};

/* params.c: module parameters */
extern unsigned int passthru_max_devices_per_vm;
extern unsigned int passthru_max_vms_per_user;
extern bool passthru_allow_unsafe_interrupts;
extern unsigned int passthru_release_timeout_ms;

/* ioctl.c: the ioctl dispatcher; the argument checks are pure logic */
#define PASSTHRU_MAX_STRUCT_SIZE 4096

/* A &struct passthru_ioctl_op's handler runs under its table's lock. */
#define PASSTHRU_IOCTL_LOCKED true

/**
 * struct passthru_ioctl_op - one entry of an ioctl dispatch table
 * @cmd: the ioctl number
 * @size: sizeof() the kernel's struct
 * @min_size: offsetofend() the last member of the struct's first version
 * @valid_flags: the bits of the struct's @flags this kernel accepts
 * @locked: @execute runs under the table's lock (PASSTHRU_IOCTL_LOCKED)
 * @execute: the handler, called with the file's object (a device or a
 *	VM) and the struct copied in and validated by passthru_check_size()
 *	and passthru_check_flags(); on success the struct is copied back out
 */
struct passthru_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	u32 valid_flags;
	bool locked;
	int (*execute)(void *ctx, void *cmd);
};

/**
 * struct passthru_ioctl_table - the ioctls of one kind of file
 * @ops: the entries
 * @nops: entries in @ops
 * @lock: taken around a locked entry's handler; may fail (the object is
 *	gone), failing the call with its errno
 * @unlock: undoes @lock
 */
struct passthru_ioctl_table {
	const struct passthru_ioctl_op *ops;
	unsigned int nops;
	int (*lock)(void *ctx);
	void (*unlock)(void *ctx);
};

/* Room for the largest ioctl struct; PASSTHRU_IOCTL_OP() checks it. */
#define PASSTHRU_IOCTL_BUF_SIZE 64

#define PASSTHRU_IOCTL_OP(_cmd, _struct, _last, _flags, _locked, _fn)	\
	{								\
		.cmd = _cmd,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_struct) >		\
					  PASSTHRU_IOCTL_BUF_SIZE),	\
		.min_size = offsetofend(_struct, _last),		\
		.valid_flags = _flags,					\
		.locked = _locked,					\
		.execute = _fn,						\
	}

long passthru_ioctl(const struct passthru_ioctl_table *table, void *ctx,
		    unsigned int cmd, unsigned long arg);
int passthru_check_size(const struct passthru_ioctl_op *op, u32 usize);
int passthru_check_flags(const struct passthru_ioctl_op *op, const void *cmd);
int passthru_device_info_check(const struct passthru_device_info *info);
u32 passthru_reset_mask(const u8 *methods, unsigned int n);

/* pci.c: the pci_driver */
extern struct pci_driver passthru_pci_driver;

/* device.c: the device nodes */
int passthru_device_class_init(void);
void passthru_device_class_exit(void);
struct passthru_device *passthru_device_create(struct pci_dev *pdev,
					       unsigned int group_id);
void passthru_device_remove(struct passthru_device *pt);

/**
 * passthru_device_lock_live() - lock a device for a VMM's call
 * @pt: the device
 *
 * Context: process context.
 * Return: 0 with @pt->lock held, or -ENODEV (not held) once the function
 * was removed.
 */
static inline int passthru_device_lock_live(struct passthru_device *pt)
{
	mutex_lock(&pt->lock);
	if (!pt->removed)
		return 0;
	mutex_unlock(&pt->lock);
	return -ENODEV;
}

/* region.c: the regions' layout */
int passthru_layout_init(struct passthru_device *pt);
int passthru_do_region_info(void *ctx, void *cmd);
bool passthru_decode_on(struct pci_dev *pdev, u32 caps);

/* rdwr.c: pread() and pwrite() */
ssize_t passthru_rdwr(struct passthru_device *pt, char __user *buf,
		      size_t count, loff_t *ppos, bool write);
void passthru_rdwr_unmap(struct passthru_device *pt);

/* mmap.c: the BAR mappings and memory_lock */
int passthru_mmap(struct passthru_device *pt, struct vm_area_struct *vma);
void passthru_mmap_zap(struct passthru_device *pt);
void passthru_mmap_revoke(struct passthru_device *pt);
u16 passthru_memory_lock_and_enable(struct passthru_device *pt);
void passthru_memory_unlock_and_restore(struct passthru_device *pt, u16 cmd);

/* config_io.c: config space accesses and the power state */
void passthru_config_invalidate(struct passthru_device *pt);
int passthru_config_rw(struct passthru_device *pt, u64 pos, u8 *buf,
		       size_t len, bool write);
void passthru_power_up(struct passthru_device *pt);

/* reset.c: resets and the hand-back */
int passthru_reset_for_vmm(struct passthru_device *pt);
int passthru_do_device_reset(void *ctx, void *cmd);
void passthru_stop_dma(struct passthru_device *pt);
void passthru_restore_host_state(struct passthru_device *pt);

/* irq.c: the vectors */
/* The most vectors a function can have: an MSI-X table's 2048 entries. */
#define PASSTHRU_MAX_VECTORS 2048
unsigned int passthru_irq_count(struct passthru_device *pt,
				unsigned int index);
void passthru_vector_mask(struct passthru_device *pt, struct passthru_vector *v);
bool passthru_vector_unmask(struct passthru_device *pt,
			    struct passthru_vector *v);
int passthru_irqs_set_eventfds(struct passthru_device *pt,
			       struct passthru_irq_set *set, const s32 *fds);
struct eventfd_ctx **passthru_get_eventfds(const s32 *fds, unsigned int count);
void passthru_irq_init(struct passthru_device *pt);
void passthru_irq_release(struct passthru_device *pt);
bool passthru_irq_notify(struct passthru_device *pt, unsigned int index);

/* intx.c: INTx */
void passthru_intx_init(struct passthru_device *pt);
void passthru_intx_mask(struct passthru_device *pt, struct passthru_vector *v);
bool passthru_intx_unmask(struct passthru_device *pt, struct passthru_vector *v);
int passthru_intx_swap(struct passthru_device *pt, struct eventfd_ctx *ctx,
		       struct eventfd_ctx **old);
int passthru_intx_unmask_set(struct passthru_device *pt, int fd);
void passthru_intx_unmask_clear(struct passthru_device *pt);
void passthru_intx_quiet(struct passthru_device *pt);
void passthru_intx_resync(struct passthru_device *pt);
int passthru_intx_write_command(struct passthru_device *pt, u16 val,
				u16 from_val);

/* irq_ioctl.c: IRQ_INFO and SET_IRQS */
int passthru_do_irq_info(void *ctx, void *cmd);
int passthru_do_set_irqs(void *ctx, void *cmd);

/* vm.c: VMs, attach and detach */
int passthru_vm_init(void);
void passthru_vm_exit(void);
struct passthru_vm *passthru_vm_from_file(struct file *file);
void passthru_vm_put(struct passthru_vm *vm);
int passthru_do_attach(void *ctx, void *cmd);
void passthru_vm_detach(struct passthru_device *pt);

/* group.c: a VM's IOMMU groups */
int passthru_vm_compute_ranges(struct passthru_vm *vm,
			       struct passthru_ranges *rs);
int passthru_group_join(struct passthru_vm *vm, struct pci_dev *pdev);
void passthru_group_leave(struct passthru_vm *vm, struct pci_dev *pdev);

/* pages.c: pinning and accounting */
int passthru_vm_charge(struct passthru_vm *vm, unsigned long npages);
void passthru_vm_uncharge(struct passthru_vm *vm, unsigned long npages);
int passthru_vm_user_get(struct user_struct *user);
void passthru_vm_user_put(struct user_struct *user);
int passthru_pin(struct passthru_vm *vm, struct passthru_dma *dma);
void passthru_unpin_runs(struct passthru_run *runs, unsigned long nr,
			 bool dirty);
void passthru_pages_exit(void);

/* dma.c: DMA mappings */
int passthru_do_map_dma(void *ctx, void *cmd);
int passthru_do_unmap_dma(void *ctx, void *cmd);
void passthru_dma_unmap_all(struct passthru_vm *vm);

#endif /* PASSTHRU_PRIV_H */
