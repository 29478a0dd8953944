// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_iova: user ranges and usable IOVA ranges. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "../drivers/passthru/iova.c"

struct span_case {
	const char *desc;
	u64 start, length;
	int ret;
	u64 last;
};

static const struct span_case span_cases[] = {
	{ "one page at 0", 0, SZ_4K, 0, SZ_4K - 1 },
	{ "zero length", SZ_4K, 0, -EINVAL },
	{ "unaligned start", SZ_4K + 1, SZ_4K, -EINVAL },
	{ "unaligned length", SZ_4K, SZ_4K + 512, -EINVAL },
	{ "ends at U64_MAX", U64_MAX - SZ_4K + 1, SZ_4K, 0, U64_MAX },
	{ "wraps past U64_MAX", U64_MAX - SZ_4K + 1, 2 * SZ_4K, -EOVERFLOW },
	{ "whole space", 0, 0, -EINVAL },
	{ "huge length wraps", SZ_1M, U64_MAX - SZ_4K + 1, -EOVERFLOW },
};

static void span_case_desc(const struct span_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(span, span_cases, span_case_desc);

static void span_rules(struct kunit *test)
{
	const struct span_case *c = test->param_value;
	u64 last = 0;

	KUNIT_EXPECT_EQ(test, passthru_span(c->start, c->length, SZ_4K, &last),
			c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, last, c->last);
}

/* Remove [rm_start, rm_last] from [0, 0xffff] and expect @want. */
struct remove_case {
	const char *desc;
	u64 rm_start, rm_last;
	unsigned int n;
	struct passthru_iova_range want[2];
};

static const struct remove_case remove_cases[] = {
	{ "middle splits", 0x1000, 0x1fff, 2, { { 0, 0xfff }, { 0x2000, 0xffff } } },
	{ "head", 0, 0xfff, 1, { { 0x1000, 0xffff } } },
	{ "tail", 0xf000, 0xffff, 1, { { 0, 0xefff } } },
	{ "beyond the end", 0xf000, U64_MAX, 1, { { 0, 0xefff } } },
	{ "everything", 0, U64_MAX, 0 },
	{ "disjoint", 0x10000, 0x1ffff, 1, { { 0, 0xffff } } },
	{ "single address", 0x8000, 0x8000, 2, { { 0, 0x7fff }, { 0x8001, 0xffff } } },
};

static void remove_case_desc(const struct remove_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(remove, remove_cases, remove_case_desc);

static void ranges_remove_shapes(struct kunit *test)
{
	const struct remove_case *c = test->param_value;
	struct passthru_ranges rs;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, 0xffff), 0);
	KUNIT_EXPECT_EQ(test, passthru_ranges_remove(&rs, c->rm_start, c->rm_last), 0);
	KUNIT_EXPECT_EQ(test, rs.n, c->n);
	for (i = 0; i < rs.n && i < c->n; i++) {
		KUNIT_EXPECT_EQ(test, rs.r[i].start, c->want[i].start);
		KUNIT_EXPECT_EQ(test, rs.r[i].last, c->want[i].last);
	}
	passthru_ranges_free(&rs);
}

static void ranges_remove_spanning_several(struct kunit *test)
{
	struct passthru_ranges rs;

	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, U64_MAX), 0);
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0x1000, 0x1fff), 0);
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0x3000, 0x3fff), 0);
	KUNIT_ASSERT_EQ(test, rs.n, 3U);
	/* From inside the first range to inside the last. */
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0x800, 0x37ff), 0);
	KUNIT_EXPECT_EQ(test, rs.n, 2U);
	KUNIT_EXPECT_EQ(test, rs.r[0].last, 0x7ffULL);
	KUNIT_EXPECT_EQ(test, rs.r[1].start, 0x4000ULL);
	KUNIT_EXPECT_EQ(test, rs.r[1].last, U64_MAX);
	passthru_ranges_free(&rs);
}

static void ranges_remove_grows_past_capacity(struct kunit *test)
{
	struct passthru_ranges rs;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, U64_MAX), 0);
	for (i = 0; i < 40; i++)
		KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0x2000 * i + 0x1000,
							     0x2000 * i + 0x1fff), 0);
	KUNIT_EXPECT_EQ(test, rs.n, 41U);
	for (i = 1; i < rs.n; i++)
		KUNIT_EXPECT_GT(test, rs.r[i].start, rs.r[i - 1].last + 1);
	passthru_ranges_free(&rs);
}

static void ranges_contain_needs_one_range(struct kunit *test)
{
	struct passthru_ranges rs;

	KUNIT_ASSERT_EQ(test, passthru_ranges_init(&rs, 0, 0xffffffff), 0);
	KUNIT_ASSERT_EQ(test, passthru_ranges_remove(&rs, 0xfee00000, 0xfeefffff), 0);
	KUNIT_EXPECT_TRUE(test, passthru_ranges_contain(&rs, 0, 0xfedfffff));
	KUNIT_EXPECT_TRUE(test, passthru_ranges_contain(&rs, 0xfef00000, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, passthru_ranges_contain(&rs, 0xfedff000, 0xfee00fff));
	KUNIT_EXPECT_FALSE(test, passthru_ranges_contain(&rs, 0xfee00000, 0xfee00fff));
	KUNIT_EXPECT_FALSE(test, passthru_ranges_contain(&rs, 0, 0x100000000ULL));
	/* Two adjacent-looking ranges with the window between never join. */
	KUNIT_EXPECT_FALSE(test, passthru_ranges_contain(&rs, 0, 0xffffffff));
	passthru_ranges_free(&rs);
}

static struct kunit_case passthru_iova_cases[] = {
	KUNIT_CASE_PARAM(span_rules, span_gen_params),
	KUNIT_CASE_PARAM(ranges_remove_shapes, remove_gen_params),
	KUNIT_CASE(ranges_remove_spanning_several),
	KUNIT_CASE(ranges_remove_grows_past_capacity),
	KUNIT_CASE(ranges_contain_needs_one_range),
	{}
};

static struct kunit_suite passthru_iova_suite = {
	.name = "passthru_iova",
	.test_cases = passthru_iova_cases,
};

kunit_test_suites(&passthru_iova_suite);
