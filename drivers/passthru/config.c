// SPDX-License-Identifier: GPL-2.0
/*
 * Config space as the VMM sees it.  Every byte has two masks: @virt, the
 * bits served from (and written to) a virtual copy, and @write, the bits
 * the VMM may change.  Reading merges the device's bits with the virtual
 * ones; writing changes virtual bits in the copy, passes writable real
 * bits to the device, and drops everything else.  The masks come from
 * tables: the type-0 header below, then one table per capability found in
 * the device's list.  Anything no table names (unknown capabilities,
 * extended capabilities) is read-only.  Pure logic on buffers, covered by
 * the KUnit suite passthru_config; region.c does the real accesses.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/string.h>

#include "compat.h"
#include "passthru_priv.h"

/* Capabilities past the header: at least 4 bytes each, dword aligned. */
#define PASSTHRU_MAX_CAPS ((PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / 4)

/*
 * Set the masks of @len bytes (at most 8) at @off from little-endian
 * @virt, @write.
 */
static void cfg_rule(struct passthru_cfg *cfg, unsigned int off,
		     unsigned int len, u64 virt, u64 write)
{
	unsigned int i;

	for (i = 0; i < len && i < sizeof(virt) && off + i < cfg->size; i++) {
		cfg->virt[off + i] = virt >> (8 * i);
		cfg->write[off + i] = write >> (8 * i);
	}
}

