// SPDX-License-Identifier: GPL-2.0
/*
 * IOVA arithmetic: validating user ranges and keeping a VM's usable IOVA
 * ranges.  Pure logic, covered by the KUnit suite passthru_iova.
 *
 * Ranges are inclusive: [start, last].  An inclusive last can describe a
 * range that ends at U64_MAX, which an exclusive end cannot; user input
 * arrives as (start, length) and is turned into [start, last] by
 * passthru_span() before anything else looks at it, with the overflow
 * checked there once.
 */
#include <linux/errno.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "passthru_priv.h"

/**
 * passthru_span() - turn a user (start, length) into an inclusive range
 * @start: first address
 * @length: bytes
 * @align: required alignment of @start and @length, a power of two
 * @last: set to the last address on success
 *
 * Context: any context.
 * Return: 0; -EINVAL if @length is 0 or either value is not a multiple of
 * @align; -EOVERFLOW if the range wraps past U64_MAX.
 */
int passthru_span(u64 start, u64 length, u64 align, u64 *last)
{
	if (!length || (start | length) & (align - 1))
		return -EINVAL;
	if (check_add_overflow(start, length - 1, last))
		return -EOVERFLOW;
	return 0;
}

/**
 * passthru_ranges_init() - make a set holding one range
 * @rs: the set, uninitialised
 * @start: first address
 * @last: last address, not below @start
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int passthru_ranges_init(struct passthru_ranges *rs, u64 start, u64 last)
{
	rs->r = kmalloc_array(4, sizeof(*rs->r), GFP_KERNEL_ACCOUNT);
	if (!rs->r)
		return -ENOMEM;
	rs->cap = 4;
	rs->n = 1;
	rs->r[0].start = start;
	rs->r[0].last = last;
	return 0;
}

/**
 * passthru_ranges_free() - release a set's memory
 * @rs: the set; it is empty afterwards
 *
 * Context: any context.
 */
void passthru_ranges_free(struct passthru_ranges *rs)
{
	kfree(rs->r);
	rs->r = NULL;
	rs->n = 0;
	rs->cap = 0;
}

static int ranges_insert(struct passthru_ranges *rs, unsigned int i,
			 u64 start, u64 last)
{
	if (rs->n == rs->cap) {
		struct passthru_iova_range *r;

		r = krealloc_array(rs->r, rs->cap * 2, sizeof(*r),
				   GFP_KERNEL_ACCOUNT);
		if (!r)
			return -ENOMEM;
		rs->r = r;
		rs->cap *= 2;
	}
	memmove(&rs->r[i + 1], &rs->r[i], (rs->n - i) * sizeof(*rs->r));
	rs->r[i].start = start;
	rs->r[i].last = last;
	rs->n++;
	return 0;
}

static void ranges_delete(struct passthru_ranges *rs, unsigned int i)
{
	memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof(*rs->r));
	rs->n--;
}

/**
 * passthru_ranges_remove() - take [start, last] out of a set
 * @rs: the set, sorted and disjoint, as every function here keeps it
 * @start: first address to remove
 * @last: last address to remove, not below @start
 *
 * A range that contains [start, last] strictly inside is split in two.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM (the set is then unchanged).
 */
int passthru_ranges_remove(struct passthru_ranges *rs, u64 start, u64 last)
{
	unsigned int i = 0;

	while (i < rs->n) {
		struct passthru_iova_range *r = &rs->r[i];

		if (r->last < start || r->start > last) {
			i++;
			continue;
		}
		if (r->start < start && r->last > last) {
			/* Strictly inside: split. */
			int ret = ranges_insert(rs, i + 1, last + 1, rs->r[i].last);

			if (ret)
				return ret;
			rs->r[i].last = start - 1;
			return 0;
		}
		if (r->start < start) {
			r->last = start - 1;
			i++;
		} else if (r->last > last) {
			r->start = last + 1;
			i++;
		} else {
			ranges_delete(rs, i);
		}
	}
	return 0;
}

/**
 * passthru_ranges_contain() - is [start, last] inside one range of a set?
 * @rs: the set
 * @start: first address
 * @last: last address
 *
 * Context: any context.
 * Return: true if a single range of @rs holds all of [start, last].
 */
bool passthru_ranges_contain(const struct passthru_ranges *rs, u64 start,
			     u64 last)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].start <= start && last <= rs->r[i].last)
			return true;
	return false;
}
