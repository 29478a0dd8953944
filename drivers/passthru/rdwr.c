// SPDX-License-Identifier: GPL-2.0
/*
 * pread() and pwrite() of a device file: the BARs, the expansion ROM, and
 * config space (config_io.c).  Every access checks, under
 * passthru_device.lock, that the function was not removed, that it is in
 * D0 and that its memory or I/O decode is on, so no access can reach a
 * function that cannot answer it.  User memory is only touched with no
 * passthru lock held, through a bounce buffer.
 */
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "passthru_priv.h"

#define PASSTHRU_BOUNCE_SIZE 4096

/* Move @len bytes between @buf and BAR @bar at @pos; pt->lock held. */
static int passthru_bar_rw(struct passthru_device *pt, unsigned int bar,
			   u64 pos, u8 *buf, size_t len, bool write)
{
	const struct passthru_layout *l = &pt->layout[bar];
	void __iomem *io;
	size_t done;

	lockdep_assert_held(&pt->lock);
	if (pt->d3hot || !passthru_decode_on(pt->pdev, l->caps))
		return -EIO;
	if (!pt->bar_map[bar]) {
		pt->bar_map[bar] = pci_iomap(pt->pdev, bar, 0);
		if (!pt->bar_map[bar])
			return -ENOMEM;
	}
	io = pt->bar_map[bar];
	for (done = 0; done < len;) {
		unsigned int w = passthru_access_width(pos + done, len - done);
		void __iomem *addr = io + pos + done;
		u8 *p = buf + done;

		if (passthru_layout_excluded(l, pos + done, w)) {
			if (!write)
				memset(p, 0xff, w);
		} else if (write) {
			if (w == 4)
				iowrite32(get_unaligned_le32(p), addr);
			else if (w == 2)
				iowrite16(get_unaligned_le16(p), addr);
			else
				iowrite8(*p, addr);
		} else {
			if (w == 4)
				put_unaligned_le32(ioread32(addr), p);
			else if (w == 2)
				put_unaligned_le16(ioread16(addr), p);
			else
				*p = ioread8(addr);
		}
		done += w;
	}
	return 0;
}

/* Read @len bytes of the ROM at @pos; pt->lock held. */
static int passthru_rom_read(struct passthru_device *pt, u64 pos, u8 *buf,
			     size_t len)
{
	void __iomem *rom;
	size_t size;

	lockdep_assert_held(&pt->lock);
	/* pci_map_rom() reads the device and logs what it finds there. */
	if (pt->d3hot || pt->rom_bad ||
	    !passthru_decode_on(pt->pdev, PASSTHRU_REGION_READ))
		return -EIO;
	rom = pci_map_rom(pt->pdev, &size);
	if (!rom) {
		/* Its header is not a ROM's: it will not become one. */
		pt->rom_bad = true;
		return -EIO;
	}
	if (pos + len > size)
		memset(buf, 0xff, len);
	else
		memcpy_fromio(buf, rom + pos, len);
	pci_unmap_rom(pt->pdev, rom);
	return 0;
}

/**
 * passthru_rdwr() - pread() or pwrite() on a device file
 * @pt: the device
 * @buf: the user buffer
 * @count: bytes
 * @ppos: the file offset; advanced by what was transferred
 * @write: true for pwrite()
 *
 * Context: process context; no passthru lock held.
 * Return: bytes transferred, or a negative errno (see "Regions" in the
 * uAPI header).
 */
ssize_t passthru_rdwr(struct passthru_device *pt, char __user *buf,
		      size_t count, loff_t *ppos, bool write)
{
	const struct passthru_layout *l;
	unsigned int index;
	size_t done = 0;
	u8 *bounce;
	u64 pos;
	int ret;

	ret = passthru_region_decode(*ppos, &index, &pos);
	if (ret)
		return ret;
	l = &pt->layout[index];
	if (!(l->caps & (write ? PASSTHRU_REGION_WRITE : PASSTHRU_REGION_READ)))
		return -EINVAL;
	ret = passthru_layout_clamp(l, pos, count, &count);
	if (ret)
		return ret;
	bounce = kmalloc(min_t(size_t, count, PASSTHRU_BOUNCE_SIZE),
			 GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;

	while (done < count) {
		size_t n = min_t(size_t, count - done, PASSTHRU_BOUNCE_SIZE);

		if (write && copy_from_user(bounce, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&pt->lock);
		if (pt->removed)
			ret = -ENODEV;
		else if (index == PASSTHRU_REGION_ROM)
			ret = passthru_rom_read(pt, pos + done, bounce, n);
		else if (index == PASSTHRU_REGION_CONFIG)
			ret = passthru_config_rw(pt, pos + done, bounce, n, write);
		else
			ret = passthru_bar_rw(pt, index, pos + done, bounce, n,
					      write);
		mutex_unlock(&pt->lock);
		if (ret)
			break;
		if (!write && copy_to_user(buf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	kfree(bounce);
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

/**
 * passthru_rdwr_unmap() - unmap the BARs from the kernel
 * @pt: the device, its last file closing or being freed
 *
 * Context: process context.
 */
void passthru_rdwr_unmap(struct passthru_device *pt)
{
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (pt->bar_map[i])
			pci_iounmap(pt->pdev, pt->bar_map[i]);
		pt->bar_map[i] = NULL;
	}
}