/* A BAR: virtual; the VMM may write the address bits a BAR of @size has. */
static void cfg_bar(struct passthru_cfg *cfg, unsigned int off, u64 size,
		    bool upper)
{
	u32 low = get_unaligned_le32(&cfg->vconfig[off]);
	u32 wmask;

	if (upper) {
		wmask = ~(size - 1) >> 32;
	} else if (!size) {
		wmask = 0;
		low = 0;
	} else if (low & PCI_BASE_ADDRESS_SPACE_IO) {
		wmask = ~((u32)size - 1) & PCI_BASE_ADDRESS_IO_MASK;
	} else {
		wmask = ~((u32)size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
	}
	if (!size && !upper)
		put_unaligned_le32(0, &cfg->vconfig[off]);
	else
		put_unaligned_le32(low, &cfg->vconfig[off]);
	cfg_rule(cfg, off, 4, 0xffffffff, wmask);
}

static void cfg_header(struct passthru_cfg *cfg, const u64 *bar_size)
{
	unsigned int i;

	/*
	 * Bus, memory and I/O enables reach the device; INTx-disable is
	 * virtual and starts clear, as on a function out of reset (the host
	 * keeps the real one set while the VMM does not use INTx).
	 */
	cfg->vconfig[PCI_COMMAND + 1] &= ~(PCI_COMMAND_INTX_DISABLE >> 8);
	cfg_rule(cfg, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE,
		 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		 PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		 PCI_COMMAND_INTX_DISABLE);
	/* Cache line size and latency timer: the VMM's own scratch. */
	cfg_rule(cfg, PCI_CACHE_LINE_SIZE, 2, 0xffff, 0xffff);
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
		u32 low = get_unaligned_le32(&cfg->vconfig[off]);

		cfg_bar(cfg, off, bar_size[i], false);
		if (bar_size[i] && !(low & PCI_BASE_ADDRESS_SPACE_IO) &&
		    (low & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		    PCI_BASE_ADDRESS_MEM_TYPE_64 && i + 1 < PCI_STD_NUM_BARS) {
			i++;
			cfg_bar(cfg, off + 4, bar_size[i - 1], true);
		}
	}
	/* The ROM BAR: virtual, sizable; its enable bit is the VMM's. */
	if (bar_size[PCI_STD_NUM_BARS]) {
		cfg_rule(cfg, PCI_ROM_ADDRESS, 4, 0xffffffff,
			 (~((u32)bar_size[PCI_STD_NUM_BARS] - 1) &
			  PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE);
	} else {
		put_unaligned_le32(0, &cfg->vconfig[PCI_ROM_ADDRESS]);
		cfg_rule(cfg, PCI_ROM_ADDRESS, 4, 0xffffffff, 0);
	}
	/* Interrupt line: the VMM's scratch; the pin is the device's. */
	cfg_rule(cfg, PCI_INTERRUPT_LINE, 1, 0xff, 0xff);
}

/* MSI: all virtual until the interrupt calls program the real one. */
static void cfg_msi(struct passthru_cfg *cfg, unsigned int pos)
{
	u16 flags = get_unaligned_le16(&cfg->vconfig[pos + PCI_MSI_FLAGS]);
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;
	unsigned int data = pos + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);

	cfg_rule(cfg, pos + PCI_MSI_FLAGS, 2, 0xffff,
		 PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	/* The message address is dword aligned: its low two bits are 0. */
	cfg_rule(cfg, pos + PCI_MSI_ADDRESS_LO, 4, 0xffffffff, ~3u);
	if (is64)
		cfg_rule(cfg, pos + PCI_MSI_ADDRESS_HI, 4, 0xffffffff,
			 0xffffffff);
	cfg_rule(cfg, data, 2, 0xffff, 0xffff);
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		cfg_rule(cfg, data + 4, 8, U64_MAX, U64_MAX);
	/* The host's programming is not the VMM's business. */
	put_unaligned_le16(flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE),
			   &cfg->vconfig[pos + PCI_MSI_FLAGS]);
	memset(&cfg->vconfig[pos + PCI_MSI_ADDRESS_LO], 0,
	       data + 2 - (pos + PCI_MSI_ADDRESS_LO));
}

/* MSI-X: enable and function mask are virtual; table and PBA offsets real. */
static void cfg_msix(struct passthru_cfg *cfg, unsigned int pos)
{
	u16 ctrl = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	u16 flags = get_unaligned_le16(&cfg->vconfig[pos + PCI_MSIX_FLAGS]);

	cfg_rule(cfg, pos + PCI_MSIX_FLAGS, 2, ctrl, ctrl);
	put_unaligned_le16(flags & ~ctrl, &cfg->vconfig[pos + PCI_MSIX_FLAGS]);
}

/*
 * Power management: the power state field is virtual, so a VMM's write
 * cannot reach the device behind passthru's back; region.c acts on a
 * change (D0 <-> D3hot through the PCI core).  PME bits stay the host's.
 */
static void cfg_pm(struct passthru_cfg *cfg, unsigned int pos)
{
	cfg_rule(cfg, pos + PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK,
		 PCI_PM_CTRL_STATE_MASK);
}

/* PCIe: device control is virtual, so no FLR and no host-owned setting. */
static void cfg_pcie(struct passthru_cfg *cfg, unsigned int pos)
{
	cfg_rule(cfg, pos + PCI_EXP_DEVCTL, 2, 0xffff,
		 0xffff & ~PCI_EXP_DEVCTL_BCR_FLR);
}

/**
 * passthru_cfg_build() - make the virtual config space of a function
 * @cfg: filled; @cfg->size must be set to PCI_CFG_SPACE_SIZE (256) or
 *	PCI_CFG_SPACE_EXP_SIZE (4096)
 * @real: the function's config space, @cfg->size bytes
 * @bar_size: sizes of BAR0-BAR5 and of the ROM (7 entries), 0 when absent
 *
 * Context: any context.
 */
void passthru_cfg_build(struct passthru_cfg *cfg, const u8 *real,
			const u64 *bar_size)
{
	/* A loop in the list ends after as many as the space can hold. */
	unsigned int pos, guard = PASSTHRU_MAX_CAPS;

	memcpy(cfg->vconfig, real, cfg->size);
	memset(cfg->virt, 0, cfg->size);
	memset(cfg->write, 0, cfg->size);
	cfg_header(cfg, bar_size);
	if (!(real[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return;
	for (pos = real[PCI_CAPABILITY_LIST] & ~3u;
	     pos >= PCI_STD_HEADER_SIZEOF && pos + 2 <= PCI_CFG_SPACE_SIZE &&
	     guard--;
	     pos = real[pos + PCI_CAP_LIST_NEXT] & ~3u) {
		switch (real[pos + PCI_CAP_LIST_ID]) {
		case PCI_CAP_ID_MSI:
			cfg_msi(cfg, pos);
			break;
		case PCI_CAP_ID_MSIX:
			cfg_msix(cfg, pos);
			break;
		case PCI_CAP_ID_EXP:
			cfg_pcie(cfg, pos);
			break;
		case PCI_CAP_ID_PM:
			cfg_pm(cfg, pos);
			break;
		default:
			/* Unknown: read-only. */
			break;
		}
	}
}

/**
 * passthru_cfg_read() - what the VMM reads
 * @cfg: the virtual config space
 * @pos: offset of the access
 * @len: 1, 2 or 4, with @pos aligned to it
 * @real: what the device returned for the same access
 *
 * Context: any context.
 * Return: the value, little-endian bytes merged from device and copy.
 */
u32 passthru_cfg_read(const struct passthru_cfg *cfg, unsigned int pos,
		      unsigned int len, u32 real)
{
	u32 val = 0;
	unsigned int i;

	for (i = 0; i < len; i++) {
		u8 v = cfg->virt[pos + i];
		u8 r = real >> (8 * i);

		val |= (u32)((r & ~v) | (cfg->vconfig[pos + i] & v)) << (8 * i);
	}
	return val;
}

/**
 * passthru_cfg_write() - apply a write of the VMM
 * @cfg: the virtual config space; its copy is updated
 * @pos: offset of the access
 * @len: 1, 2 or 4, with @pos aligned to it
 * @val: the value written
 * @real: the device's current value for the same access
 * @to_device: set to the bytes to write to the device
 *
 * Only the bytes that hold a writable real bit go to the device, one byte
 * at a time, so that a wide write never writes back neighbouring
 * registers (such as the write-one-to-clear status bits next to the
 * command register).
 *
 * Context: any context.
 * Return: a mask, bit i set when byte i of @to_device must be written.
 */
unsigned int passthru_cfg_write(struct passthru_cfg *cfg, unsigned int pos,
				unsigned int len, u32 val, u32 real,
				u32 *to_device)
{
	unsigned int i, touch = 0;
	u32 out = 0;

	for (i = 0; i < len; i++) {
		u8 v = cfg->virt[pos + i], w = cfg->write[pos + i];
		u8 b = val >> (8 * i), r = real >> (8 * i);

		cfg->vconfig[pos + i] = (cfg->vconfig[pos + i] & ~(v & w)) |
					(b & v & w);
		if (w & ~v)
			touch |= BIT(i);
		out |= (u32)((r & ~(w & ~v)) | (b & w & ~v)) << (8 * i);
	}
	*to_device = out;
	return touch;
}
