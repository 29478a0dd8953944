// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's table of DMA mappings: an interval tree of struct passthru_dma
 * keyed by inclusive IOVA range, so that overlap checks and range lookups
 * are O(log n) and the number of mappings has no cap beyond memory (each
 * mapping's metadata is charged to the process, GFP_KERNEL_ACCOUNT).
 * Mappings never overlap.  Pure logic, covered by the KUnit suite
 * passthru_maptable; vm.c does the pinning and the IOMMU calls.
 */
#include <linux/errno.h>
#include <linux/interval_tree_generic.h>

#include "passthru_priv.h"

#define DMA_START(d) ((d)->start)
#define DMA_LAST(d) ((d)->last)

INTERVAL_TREE_DEFINE(struct passthru_dma, rb, u64, subtree_last,
		     DMA_START, DMA_LAST, static, dma_it)

/**
 * passthru_dma_insert() - add a mapping to a table
 * @root: the table
 * @dma: the mapping, overlapping none in @root (see passthru_dma_first())
 *
 * Context: the table's lock held.
 */
void passthru_dma_insert(struct rb_root_cached *root, struct passthru_dma *dma)
{
	dma_it_insert(dma, root);
}

/**
 * passthru_dma_remove() - take a mapping out of its table
 * @root: the table
 * @dma: a mapping in @root
 *
 * Context: the table's lock held.
 */
void passthru_dma_remove(struct rb_root_cached *root, struct passthru_dma *dma)
{
	dma_it_remove(dma, root);
}

/**
 * passthru_dma_first() - the lowest mapping that intersects a range
 * @root: the table
 * @start: first IOVA of the range
 * @last: last IOVA of the range
 *
 * Context: the table's lock held.
 * Return: the mapping, or NULL if none intersects [start, last].
 */
struct passthru_dma *passthru_dma_first(struct rb_root_cached *root,
					u64 start, u64 last)
{
	return dma_it_iter_first(root, start, last);
}

/**
 * passthru_dma_next() - the next mapping that intersects a range
 * @dma: a mapping returned by passthru_dma_first() or passthru_dma_next()
 * @start: first IOVA of the range
 * @last: last IOVA of the range
 *
 * Context: the table's lock held.
 * Return: the mapping, or NULL when there is no other.
 */
struct passthru_dma *passthru_dma_next(struct passthru_dma *dma, u64 start,
				       u64 last)
{
	return dma_it_iter_next(dma, start, last);
}

/**
 * passthru_dma_unmap_check() - may [start, last] be unmapped?
 * @root: the table
 * @start: first IOVA of the range
 * @last: last IOVA of the range
 *
 * Mappings are never split, so the range must hold every mapping it
 * touches entirely.
 *
 * Context: the table's lock held.
 * Return: 0; -ENOENT if no mapping intersects the range; -EINVAL if one
 * sticks out of it.
 */
int passthru_dma_unmap_check(struct rb_root_cached *root, u64 start, u64 last)
{
	struct passthru_dma *dma = passthru_dma_first(root, start, last);

	if (!dma)
		return -ENOENT;
	for (; dma; dma = passthru_dma_next(dma, start, last))
		if (dma->start < start || dma->last > last)
			return -EINVAL;
	return 0;
}

/**
 * passthru_dma_all_within() - do all mappings lie in usable ranges?
 * @root: the table
 * @rs: the usable ranges
 *
 * Context: the table's lock held.
 * Return: true if every mapping of @root is inside one range of @rs.
 */
bool passthru_dma_all_within(struct rb_root_cached *root,
			     const struct passthru_ranges *rs)
{
	struct rb_node *node;

	for (node = rb_first_cached(root); node; node = rb_next(node)) {
		struct passthru_dma *dma = rb_entry(node, struct passthru_dma, rb);

		if (!passthru_ranges_contain(rs, dma->start, dma->last))
			return false;
	}
	return true;
}

/**
 * passthru_runs_add() - append page frames to a list of contiguous runs
 * @runs: the runs, with room for one more than @nr
 * @nr: how many runs are in use; updated
 * @pfn: the first of the frames, which follow the frames already added
 * @npages: how many contiguous frames from @pfn
 *
 * Frames that continue the last run extend it; any others start a new
 * run.  Each run is later mapped as one piece (the IOMMU picks the largest
 * page sizes it can) and unpinned with one call per folio.
 *
 * Context: any context.
 */
void passthru_runs_add(struct passthru_run *runs, unsigned long *nr,
		       unsigned long pfn, unsigned long npages)
{
	struct passthru_run *r = *nr ? &runs[*nr - 1] : NULL;

	if (r && r->pfn + r->npages == pfn) {
		r->npages += npages;
		return;
	}
	runs[*nr].pfn = pfn;
	runs[*nr].npages = npages;
	(*nr)++;
}
