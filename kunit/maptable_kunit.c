// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_maptable: the DMA mapping table and pinned runs. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "../drivers/passthru/maptable.c"

/* A table of mappings [start, last] for one test, freed by KUnit. */
static struct rb_root_cached *table(struct kunit *test, const u64 (*spans)[2],
				    unsigned int n)
{
	struct rb_root_cached *root = kunit_kzalloc(test, sizeof(*root), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, root);
	*root = RB_ROOT_CACHED;
	for (i = 0; i < n; i++) {
		struct passthru_dma *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, d);
		d->start = spans[i][0];
		d->last = spans[i][1];
		passthru_dma_insert(root, d);
	}
	return root;
}

static const u64 three[][2] = {
	{ 0x10000, 0x1ffff }, { 0x30000, 0x3ffff }, { 0x40000, 0x4ffff },
};

static void dma_first_finds_overlaps(struct kunit *test)
{
	struct rb_root_cached *root = table(test, three, ARRAY_SIZE(three));
	struct passthru_dma *d;

	KUNIT_EXPECT_NULL(test, passthru_dma_first(root, 0, 0xffff));
	KUNIT_EXPECT_NULL(test, passthru_dma_first(root, 0x20000, 0x2ffff));
	d = passthru_dma_first(root, 0x1f000, 0x1ffff);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->start, 0x10000ULL);
	/* A range touching one address of a mapping overlaps it. */
	d = passthru_dma_first(root, 0x4ffff, U64_MAX);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->start, 0x40000ULL);
}

static void dma_next_walks_in_order(struct kunit *test)
{
	struct rb_root_cached *root = table(test, three, ARRAY_SIZE(three));
	struct passthru_dma *d;
	unsigned int n = 0;
	u64 prev = 0;

	for (d = passthru_dma_first(root, 0, U64_MAX); d;
	     d = passthru_dma_next(d, 0, U64_MAX)) {
		KUNIT_EXPECT_GE(test, d->start, prev);
		prev = d->start;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3U);
}

struct unmap_case {
	const char *desc;
	u64 start, last;
	int ret;
};

static const struct unmap_case unmap_cases[] = {
	{ "exact", 0x10000, 0x1ffff, 0 },
	{ "two whole", 0x30000, 0x4ffff, 0 },
	{ "everything", 0, U64_MAX, 0 },
	{ "hole", 0x20000, 0x2ffff, -ENOENT },
	{ "cuts the head", 0x10000, 0x17fff, -EINVAL },
	{ "cuts the tail", 0x18000, 0x2ffff, -EINVAL },
	{ "whole plus part", 0x30000, 0x47fff, -EINVAL },
};

static void unmap_case_desc(const struct unmap_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(unmap, unmap_cases, unmap_case_desc);

static void dma_unmap_check_rules(struct kunit *test)
{
	const struct unmap_case *c = test->param_value;
	struct rb_root_cached *root = table(test, three, ARRAY_SIZE(three));

	KUNIT_EXPECT_EQ(test, passthru_dma_unmap_check(root, c->start, c->last),
			c->ret);
}

static void dma_remove_leaves_others(struct kunit *test)
{
	struct rb_root_cached *root = table(test, three, ARRAY_SIZE(three));
	struct passthru_dma *d = passthru_dma_first(root, 0x30000, 0x3ffff);

	KUNIT_ASSERT_NOT_NULL(test, d);
	passthru_dma_remove(root, d);
	KUNIT_EXPECT_NULL(test, passthru_dma_first(root, 0x30000, 0x3ffff));
	KUNIT_EXPECT_NOT_NULL(test, passthru_dma_first(root, 0x40000, 0x40000));
	KUNIT_EXPECT_NOT_NULL(test, passthru_dma_first(root, 0x10000, 0x10000));
}

static void dma_all_within_ranges(struct kunit *test)
{
	struct rb_root_cached *root = table(test, three, ARRAY_SIZE(three));
	struct passthru_ranges rs;

	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, 0xfffff), 0);
	KUNIT_EXPECT_TRUE(test, passthru_dma_all_within(root, &rs));
	/* A reserved region under the middle mapping. */
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0x38000, 0x38fff), 0);
	KUNIT_EXPECT_FALSE(test, passthru_dma_all_within(root, &rs));
	passthru_ranges_free(&rs);
}

