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
 * Lock order, outermost first:
 *
 *   passthru_device.lock   serialises a device's ioctls, attach and detach
 *                          with remove(); remove() sets @removed under it,
 *                          and an ioctl that finds @removed set fails with
 *                          ENODEV without touching the hardware
 *   passthru_vm.lock       a VM's mappings, usable ranges and groups;
 *                          no user memory is touched under it
 *   mmap_lock              not taken under either lock above: user
 *                          memory is copied and pinned before they are
 *                          taken or after they are dropped
 *   iommu_group mutex      taken by the IOMMU core inside all of the above
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

/* iova.c: IOVA arithmetic, pure logic */

/**
 * struct passthru_ranges - a sorted set of disjoint inclusive IOVA ranges
 * @r: the ranges, ascending
 * @n: how many are in use
 * @cap: how many @r has room for
 */
struct passthru_ranges {
	struct passthru_iova_range *r;
	unsigned int n;
	unsigned int cap;
};

int passthru_span(u64 start, u64 length, u64 align, u64 *last);
int passthru_ranges_init(struct passthru_ranges *rs, u64 start, u64 last);
void passthru_ranges_free(struct passthru_ranges *rs);
int passthru_ranges_remove(struct passthru_ranges *rs, u64 start, u64 last);
bool passthru_ranges_contain(const struct passthru_ranges *rs, u64 start,
			     u64 last);

/* layout.c: region layout, pure logic */

/* Host-owned byte ranges per region: the MSI-X table and its PBA. */
#define PASSTHRU_MAX_EXCLUDED 2

/**
 * struct passthru_layout - one region of a device file
 * @size: bytes; 0 when the region does not exist
 * @caps: a mask of &enum passthru_region_caps
 * @nexcl: entries in @excl
 * @excl: byte ranges owned by the host, inclusive
 */
struct passthru_layout {
	u64 size;
	u32 caps;
	unsigned int nexcl;
	struct passthru_iova_range excl[PASSTHRU_MAX_EXCLUDED];
};

int passthru_region_decode(u64 off, unsigned int *index, u64 *pos);
unsigned int passthru_access_width(u64 pos, u64 len);
int passthru_layout_clamp(const struct passthru_layout *l, u64 pos,
			  size_t count, size_t *n);
int passthru_layout_exclude(struct passthru_layout *l, u64 start, u64 len);
bool passthru_layout_excluded(const struct passthru_layout *l, u64 pos, u64 len);
unsigned int passthru_layout_areas(const struct passthru_layout *l,
				   struct passthru_region_area *areas,
				   unsigned int max);
bool passthru_layout_mmap_ok(const struct passthru_layout *l, u64 pos, u64 len);

/* config.c: virtual config space, pure logic */

/**
 * struct passthru_cfg - the config space a VMM sees
 * @size: bytes: 256, or 4096 with extended config space
 * @virt: per byte, the bits served from @vconfig
 * @write: per byte, the bits the VMM may change
 * @vconfig: the virtual copy
 */
struct passthru_cfg {
	unsigned int size;
	u8 virt[PCI_CFG_SPACE_EXP_SIZE];
	u8 write[PCI_CFG_SPACE_EXP_SIZE];
	u8 vconfig[PCI_CFG_SPACE_EXP_SIZE];
};

void passthru_cfg_build(struct passthru_cfg *cfg, const u8 *real,
			const u64 *bar_size);
u32 passthru_cfg_read(const struct passthru_cfg *cfg, unsigned int pos,
		      unsigned int len, u32 real);
unsigned int passthru_cfg_write(struct passthru_cfg *cfg, unsigned int pos,
				unsigned int len, u32 val, u32 real,
				u32 *to_device);

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
 * @groups: attached IOMMU groups (struct passthru_vm_group, vm.c)
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

/* main.c: module parameters */
extern unsigned int passthru_max_devices_per_vm;
extern unsigned int passthru_max_vms_per_user;
extern bool passthru_allow_unsafe_interrupts;
extern unsigned int passthru_release_timeout_ms;

/* ids.c: the ids= module parameter, pure logic */
int passthru_parse_id(const char *text, struct pci_device_id *id);

/* format.c: BAR descriptions for the probe log, pure logic */
#define PASSTHRU_BAR_DESC_LEN 96
int passthru_format_size(char *buf, size_t len, u64 size);
int passthru_describe_bar(char *buf, size_t len, const char *name,
			  unsigned long flags, u64 start, u64 size);

/* maptable.c: the DMA mapping table, pure logic */

/**
 * struct passthru_run - physically contiguous pinned pages
 * @pfn: first page frame
 * @npages: number of pages
 */
struct passthru_run {
	unsigned long pfn;
	unsigned long npages;
};

/**
 * struct passthru_dma - one DMA mapping of a VM
 * @rb: node in the VM's interval tree
 * @start: first IOVA
 * @last: last IOVA, inclusive
 * @subtree_last: interval tree bookkeeping
 * @vaddr: first user address
 * @flags: PASSTHRU_DMA_READ and/or PASSTHRU_DMA_WRITE
 * @npages: pages pinned, each charged to the VM's mm's locked_vm
 * @nr_runs: entries in @runs
 * @runs: the pinned pages, as physically contiguous runs in IOVA order
 */
