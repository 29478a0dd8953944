// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_uapi: validation of ioctl arguments. */
#include <kunit/test.h>

#include "../drivers/passthru/ioctl.c"

static const struct passthru_ioctl_op info_op = {
	.cmd = PASSTHRU_DEVICE_INFO,
	.size = sizeof(struct passthru_device_info),
	.min_size = offsetofend(struct passthru_device_info, iommu_group),
	.valid_flags = 0,
};

struct size_case {
	const char *desc;
	u32 usize;
	int ret;
};

static const struct size_case size_cases[] = {
	{ "zero", 0, -EINVAL },
	{ "header only", 8, -EINVAL },
	{ "one short of v1", 31, -EINVAL },
	{ "v1 exactly", 32, 0 },
	{ "newer caller", 40, 0 },
	{ "4096", 4096, 0 },
	{ "4097", 4097, -E2BIG },
	{ "U32_MAX", U32_MAX, -E2BIG },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

static void check_size_bounds(struct kunit *test)
{
	const struct size_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, passthru_check_size(&info_op, c->usize), c->ret);
}

static void check_flags_unknown_bit(struct kunit *test)
{
	struct passthru_ioctl_op op = info_op;
	struct passthru_device_info info = { .size = sizeof(info) };

	op.valid_flags = BIT(0);
	info.flags = BIT(1);
	KUNIT_EXPECT_EQ(test, passthru_check_flags(&op, &info), -EINVAL);
}

static void check_flags_known_bit(struct kunit *test)
{
	struct passthru_ioctl_op op = info_op;
	struct passthru_device_info info = { .size = sizeof(info) };

	op.valid_flags = BIT(0) | BIT(2);
	info.flags = BIT(2);
	KUNIT_EXPECT_EQ(test, passthru_check_flags(&op, &info), 0);
}

static void check_flags_none_allowed(struct kunit *test)
{
	struct passthru_device_info info = { .size = sizeof(info) };

	info.flags = BIT(31);
	KUNIT_EXPECT_EQ(test, passthru_check_flags(&info_op, &info), -EINVAL);
}

static void device_info_check_reserved_set(struct kunit *test)
{
	struct passthru_device_info info = { .size = sizeof(info) };

	info.__reserved = 0x100;
	KUNIT_EXPECT_EQ(test, passthru_device_info_check(&info), -EINVAL);
}

static void device_info_check_reserved_clear(struct kunit *test)
{
	struct passthru_device_info info = { .size = sizeof(info) };

	KUNIT_EXPECT_EQ(test, passthru_device_info_check(&info), 0);
}

static void device_info_check_reserved2_set(struct kunit *test)
{
	struct passthru_device_info info = { .size = sizeof(info) };

	info.__reserved2 = 1;
	KUNIT_EXPECT_EQ(test, passthru_device_info_check(&info), -EINVAL);
}

static void reset_mask_kinds(struct kunit *test)
{
	static const u8 flr_bus[] = { 3, 6, 0 };
	static const u8 all[] = { 1, 2, 3, 4, 5, 6, 7 };
	static const u8 none[] = { 0, 3 };
	static const u8 pm[] = { 5 };
	static const u8 unknown[] = { 42, 0 };

	KUNIT_EXPECT_EQ(test, passthru_reset_mask(flr_bus, ARRAY_SIZE(flr_bus)),
			(u32)(PASSTHRU_RESET_FLR | PASSTHRU_RESET_BUS));
	KUNIT_EXPECT_EQ(test, passthru_reset_mask(all, ARRAY_SIZE(all)),
			(u32)(PASSTHRU_RESET_FLR | PASSTHRU_RESET_PM |
			      PASSTHRU_RESET_BUS | PASSTHRU_RESET_OTHER));
	/* The list ends at the first 0. */
	KUNIT_EXPECT_EQ(test, passthru_reset_mask(none, ARRAY_SIZE(none)), 0U);
	/* A full array has no terminator. */
	KUNIT_EXPECT_EQ(test, passthru_reset_mask(pm, ARRAY_SIZE(pm)),
			(u32)PASSTHRU_RESET_PM);
	KUNIT_EXPECT_EQ(test, passthru_reset_mask(unknown, ARRAY_SIZE(unknown)),
			(u32)PASSTHRU_RESET_OTHER);
}

static struct kunit_case passthru_uapi_cases[] = {
	KUNIT_CASE_PARAM(check_size_bounds, size_gen_params),
	KUNIT_CASE(check_flags_unknown_bit),
	KUNIT_CASE(check_flags_known_bit),
	KUNIT_CASE(check_flags_none_allowed),
	KUNIT_CASE(device_info_check_reserved_set),
	KUNIT_CASE(device_info_check_reserved_clear),
	KUNIT_CASE(device_info_check_reserved2_set),
	KUNIT_CASE(reset_mask_kinds),
	{}
};

static struct kunit_suite passthru_uapi_suite = {
	.name = "passthru_uapi",
	.test_cases = passthru_uapi_cases,
};

kunit_test_suites(&passthru_uapi_suite);

MODULE_DESCRIPTION("KUnit suites for passthru");
MODULE_LICENSE("GPL");