static void dma_many_mappings_no_cap(struct kunit *test)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct passthru_dma *d;
	const unsigned int n = 70000;
	unsigned int i;

	d = kvcalloc(n, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	for (i = 0; i < n; i++) {
		d[i].start = (u64)i * 2 * SZ_4K;
		d[i].last = d[i].start + SZ_4K - 1;
		passthru_dma_insert(&root, &d[i]);
	}
	/* Lookups land on the right mapping, and holes stay holes. */
	KUNIT_EXPECT_PTR_EQ(test, passthru_dma_first(&root, 69999ULL * 2 * SZ_4K,
						     69999ULL * 2 * SZ_4K),
			    &d[69999]);
	KUNIT_EXPECT_NULL(test, passthru_dma_first(&root, SZ_4K, 2 * SZ_4K - 1));
	kvfree(d);
}

static void runs_merge_contiguous_frames(struct kunit *test)
{
	static const unsigned long pfns[] = { 10, 11, 12, 20, 21, 5, 6, 7, 8 };
	struct passthru_run runs[ARRAY_SIZE(pfns)];
	unsigned long nr = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		passthru_runs_add(runs, &nr, pfns[i], 1);
	KUNIT_ASSERT_EQ(test, nr, 3UL);
	KUNIT_EXPECT_EQ(test, runs[0].pfn, 10UL);
	KUNIT_EXPECT_EQ(test, runs[0].npages, 3UL);
	KUNIT_EXPECT_EQ(test, runs[1].pfn, 20UL);
	KUNIT_EXPECT_EQ(test, runs[1].npages, 2UL);
	KUNIT_EXPECT_EQ(test, runs[2].pfn, 5UL);
	KUNIT_EXPECT_EQ(test, runs[2].npages, 4UL);
}

static void runs_backwards_frames_stay_apart(struct kunit *test)
{
	struct passthru_run runs[2];
	unsigned long nr = 0;

	/* Descending frames are not contiguous in IOVA order. */
	passthru_runs_add(runs, &nr, 11, 1);
	passthru_runs_add(runs, &nr, 10, 1);
	KUNIT_EXPECT_EQ(test, nr, 2UL);
}

static void runs_ranges_merge_like_frames(struct kunit *test)
{
	struct passthru_run runs[3];
	unsigned long nr = 0;

	/* 512 frames, then 512 right after: one run; then a gap. */
	passthru_runs_add(runs, &nr, 0x1000, 512);
	passthru_runs_add(runs, &nr, 0x1200, 512);
	passthru_runs_add(runs, &nr, 0x1401, 1);
	passthru_runs_add(runs, &nr, 0x1402, 3);
	KUNIT_ASSERT_EQ(test, nr, 2UL);
	KUNIT_EXPECT_EQ(test, runs[0].pfn, 0x1000UL);
	KUNIT_EXPECT_EQ(test, runs[0].npages, 1024UL);
	KUNIT_EXPECT_EQ(test, runs[1].pfn, 0x1401UL);
	KUNIT_EXPECT_EQ(test, runs[1].npages, 4UL);
}

static struct kunit_case passthru_maptable_cases[] = {
	KUNIT_CASE(dma_first_finds_overlaps),
	KUNIT_CASE(dma_next_walks_in_order),
	KUNIT_CASE_PARAM(dma_unmap_check_rules, unmap_gen_params),
	KUNIT_CASE(dma_remove_leaves_others),
	KUNIT_CASE(dma_all_within_ranges),
	KUNIT_CASE(dma_many_mappings_no_cap),
	KUNIT_CASE(runs_merge_contiguous_frames),
	KUNIT_CASE(runs_backwards_frames_stay_apart),
	KUNIT_CASE(runs_ranges_merge_like_frames),
	{}
};

static struct kunit_suite passthru_maptable_suite = {
	.name = "passthru_maptable",
	.test_cases = passthru_maptable_cases,
};

kunit_test_suites(&passthru_maptable_suite);
