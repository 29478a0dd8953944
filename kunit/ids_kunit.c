// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_ids: parsing of the ids= module parameter. */
#include <kunit/test.h>

#include "../drivers/passthru/ids.c"

#define ANY PCI_ANY_ID

struct ids_case {
	const char *text;
	int ret;
	u32 vendor, device, subvendor, subdevice, class, class_mask;
};

/* Descriptions are the entries themselves; keep each table short enough
 * for the 512-byte per-case KUnit log of Linux 6.1.
 */
static const struct ids_case ids_valid[] = {
	{ "8086:10d3", 0, 0x8086, 0x10d3, ANY, ANY, 0, 0 },
	{ "1234:11e8:1af4:1100", 0, 0x1234, 0x11e8, 0x1af4, 0x1100, 0, 0 },
	{ "ABCD:ef01", 0, 0xabcd, 0xef01, ANY, ANY, 0, 0 },
	{ "1:2", 0, 0x1, 0x2, ANY, ANY, 0, 0 },
	{ "10de:*", 0, 0x10de, ANY, ANY, ANY, 0, 0 },
	{ "*:*:*:*:010802:ffffff", 0, ANY, ANY, ANY, ANY, 0x010802, 0xffffff },
	{ "8086:*:*:*:20000:ff0000", 0, 0x8086, ANY, ANY, ANY, 0x020000, 0xff0000 },
};

static const struct ids_case ids_bad_syntax[] = {
	{ "", -EINVAL },
	{ "1234", -EINVAL },
	{ "1234:", -EINVAL },
	{ ":11e8", -EINVAL },
	{ "1234::1:1", -EINVAL },
	{ "1234:11e8:1", -EINVAL },
	{ "1:2:3:4:5:6:7", -EINVAL },
	{ " 1234:1", -EINVAL },
};

static const struct ids_case ids_bad_value[] = {
	{ "zzzz:1", -EINVAL },
	{ "0x1234:1", -EINVAL },
	{ "12345:1", -EINVAL },
	{ "1:2:*:*:1000000:ffffff", -EINVAL },
	{ "1:2:*:*:*:ffffff", -EINVAL },
	{ "*:*", -EINVAL },
	{ "*:*:*:*:0:0", -EINVAL },
	{ "1:2:*:*:010802:ff0000", -EINVAL },
};

static void ids_case_desc(const struct ids_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->text);
}

KUNIT_ARRAY_PARAM(ids_valid, ids_valid, ids_case_desc);
KUNIT_ARRAY_PARAM(ids_bad_syntax, ids_bad_syntax, ids_case_desc);
KUNIT_ARRAY_PARAM(ids_bad_value, ids_bad_value, ids_case_desc);

static void parse_id_valid(struct kunit *test)
{
	const struct ids_case *c = test->param_value;
	struct pci_device_id id;

	memset(&id, 0x5a, sizeof(id));
	KUNIT_ASSERT_EQ(test, passthru_parse_id(c->text, &id), 0);
	KUNIT_EXPECT_EQ(test, id.vendor, c->vendor);
	KUNIT_EXPECT_EQ(test, id.device, c->device);
	KUNIT_EXPECT_EQ(test, id.subvendor, c->subvendor);
	KUNIT_EXPECT_EQ(test, id.subdevice, c->subdevice);
	KUNIT_EXPECT_EQ(test, id.class, c->class);
	KUNIT_EXPECT_EQ(test, id.class_mask, c->class_mask);
	KUNIT_EXPECT_EQ(test, id.driver_data, 0UL);
}

static void parse_id_rejected(struct kunit *test)
{
	const struct ids_case *c = test->param_value;
	struct pci_device_id id;

	KUNIT_EXPECT_EQ(test, passthru_parse_id(c->text, &id), c->ret);
}

static struct kunit_case passthru_ids_cases[] = {
	KUNIT_CASE_PARAM(parse_id_valid, ids_valid_gen_params),
	KUNIT_CASE_PARAM(parse_id_rejected, ids_bad_syntax_gen_params),
	KUNIT_CASE_PARAM(parse_id_rejected, ids_bad_value_gen_params),
	{}
};

static struct kunit_suite passthru_ids_suite = {
	.name = "passthru_ids",
	.test_cases = passthru_ids_cases,
};

kunit_test_suites(&passthru_ids_suite);
