// SPDX-License-Identifier: GPL-2.0
/* KUnit suite passthru_config: the virtual config space tables. */
#include <kunit/test.h>
#include <linux/sizes.h>

#include "../drivers/passthru/config.c"

/*
 * A fake function: 32-bit memory BAR0 (1 MiB), I/O BAR1 (256 bytes),
 * 64-bit prefetchable BAR2/3 (16 GiB), no BAR4/5, a 256 KiB ROM; PM at
 * 0x40, 64-bit maskable MSI at 0x50 (enabled by the host), PCIe at 0x70,
 * MSI-X at 0x90 (enabled by the host), a vendor capability at 0xa0.
 */
static struct passthru_cfg *fake(struct kunit *test, u8 *real)
{
	static const u64 sizes[] = { SZ_1M, 256, SZ_16G, 0, 0, 0, SZ_256K };
	struct passthru_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	memset(real, 0, 256);
	put_unaligned_le32(0x11e81234, real + 0x00);
	put_unaligned_le16(0x0007, real + 0x04);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, real + 0x06);
	put_unaligned_le32(0x00ff0010, real + 0x08);
	put_unaligned_le32(0xfe800000, real + 0x10);
	put_unaligned_le32(0x0000c001, real + 0x14);
	put_unaligned_le32(0x0000000c, real + 0x18);
	put_unaligned_le32(0x00000008, real + 0x1c);
	put_unaligned_le32(0xfeb00000, real + 0x30);
	real[0x34] = 0x40;
	real[0x3c] = 11;
	real[0x3d] = 1;
	real[0x40] = PCI_CAP_ID_PM;
	real[0x41] = 0x50;
	real[0x50] = PCI_CAP_ID_MSI;
	real[0x51] = 0x70;
	put_unaligned_le16(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT |
			   PCI_MSI_FLAGS_MASKBIT, real + 0x52);
	put_unaligned_le32(0xfee00000, real + 0x54);
	real[0x70] = PCI_CAP_ID_EXP;
	real[0x71] = 0x90;
	put_unaligned_le16(0x2810, real + 0x78);
	real[0x90] = PCI_CAP_ID_MSIX;
	real[0x91] = 0xa0;
	put_unaligned_le16(PCI_MSIX_FLAGS_ENABLE | 0x3f, real + 0x92);
	real[0xa0] = PCI_CAP_ID_VNDR;
	real[0xa2] = 0x55;
	cfg->size = 256;
	passthru_cfg_build(cfg, real, sizes);
	return cfg;
}

static u32 rd(struct passthru_cfg *cfg, const u8 *real, unsigned int pos,
	      unsigned int len)
{
	u32 r = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		r |= (u32)real[pos + i] << (8 * i);
	return passthru_cfg_read(cfg, pos, len, r);
}

/* Write as the VMM; return the device byte mask, *out what goes there. */
static unsigned int wr(struct passthru_cfg *cfg, const u8 *real,
		       unsigned int pos, unsigned int len, u32 val, u32 *out)
{
	u32 r = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		r |= (u32)real[pos + i] << (8 * i);
	return passthru_cfg_write(cfg, pos, len, val, r, out);
}

static void ids_read_only(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0, 4, 0xdeadbeef, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0, 4), 0x11e81234U);
}

static void command_enables_reach_device(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_TRUE(test, wr(cfg, real, PCI_COMMAND, 2, 0x0005, &out) & 1);
	KUNIT_EXPECT_EQ(test, out & 0x7, 0x5U);
}

static void command_intx_disable_virtual(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	wr(cfg, real, PCI_COMMAND, 2, 0x0407, &out);
	KUNIT_EXPECT_EQ(test, out & PCI_COMMAND_INTX_DISABLE, 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE,
			(u32)PCI_COMMAND_INTX_DISABLE);
}

static void command_intx_disable_starts_clear(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg;
	static const u64 sizes[7];

	/* The host holds INTx off; the VMM sees a function out of reset. */
	cfg = fake(test, real);
	put_unaligned_le16(0x0407, real + PCI_COMMAND);
	passthru_cfg_build(cfg, real, sizes);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, PCI_COMMAND, 2), 0x0007U);
}

static void status_read_only(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, PCI_STATUS, 2, 0xffff, &out), 0U);
}

struct bar_case {
	const char *desc;
	unsigned int pos;
	u32 sized;
};

