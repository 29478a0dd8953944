/* SPDX-License-Identifier: GPL-2.0 */
/*
 * passthru's pure logic: IOVA ranges, region layouts, the virtual config
 * space's rules, the ids= syntax, log formatting and the DMA mapping
 * table.  No hardware, no locks, no user memory: each file is covered by
 * a KUnit suite (kunit/), which includes it whole.
 */
#ifndef PASSTHRU_LOGIC_H
#define PASSTHRU_LOGIC_H

#include <linux/mod_devicetable.h>
#include <linux/pci_regs.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include <uapi/linux/passthru.h>

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
		       unsigned long pfn, unsigned long npages);

#endif /* PASSTHRU_LOGIC_H */
