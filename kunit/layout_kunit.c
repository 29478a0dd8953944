// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_layout: region offsets, access splitting, MSI-X. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "../drivers/passthru/layout.c"

static void region_decode_offsets(struct kunit *test)
{
	unsigned int index;
	u64 pos;

	KUNIT_ASSERT_EQ(test, passthru_region_decode(PASSTHRU_REGION_OFFSET(2) + 0x10,
						     &index, &pos), 0);
	KUNIT_EXPECT_EQ(test, index, 2U);
	KUNIT_EXPECT_EQ(test, pos, 0x10ULL);
	KUNIT_ASSERT_EQ(test, passthru_region_decode(PASSTHRU_REGION_OFFSET(1) - 1,
						     &index, &pos), 0);
	KUNIT_EXPECT_EQ(test, index, 0U);
	KUNIT_EXPECT_EQ(test, pos, PASSTHRU_REGION_OFFSET(1) - 1);
}

static void region_decode_past_last(struct kunit *test)
{
	unsigned int index;
	u64 pos;

	KUNIT_EXPECT_EQ(test, passthru_region_decode(PASSTHRU_REGION_OFFSET(PASSTHRU_NUM_REGIONS),
						     &index, &pos), -EINVAL);
	KUNIT_EXPECT_EQ(test, passthru_region_decode(U64_MAX, &index, &pos), -EINVAL);
}

struct width_case {
	const char *desc;
	u64 pos, len;
	unsigned int width;
};

static const struct width_case width_cases[] = {
	{ "aligned dword", 0x10, 8, 4 },
	{ "dword tail of 3", 0x10, 3, 2 },
	{ "odd position", 0x11, 8, 1 },
	{ "word aligned", 0x12, 8, 2 },
	{ "last byte", 0x10, 1, 1 },
};

static void width_case_desc(const struct width_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(width, width_cases, width_case_desc);

static void access_width_alignment(struct kunit *test)
{
	const struct width_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, passthru_access_width(c->pos, c->len), c->width);
}

/* A 16 KiB mappable BAR with an MSI-X table at 0x2000 and PBA at 0x3800. */
static void msix_bar(struct passthru_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->size = SZ_16K;
	l->caps = PASSTHRU_REGION_READ | PASSTHRU_REGION_WRITE | PASSTHRU_REGION_MMAP;
	passthru_layout_exclude(l, 0x2000, 64 * 16);
	passthru_layout_exclude(l, 0x3800, 8);
}

static void layout_excluded_bytes(struct kunit *test)
{
	struct passthru_layout l;

	msix_bar(&l);
	KUNIT_EXPECT_FALSE(test, passthru_layout_excluded(&l, 0x1ffc, 4));
	KUNIT_EXPECT_TRUE(test, passthru_layout_excluded(&l, 0x1ffe, 4));
	KUNIT_EXPECT_TRUE(test, passthru_layout_excluded(&l, 0x23fc, 4));
	KUNIT_EXPECT_FALSE(test, passthru_layout_excluded(&l, 0x2400, 4));
	KUNIT_EXPECT_TRUE(test, passthru_layout_excluded(&l, 0x3807, 1));
	KUNIT_EXPECT_FALSE(test, passthru_layout_excluded(&l, 0x3808, 4));
}

static void layout_exclude_full(struct kunit *test)
{
	struct passthru_layout l;

	msix_bar(&l);
	KUNIT_EXPECT_EQ(test, passthru_layout_exclude(&l, 0, 4), -ENOSPC);
}

static void layout_areas_skip_msix_pages(struct kunit *test)
{
	struct passthru_region_area a[4];
	struct passthru_layout l;

	msix_bar(&l);
	KUNIT_ASSERT_EQ(test, passthru_layout_areas(&l, a, 4), 1U);
	KUNIT_EXPECT_EQ(test, a[0].offset, 0ULL);
	KUNIT_EXPECT_EQ(test, a[0].size, 0x2000ULL);
}

static void layout_areas_between_holes(struct kunit *test)
{
	struct passthru_region_area a[4];
	struct passthru_layout l = {
		.size = SZ_64K,
		.caps = PASSTHRU_REGION_MMAP,
	};

	/* PBA listed first, at a higher offset: the holes get sorted. */
	passthru_layout_exclude(&l, 0x8000, 8);
	passthru_layout_exclude(&l, 0x1000, 0x100);
	KUNIT_ASSERT_EQ(test, passthru_layout_areas(&l, a, 4), 3U);
	KUNIT_EXPECT_EQ(test, a[0].offset, 0ULL);
	KUNIT_EXPECT_EQ(test, a[0].size, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, a[1].offset, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, a[1].size, 0x6000ULL);
	KUNIT_EXPECT_EQ(test, a[2].offset, 0x9000ULL);
	KUNIT_EXPECT_EQ(test, a[2].size, 0x7000ULL);
	/* Too small an array still counts them all. */
	KUNIT_EXPECT_EQ(test, passthru_layout_areas(&l, a, 1), 3U);
}

static void layout_areas_none_unless_mappable(struct kunit *test)
{
	struct passthru_layout l = { .size = SZ_4K, .caps = PASSTHRU_REGION_READ };

	KUNIT_EXPECT_EQ(test, passthru_layout_areas(&l, NULL, 0), 0U);
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0, SZ_4K));
}

static void layout_mmap_ok_rules(struct kunit *test)
{
	struct passthru_layout l;

	msix_bar(&l);
	KUNIT_EXPECT_TRUE(test, passthru_layout_mmap_ok(&l, 0, 0x2000));
	KUNIT_EXPECT_TRUE(test, passthru_layout_mmap_ok(&l, 0x1000, 0x1000));
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0, 0x3000));
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0x2000, 0x1000));
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0x800, 0x1000));
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0, 0));
	KUNIT_EXPECT_FALSE(test, passthru_layout_mmap_ok(&l, 0x1000, U64_MAX - 0xfff));
}

static struct kunit_case passthru_layout_cases[] = {
	KUNIT_CASE(region_decode_offsets),
	KUNIT_CASE(region_decode_past_last),
	KUNIT_CASE_PARAM(access_width_alignment, width_gen_params),
	KUNIT_CASE(layout_excluded_bytes),
	KUNIT_CASE(layout_exclude_full),
	KUNIT_CASE(layout_areas_skip_msix_pages),
	KUNIT_CASE(layout_areas_between_holes),
	KUNIT_CASE(layout_areas_none_unless_mappable),
	KUNIT_CASE(layout_mmap_ok_rules),
	{}
};

static struct kunit_suite passthru_layout_suite = {
	.name = "passthru_layout",
	.test_cases = passthru_layout_cases,
};

kunit_test_suites(&passthru_layout_suite);
