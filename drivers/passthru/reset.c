// SPDX-License-Identifier: GPL-2.0
/*
 * Resets, and handing a function back: PASSTHRU_DEVICE_RESET and the
 * reset at attach, and what the VMM's release or remove() does to put
 * the function back as passthru found it.
 */
#include <linux/pci.h>

#include "passthru_priv.h"

/*
 * Reset now.  remove() holds the function's device lock (the driver
 * core's) and sets @removed before it hands the function back; every
 * other caller holds neither.
 */
static int passthru_reset_now(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	int ret;

	lockdep_assert_held(&pt->lock);
	if (!pt->removed)
		return pci_try_reset_function(pdev);
	/* A reset through sysfs takes this lock, then waits for ours. */
	if (!pci_cfg_access_trylock(pdev))
		return -EAGAIN;
	ret = __pci_reset_function_locked(pdev);
	pci_cfg_access_unlock(pdev);
	return ret;
}

/**
 * passthru_reset_for_vmm() - reset a function for its VMM
 * @pt: the device, open
 *
 * Zaps the mapped BAR pages (a touch waits until the reset is over, then
 * faults them back), brings the function back to D0, turns bus mastering
 * off, resets the function if it has a method, and starts the virtual
 * config space afresh.  The config state of before the reset is restored
 * by the PCI core, bus mastering excepted.
 *
 * Context: process context; @pt->lock held, the device lock not held,
 * @pt not removed.
 * Return: 0; -EOPNOTSUPP without a reset method; -EAGAIN when the PCI
 * core is busy with the function; another negative errno from the reset.
 */
int passthru_reset_for_vmm(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	int ret;

	lockdep_assert_held(&pt->lock);
	down_write(&pt->memory_lock);
	passthru_mmap_zap(pt);
	passthru_power_up(pt);
	pci_clear_master(pdev);
	ret = passthru_reset_now(pt);
	up_write(&pt->memory_lock);
	if (!ret)
		pt->dirty = false;
	passthru_intx_resync(pt);
	passthru_config_invalidate(pt);
	return ret == -ENOTTY ? -EOPNOTSUPP : ret;
}

/**
 * passthru_do_device_reset() - PASSTHRU_DEVICE_RESET
 * @ctx: the device, locked and not removed
 * @cmd: its struct passthru_device_reset, copied in
 *
 * Context: process context; @pt->lock held.
 * Return: as passthru_reset_for_vmm().
 */
int passthru_do_device_reset(void *ctx, void *cmd)
{
	return passthru_reset_for_vmm(ctx);
}

/**
 * passthru_stop_dma() - D0 and no DMA, before the VMM's state goes
 * @pt: the device, its file closing or the function being removed
 *
 * Interrupt teardown writes the MSI-X table, which a function in D3hot
 * cannot take, and a function left mastering could DMA while its VMM's
 * memory is unmapped.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_stop_dma(struct passthru_device *pt)
{
	lockdep_assert_held(&pt->lock);
	down_write(&pt->memory_lock);
	passthru_power_up(pt);
	up_write(&pt->memory_lock);
	pci_clear_master(pt->pdev);
}

/**
 * passthru_restore_host_state() - hand a function back as passthru found it
 * @pt: the device, its file closing or the function being removed
 *
 * Brings the function back to D0, turns bus mastering off, resets it if
 * it was used since its last reset, and restores the config state saved
 * when passthru claimed it.  No BAR page can be mapped: the file is gone,
 * or passthru_mmap_revoke() ran.
 *
 * Context: process context; @pt->lock held.
 */
void passthru_restore_host_state(struct passthru_device *pt)
{
	struct pci_dev *pdev = pt->pdev;
	int ret;

	lockdep_assert_held(&pt->lock);
	passthru_stop_dma(pt);
	if (pt->dirty) {
		ret = passthru_reset_now(pt);
		/* Without a reset method, trying again is no use. */
		if (!ret || ret == -ENOTTY)
			pt->dirty = false;
		else
			passthru_vmm_warn(pdev, "reset on release failed (%d); it will be tried again at unbind\n",
					  ret);
	}
	pci_load_saved_state(pdev, pt->host_state);
	pci_restore_state(pdev);
	/*
	 * The host's state but for bus mastering, which firmware often
	 * leaves on: a function without a reset method would otherwise keep
	 * DMA the VMM armed.
	 */
	pci_clear_master(pdev);
}
