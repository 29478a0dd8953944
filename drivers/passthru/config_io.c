// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's config space accesses, through the virtual config space of
 * config.c, and the power state they set (PMCSR): D3hot and back to D0
 * go through the PCI core.  A write that turns memory decode off, and
 * the way to D3hot, zap the BAR mappings first, under memory_lock.
 * Bus mastering stays off until the function is in a VM.
 */
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "passthru_priv.h"

/* Values of the PMCSR power state field. */
#define PASSTHRU_PMCSR_D0 0
#define PASSTHRU_PMCSR_D3HOT 3

/**
 * passthru_config_invalidate() - start a fresh virtual config space
 * @pt: the device, being opened or reset
 *
 * The virtual copy is built from the device at the next config access, so
 * that opening and attaching read no config space.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_config_invalidate(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	pt->cfg_built = false;
}

/*
 * Build the virtual copy.  Only the first 256 bytes can hold virtual bits
 * (extended capabilities are read-only), so only they are read.
 */
static int passthru_config_build(struct passthru_device *pt)
{
	u64 sizes[PCI_STD_NUM_BARS + 1];
	unsigned int i;
	u8 *real;

	lockdep_assert_held(&pt->lock);
	if (pt->cfg_built)
		return 0;
	real = kzalloc(pt->pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	if (!real)
		return -ENOMEM;
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i += 4) {
		u32 v;

		pci_read_config_dword(pt->pdev, i, &v);
		put_unaligned_le32(v, real + i);
	}
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		sizes[i] = pci_resource_len(pt->pdev, i);
	sizes[PCI_STD_NUM_BARS] = pci_resource_len(pt->pdev, PCI_ROM_RESOURCE);
	pt->cfg->size = pt->pdev->cfg_size;
	passthru_cfg_build(pt->cfg, real, sizes);
	kfree(real);
	pt->cfg_built = true;
	return 0;
}

static int passthru_user_read(struct pci_dev *pdev, unsigned int pos,
			      unsigned int w, u32 *val)
{
	u16 v16;
	u8 v8;
	int ret;

	if (w == 4)
		return pcibios_err_to_errno(pci_user_read_config_dword(pdev, pos, val));
	if (w == 2) {
		ret = pci_user_read_config_word(pdev, pos, &v16);
		*val = v16;
	} else {
		ret = pci_user_read_config_byte(pdev, pos, &v8);
		*val = v8;
	}
	return pcibios_err_to_errno(ret);
}

/* The power state the VMM last wrote; D0 without a PM capability. */
static unsigned int passthru_vpower(const struct passthru_device *pt)
{
	unsigned int pm = pt->pdev->pm_cap;

	if (!pm)
		return PASSTHRU_PMCSR_D0;
	return pt->cfg->vconfig[pm + PCI_PM_CTRL] & PCI_PM_CTRL_STATE_MASK;
}

/**
 * passthru_power_up() - back to D0 from the VMM's D3hot
 * @pt: the device
 *
 * With the state saved on the way to D3hot; nothing when not in D3hot.
 * pci_restore_state() rewrites the MSI-X table after the command register,
 * so with the VMM's memory decode off those writes would reach a function
 * that cannot take them: the state is restored with decode on, then the
 * VMM's command register is put back.
 *
 * Context: process context; @pt->lock held, and memory_lock for writing.
 */
void passthru_power_up(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	u32 *saved = &pdev->saved_config_space[PCI_COMMAND / 4];
	u16 cmd = *saved;

	lockdep_assert_held(&pt->lock);
	lockdep_assert_held_write(&pt->memory_lock);
	if (!pt->d3hot)
		return;
	pci_set_power_state(pdev, PCI_D0);
	*saved |= PCI_COMMAND_MEMORY;
	pci_restore_state(pdev);
	pci_write_config_word(pdev, PCI_COMMAND, cmd);
	pt->d3hot = false;
	passthru_intx_resync(pt);
}

/*
 * The VMM wrote the power state field: D3hot and D0 go through the PCI
 * core, so the PCI core's idea of the state stays right and the BARs come
 * back on return; D1 and D2 are ignored, as a function without them
 * would.
 */
