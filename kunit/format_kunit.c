// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_bar: BAR descriptions in the probe log. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "../drivers/passthru/format.c"

struct size_case {
	u64 size;
	const char *text;
};

static const struct size_case size_cases[] = {
	{ 0, "0 B" },
	{ 256, "256 B" },
	{ 1536, "1536 B" },
	{ SZ_4K, "4 KiB" },
	{ SZ_1M, "1 MiB" },
	{ SZ_1M * 3 + SZ_4K, "3076 KiB" },
	{ SZ_16G, "16 GiB" },
	{ 1ULL << 50, "1024 TiB" },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->text);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

static void format_size_unit(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	char buf[32];

	passthru_format_size(buf, sizeof(buf), c->size);
	KUNIT_EXPECT_STREQ(test, buf, c->text);
}

struct bar_case {
	const char *desc;
	const char *name;
	unsigned long flags;
	u64 start, size;
	const char *text;
};

static const struct bar_case bar_cases[] = {
	{ "mem32", "BAR0", IORESOURCE_MEM, 0xfebf0000, SZ_1M,
	  "BAR0 mem 0xfebf0000 size 1 MiB, 32-bit" },
	{ "mem64 prefetchable", "BAR2",
	  IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH,
	  0x800000000ULL, SZ_16G,
	  "BAR2 mem 0x800000000 size 16 GiB, 64-bit, prefetchable" },
	{ "io", "BAR1", IORESOURCE_IO, 0xc000, 256,
	  "BAR1 io 0xc000 size 256 B" },
	{ "sub-page", "BAR3", IORESOURCE_MEM, 0xfebf1000, 16,
	  "BAR3 mem 0xfebf1000 size 16 B, 32-bit, smaller than a page" },
	{ "rom", "ROM", IORESOURCE_MEM | IORESOURCE_READONLY, 0xfeb80000, SZ_256K,
	  "ROM mem 0xfeb80000 size 256 KiB, 32-bit" },
};

static void bar_case_desc(const struct bar_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(bar, bar_cases, bar_case_desc);

static void describe_bar_text(struct kunit *test)
{
	const struct bar_case *c = test->param_value;
	char buf[PASSTHRU_BAR_DESC_LEN];
	int n;

	n = passthru_describe_bar(buf, sizeof(buf), c->name, c->flags,
				  c->start, c->size);
	KUNIT_EXPECT_STREQ(test, buf, c->text);
	KUNIT_EXPECT_EQ(test, n, (int)strlen(c->text));
}

static void describe_bar_not_mem_or_io(struct kunit *test)
{
	char buf[PASSTHRU_BAR_DESC_LEN];

	KUNIT_EXPECT_EQ(test, passthru_describe_bar(buf, sizeof(buf), "BAR0",
						    IORESOURCE_BUS, 0, 16),
			-EINVAL);
}

static void describe_bar_longest_fits(struct kunit *test)
{
	char buf[PASSTHRU_BAR_DESC_LEN];
	int n;

	/* Widest address, an odd size printed in bytes, every suffix. */
	n = passthru_describe_bar(buf, sizeof(buf), "BAR5",
				  IORESOURCE_MEM | IORESOURCE_MEM_64 |
				  IORESOURCE_PREFETCH, U64_MAX, U64_MAX);
	KUNIT_EXPECT_LT(test, n, PASSTHRU_BAR_DESC_LEN - 1);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "prefetchable"));
}

static struct kunit_case passthru_bar_cases[] = {
	KUNIT_CASE_PARAM(format_size_unit, size_gen_params),
	KUNIT_CASE_PARAM(describe_bar_text, bar_gen_params),
	KUNIT_CASE(describe_bar_not_mem_or_io),
	KUNIT_CASE(describe_bar_longest_fits),
	{}
};

static struct kunit_suite passthru_bar_suite = {
	.name = "passthru_bar",
	.test_cases = passthru_bar_cases,
};

kunit_test_suites(&passthru_bar_suite);
