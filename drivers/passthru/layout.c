// SPDX-License-Identifier: GPL-2.0
/*
 * Region layout: where each region lives in a device file, how accesses
 * are split, which bytes belong to the host (the MSI-X table and pending-
 * bit array) and which pages may be mapped.  Pure logic, covered by the
 * KUnit suite passthru_layout; region.c does the hardware accesses.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>

#include "passthru_priv.h"

#define REGION_MASK (PASSTHRU_REGION_OFFSET(1) - 1)

/**
 * passthru_region_decode() - split a file offset into region and position
 * @off: the file offset
 * @index: set to the region index
 * @pos: set to the position inside the region
 *
 * Context: any context.
 * Return: 0, or -EINVAL if @off is past the last region.
 */
int passthru_region_decode(u64 off, unsigned int *index, u64 *pos)
{
	if (off >> PASSTHRU_REGION_SHIFT >= PASSTHRU_NUM_REGIONS)
		return -EINVAL;
	*index = off >> PASSTHRU_REGION_SHIFT;
	*pos = off & REGION_MASK;
	return 0;
}

/**
 * passthru_access_width() - the width of the next access of a transfer
 * @pos: position of the access
 * @len: bytes left to transfer, not 0
 *
 * Context: any context.
 * Return: 4, 2 or 1: the largest width that @pos is aligned to and @len
 * covers.
 */
unsigned int passthru_access_width(u64 pos, u64 len)
{
	if (!(pos & 3) && len >= 4)
		return 4;
	if (!(pos & 1) && len >= 2)
		return 2;
	return 1;
}

/**
 * passthru_layout_clamp() - how much of a transfer a region holds
 * @l: the region's layout
 * @pos: first byte of the transfer
 * @count: bytes asked for
 * @n: set to the bytes from @pos to the lesser of @pos + @count and the
 *	region's end
 *
 * Context: any context.
 * Return: 0, or -EINVAL if @pos is not inside the region.
 */
int passthru_layout_clamp(const struct passthru_layout *l, u64 pos,
			  size_t count, size_t *n)
{
	if (pos >= l->size)
		return -EINVAL;
	*n = min_t(u64, count, l->size - pos);
	return 0;
}

/**
 * passthru_layout_exclude() - give bytes of a region to the host
 * @l: the region's layout
 * @start: first byte
 * @len: bytes, not 0
 *
 * Context: any context.
 * Return: 0, or -ENOSPC when the region already has
 * PASSTHRU_MAX_EXCLUDED ranges.
 */
int passthru_layout_exclude(struct passthru_layout *l, u64 start, u64 len)
{
	if (l->nexcl == PASSTHRU_MAX_EXCLUDED)
		return -ENOSPC;
	l->excl[l->nexcl].start = start;
	l->excl[l->nexcl].last = start + len - 1;
	l->nexcl++;
	return 0;
}

/**
 * passthru_layout_excluded() - does an access touch host-owned bytes?
 * @l: the region's layout
 * @pos: first byte of the access
 * @len: bytes, not 0
 *
 * Context: any context.
 * Return: true if any byte of [pos, pos + len) is excluded.
 */
bool passthru_layout_excluded(const struct passthru_layout *l, u64 pos, u64 len)
{
	unsigned int i;

	/* [pos, pos + len) meets [start, last]; written so that none wraps. */
	for (i = 0; i < l->nexcl; i++)
		if (pos <= l->excl[i].last &&
		    (pos >= l->excl[i].start || l->excl[i].start - pos < len))
			return true;
	return false;
}

/**
 * passthru_layout_areas() - the mappable areas of a region
 * @l: the region's layout
 * @areas: filled with up to @max areas, in ascending order; may be NULL
 *	when @max is 0
 * @max: room in @areas
 *
 * A mappable region minus every page that holds an excluded byte.
 *
 * Context: any context.
 * Return: the number of areas, which may exceed @max.
 */
unsigned int passthru_layout_areas(const struct passthru_layout *l,
				   struct passthru_region_area *areas,
				   unsigned int max)
{
	u64 pos = 0, holes[PASSTHRU_MAX_EXCLUDED][2];
	unsigned int i, j, n = 0, nh = 0;

	if (!(l->caps & PASSTHRU_REGION_MMAP))
		return 0;
	/* Excluded ranges, widened to pages and sorted by start. */
	for (i = 0; i < l->nexcl; i++) {
		u64 s = round_down(l->excl[i].start, PAGE_SIZE);
		u64 e = round_up(l->excl[i].last + 1, PAGE_SIZE);

		for (j = nh; j > 0 && holes[j - 1][0] > s; j--) {
			holes[j][0] = holes[j - 1][0];
			holes[j][1] = holes[j - 1][1];
		}
		holes[j][0] = s;
		holes[j][1] = e;
		nh++;
	}
	for (i = 0; i <= nh; i++) {
		u64 end = i < nh ? holes[i][0] : l->size;

		if (end > pos) {
			if (n < max) {
				areas[n].offset = pos;
				areas[n].size = end - pos;
			}
			n++;
		}
		if (i < nh)
			pos = max(pos, holes[i][1]);
	}
	return n;
}

/**
 * passthru_layout_mmap_ok() - may [pos, pos + len) of a region be mapped?
 * @l: the region's layout
 * @pos: first byte, page aligned
 * @len: bytes, a non-zero multiple of the page size
 *
 * Context: any context.
 * Return: true if the range lies inside one mappable area.
 */
bool passthru_layout_mmap_ok(const struct passthru_layout *l, u64 pos, u64 len)
{
	struct passthru_region_area areas[PASSTHRU_MAX_EXCLUDED + 1];
	unsigned int i, n;

	if (!len || (pos | len) & ~PAGE_MASK)
		return false;
	n = passthru_layout_areas(l, areas, ARRAY_SIZE(areas));
	for (i = 0; i < n; i++) {
		u64 into;

		/* Each subtraction is of a smaller value: none can wrap. */
		if (pos < areas[i].offset)
			continue;
		into = pos - areas[i].offset;
		if (into < areas[i].size && len <= areas[i].size - into)
			return true;
	}
	return false;
}