static const struct bar_case bar_cases[] = {
	{ "mem32 1 MiB", 0x10, 0xfff00000 },
	{ "io 256 B", 0x14, 0xffffff01 },
	{ "mem64 low", 0x18, 0x0000000c },
	{ "mem64 high 16 GiB", 0x1c, 0xfffffffc },
	{ "unimplemented", 0x20, 0 },
	{ "rom 256 KiB", 0x30, 0xfffc0001 },
};

static void bar_case_desc(const struct bar_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(bar, bar_cases, bar_case_desc);

static void bar_sizing_virtual(struct kunit *test)
{
	const struct bar_case *c = test->param_value;
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, c->pos, 4, 0xffffffff, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, c->pos, 4), c->sized);
}

static void bar_reads_host_address_first(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);

	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x10, 4), 0xfe800000U);
	/* The device's BAR changing under us does not show through. */
	put_unaligned_le32(0x12300000, real + 0x10);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x10, 4), 0xfe800000U);
}

static void interrupt_line_scratch_pin_read_only(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, PCI_INTERRUPT_LINE, 2, 0x0405, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, PCI_INTERRUPT_LINE, 2), 0x0105U);
}

static void msi_hides_host_programming(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);

	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x52, 2) & PCI_MSI_FLAGS_ENABLE, 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x54, 4), 0U);
	KUNIT_EXPECT_TRUE(test, rd(cfg, real, 0x52, 2) & PCI_MSI_FLAGS_64BIT);
}

static void msi_writes_stay_virtual(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x54, 4, 0xfee01004, &out), 0U);
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x5c, 2, 0x4041, &out), 0U);
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x60, 4, 0x1, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x54, 4), 0xfee01004U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x5c, 2), 0x4041U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x60, 4), 1U);
}

static void msix_enable_virtual(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x92, 2), 0x3fU);
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x92, 2, 0xc000, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x92, 2), 0xc03fU);
}

static void pcie_devctl_no_flr(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x78, 2, 0x8000 | 0x2000, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x78, 2), 0x2000U);
}

static void pm_state_virtual(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	/* The state field changes in the copy only; PME bits stay the host's. */
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x44, 2, 0x8103, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x44, 2), 0x0003U);
	real[0x45] = 0x81;
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x44, 2), 0x8103U);
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x44, 1, 0x00, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x44, 2), 0x8100U);
	/* The capabilities register before it is read-only. */
	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0x42, 2, 0xffff, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x42, 2), 0U);
}

static void unknown_capability_read_only(struct kunit *test)
{
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);
	u32 out;

	KUNIT_EXPECT_EQ(test, wr(cfg, real, 0xa0, 4, 0xffffffff, &out), 0U);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0xa0, 4), 0x00550009U);
}

static void capability_loop_terminates(struct kunit *test)
{
	static const u64 sizes[7] = { SZ_1M };
	u8 real[256];
	struct passthru_cfg *cfg = fake(test, real);

	/* A list that points back at itself must not hang the build. */
	real[0xa1] = 0x40;
	passthru_cfg_build(cfg, real, sizes);
	KUNIT_EXPECT_EQ(test, rd(cfg, real, 0x00, 4), 0x11e81234U);
}

static struct kunit_case passthru_config_cases[] = {
	KUNIT_CASE(ids_read_only),
	KUNIT_CASE(command_enables_reach_device),
	KUNIT_CASE(command_intx_disable_virtual),
	KUNIT_CASE(command_intx_disable_starts_clear),
	KUNIT_CASE(status_read_only),
	KUNIT_CASE_PARAM(bar_sizing_virtual, bar_gen_params),
	KUNIT_CASE(bar_reads_host_address_first),
	KUNIT_CASE(interrupt_line_scratch_pin_read_only),
	KUNIT_CASE(msi_hides_host_programming),
	KUNIT_CASE(msi_writes_stay_virtual),
	KUNIT_CASE(msix_enable_virtual),
	KUNIT_CASE(pcie_devctl_no_flr),
	KUNIT_CASE(pm_state_virtual),
	KUNIT_CASE(unknown_capability_read_only),
	KUNIT_CASE(capability_loop_terminates),
	{}
};

static struct kunit_suite passthru_config_suite = {
	.name = "passthru_config",
	.test_cases = passthru_config_cases,
};

kunit_test_suites(&passthru_config_suite);