struct passthru_dma {
	struct rb_node rb;
	u64 start;
	u64 last;
	u64 subtree_last;
	unsigned long vaddr;
	u32 flags;
	unsigned long npages;
	unsigned long nr_runs;
	struct passthru_run *runs;
};

void passthru_dma_insert(struct rb_root_cached *root, struct passthru_dma *dma);
void passthru_dma_remove(struct rb_root_cached *root, struct passthru_dma *dma);
struct passthru_dma *passthru_dma_first(struct rb_root_cached *root,
					u64 start, u64 last);
struct passthru_dma *passthru_dma_next(struct passthru_dma *dma, u64 start,
				       u64 last);
int passthru_dma_unmap_check(struct rb_root_cached *root, u64 start, u64 last);
bool passthru_dma_all_within(struct rb_root_cached *root,
			     const struct passthru_ranges *rs);
void passthru_runs_add(struct passthru_run *runs, unsigned long *nr,
		       unsigned long pfn);

/* ioctl.c: ioctl argument validation, pure logic */
#define PASSTHRU_MAX_STRUCT_SIZE 4096

/**
 * struct passthru_ioctl_op - one entry of an ioctl dispatch table
 * @cmd: the ioctl number
 * @size: sizeof() the kernel's struct
 * @min_size: offsetofend() the last member of the struct's first version
 * @valid_flags: the bits of the struct's @flags this kernel accepts
 * @execute: the handler, called with the file's object (a device or a
 *	VM) and the struct copied in and validated by passthru_check_size()
 *	and passthru_check_flags(); on success the struct is copied back out
 */
struct passthru_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	u32 valid_flags;
	int (*execute)(void *ctx, void *cmd);
};

/* Room for the largest ioctl struct; PASSTHRU_IOCTL_OP() checks it. */
#define PASSTHRU_IOCTL_BUF_SIZE 64

#define PASSTHRU_IOCTL_OP(_cmd, _struct, _last, _flags, _fn)		\
	{								\
		.cmd = _cmd,						\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_struct) >		\
					  PASSTHRU_IOCTL_BUF_SIZE),	\
		.min_size = offsetofend(_struct, _last),		\
		.valid_flags = _flags,					\
		.execute = _fn,						\
	}

int passthru_check_size(const struct passthru_ioctl_op *op, u32 usize);
int passthru_check_flags(const struct passthru_ioctl_op *op, const void *cmd);
int passthru_device_info_check(const struct passthru_device_info *info);
u32 passthru_reset_mask(const u8 *methods, unsigned int n);

/* pci.c */
extern struct pci_driver passthru_pci_driver;
void passthru_fill_info(struct passthru_device_info *info,
			struct pci_dev *pdev, unsigned int group_id);

/* region.c */
int passthru_layout_init(struct passthru_device *pt);
void passthru_config_reset(struct passthru_device *pt);
ssize_t passthru_region_rw(struct passthru_device *pt, char __user *buf,
			   size_t count, loff_t *ppos, bool write);
int passthru_region_mmap(struct passthru_device *pt, struct vm_area_struct *vma);
void passthru_region_revoke(struct passthru_device *pt);
int passthru_region_reset(struct passthru_device *pt);
void passthru_region_stop(struct passthru_device *pt);
void passthru_region_quiesce(struct passthru_device *pt, bool device_locked);
u16 passthru_memory_lock_and_enable(struct passthru_device *pt);
void passthru_memory_unlock_and_restore(struct passthru_device *pt, u16 cmd);
void passthru_region_release(struct passthru_device *pt);

/* irq.c */
void passthru_irq_init(struct passthru_device *pt);
void passthru_irq_quiet(struct passthru_device *pt);
void passthru_irq_resync(struct passthru_device *pt);
int passthru_irq_info(struct passthru_device *pt, struct passthru_irq_info *info);
/* The most vectors a function can have: an MSI-X table's 2048 entries. */
#define PASSTHRU_MAX_VECTORS 2048
s32 *passthru_irq_copy_fds(const struct passthru_irq_set *set);
int passthru_set_irqs(struct passthru_device *pt, struct passthru_irq_set *set,
		      const s32 *fds);
void passthru_irq_release(struct passthru_device *pt);
bool passthru_irq_notify(struct passthru_device *pt, unsigned int index);

/* device.c */
long passthru_ioctl(const struct passthru_ioctl_op *ops, unsigned int nops,
		    void *ctx, unsigned int cmd, unsigned long arg);
int passthru_cdev_init(void);
void passthru_cdev_exit(void);
struct passthru_device *passthru_device_create(struct pci_dev *pdev,
					       unsigned int group_id);
void passthru_device_remove(struct passthru_device *pt);

/* vm.c */
int passthru_vm_init(void);
void passthru_vm_exit(void);
struct passthru_vm *passthru_vm_from_file(struct file *file);
void passthru_vm_put(struct passthru_vm *vm);
int passthru_vm_attach(struct passthru_vm *vm, struct passthru_device *pt);
void passthru_vm_detach(struct passthru_device *pt);

#endif /* PASSTHRU_PRIV_H */