static void passthru_set_vpower(struct passthru_device *pt, unsigned int old)
{
	struct pci_dev *pdev = pt->pdev;
	unsigned int new = passthru_vpower(pt);
	u8 *field = &pt->cfg->vconfig[pdev->pm_cap + PCI_PM_CTRL];
	int ret = 0;

	lockdep_assert_held(&pt->lock);
	if (new == old)
		return;
	down_write(&pt->memory_lock);
	if (new == PASSTHRU_PMCSR_D3HOT) {
		passthru_mmap_zap(pt);
		pci_save_state(pdev);
		ret = pci_set_power_state(pdev, PCI_D3hot);
		if (!ret)
			pt->d3hot = true;
		else
			passthru_vmm_warn(pdev, "cannot enter D3hot for the VMM (%d)\n",
					  ret);
	} else if (new == PASSTHRU_PMCSR_D0) {
		passthru_power_up(pt);
	} else {
		ret = -EINVAL;
	}
	up_write(&pt->memory_lock);
	if (ret)
		*field = (*field & ~PCI_PM_CTRL_STATE_MASK) | old;
}

/* One virtualized config access of width @w at @pos. */
static int passthru_config_access(struct passthru_device *pt, unsigned int pos,
				  unsigned int w, u8 *p, bool write)
{
	struct pci_dev *pdev = pt->pdev;
	unsigned int mask, i;
	u16 cmd = 0, cmd_bytes = 0;
	u32 real, val, out;
	unsigned int power;
	bool decode_off;
	int ret;

	lockdep_assert_held(&pt->lock);
	ret = passthru_user_read(pdev, pos, w, &real);
	if (ret)
		return ret;
	if (!write) {
		val = passthru_cfg_read(pt->cfg, pos, w, real);
		for (i = 0; i < w; i++)
			p[i] = val >> (8 * i);
		return 0;
	}
	for (val = 0, i = 0; i < w; i++)
		val |= (u32)p[i] << (8 * i);
	power = passthru_vpower(pt);
	mask = passthru_cfg_write(pt->cfg, pos, w, val, real, &out);
	passthru_set_vpower(pt, power);
	/*
	 * Bus mastering waits until the device is in a VM: before, its DMA
	 * reaches nothing useful, and without interrupt remapping a write to
	 * the MSI window could forge a host interrupt.
	 */
	if (!pt->vm && pos <= PCI_COMMAND && PCI_COMMAND < pos + w) {
		u32 bm = (u32)PCI_COMMAND_MASTER << (8 * (PCI_COMMAND - pos));

		out = (out & ~bm) | (real & bm);
	}
	/* Memory decode going off: revoke the mappings before it does. */
	decode_off = pos <= PCI_COMMAND && PCI_COMMAND < pos + w &&
		     (mask & BIT(PCI_COMMAND - pos)) &&
		     (real >> (8 * (PCI_COMMAND - pos))) & PCI_COMMAND_MEMORY &&
		     !((out >> (8 * (PCI_COMMAND - pos))) & PCI_COMMAND_MEMORY);
	if (decode_off) {
		down_write(&pt->memory_lock);
		passthru_mmap_zap(pt);
	}
	for (i = 0; i < w && !ret; i++) {
		unsigned int in_cmd = pos + i - PCI_COMMAND;

		if (!(mask & BIT(i)))
			continue;
		if (in_cmd < 2) {
			/* The command register is written whole, below. */
			cmd |= (u16)((out >> (8 * i)) & 0xff) << (8 * in_cmd);
			cmd_bytes |= 0xff << (8 * in_cmd);
			continue;
		}
		ret = pci_user_write_config_byte(pdev, pos + i, out >> (8 * i));
	}
	if (!ret && cmd_bytes)
		ret = passthru_intx_write_command(pt, cmd, cmd_bytes);
	ret = pcibios_err_to_errno(ret);
	if (decode_off)
		up_write(&pt->memory_lock);
	return ret;
}

/**
 * passthru_config_rw() - the VMM's access to config space
 * @pt: the device, not removed
 * @pos: the first byte, inside config space
 * @buf: the bytes to write, or where the bytes read go
 * @len: bytes, at most to the end of config space
 * @write: true for a write
 *
 * In naturally aligned accesses of up to 4 bytes, each through the
 * virtual config space.
 *
 * Context: process context; @pt->lock held.
 * Return: 0 or a negative errno.
 */
int passthru_config_rw(struct passthru_device *pt, u64 pos, u8 *buf,
		       size_t len, bool write)
{
	size_t done;
	int ret;

	lockdep_assert_held(&pt->lock);
	ret = passthru_config_build(pt);
	for (done = 0; done < len && !ret;) {
		unsigned int w = passthru_access_width(pos + done, len - done);

		ret = passthru_config_access(pt, pos + done, w, buf + done,
					     write);
		done += w;
	}
	return ret;
}
