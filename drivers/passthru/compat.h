/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between Linux 6.1 (the target) and newer kernels,
 * kept here so that the .c files have no version checks.
 */
#ifndef PASSTHRU_COMPAT_H
#define PASSTHRU_COMPAT_H

#include <linux/device.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/version.h>

/*
 * hex_to_bin() is declared in <linux/hex.h> on 6.12, which
 * <linux/kernel.h> still includes there but no longer does on 7.2.  6.1
 * has no <linux/hex.h> and declares it in <linux/kernel.h>.  A version
 * test, as for <linux/unaligned.h> below.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/hex.h>
#endif

/*
 * 6.12 moved the unaligned accessors from <asm/unaligned.h> to
 * <linux/unaligned.h>.  A version test: sparse (0.6.4) cannot evaluate
 * __has_include().
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.2 made the device argument of class devnode() callbacks const.  A
 * function pointer's type cannot be probed by the preprocessor, so this is
 * a version check.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define PASSTHRU_DEVNODE_CONST const
#else
#define PASSTHRU_DEVNODE_CONST
#endif

/* 6.3 added a gfp_t argument to iommu_map_sg(). */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define passthru_iommu_map_sg(domain, iova, sg, nents, prot) \
	iommu_map_sg(domain, iova, sg, nents, prot, GFP_KERNEL_ACCOUNT)
#else
#define passthru_iommu_map_sg(domain, iova, sg, nents, prot) \
	iommu_map_sg(domain, iova, sg, nents, prot)
#endif

/* 6.12 dropped kvrealloc()'s old-size argument. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define passthru_kvrealloc(p, oldsize, newsize, gfp) kvrealloc(p, newsize, gfp)
#else
#define passthru_kvrealloc(p, oldsize, newsize, gfp) \
	kvrealloc(p, oldsize, newsize, gfp)
#endif

/* 6.3 made vma->vm_flags read-only, to be changed with vm_flags_set(). */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define passthru_vm_flags_set(vma, flags) vm_flags_set(vma, flags)
#else
#define passthru_vm_flags_set(vma, flags) ((vma)->vm_flags |= (flags))
#endif

/* 6.8 dropped eventfd_signal()'s count, always 1 in practice. */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define passthru_eventfd_signal(ctx) eventfd_signal(ctx)
#else
#define passthru_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#endif

/*
 * 6.12 packed struct fd into one word, read with fd_file(); before it,
 * the file was a member.
 */
#ifdef fd_file
#define passthru_fd_file(f) fd_file(f)
#else
#define passthru_fd_file(f) ((f).file)
#endif

/*
 * Whether the platform keeps @dev from raising any interrupt but its own
 * MSIs (interrupt remapping on x86).  6.3 replaced IOMMU_CAP_INTR_REMAP
 * and irq_domain_check_msi_remap() with msi_device_has_isolated_msi(),
 * and <linux/msi.h> with it gained the arch_is_isolated_msi() macro that
 * is tested for here.
 */
#ifdef arch_is_isolated_msi
static inline bool passthru_msi_isolated(struct device *dev)
{
	return msi_device_has_isolated_msi(dev);
}
#else
static inline bool passthru_msi_isolated(struct device *dev)
{
	return device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP) ||
	       irq_domain_check_msi_remap();
}
#endif

/*
 * A paging domain for a new VM, which has no device yet; an ERR_PTR on
 * failure, -ENODEV when no PCI device is behind an IOMMU.  6.1 allocates
 * it by bus with iommu_domain_alloc(), NULL on any failure.  That is gone
 * on 7.2, where iommu_paging_domain_alloc() needs a device and returns an
 * ERR_PTR; as 6.12's iommu_domain_alloc() did, the domain is made for the
 * IOMMU of the first PCI device that has one.  6.12 has both functions,
 * and the two give it the same domain (its Intel and AMD drivers ignore
 * the device), so 6.12 takes the new way.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
static inline int passthru_iommu_domain_alloc_dev(struct device *dev,
						  void *data)
{
	struct iommu_domain **domain = data;

	*domain = iommu_paging_domain_alloc(dev);
	/* -ENODEV: @dev has no IOMMU, go on to the next one. */
	return PTR_ERR_OR_ZERO(*domain) != -ENODEV;
}

static inline struct iommu_domain *passthru_iommu_domain_alloc(void)
{
	struct iommu_domain *domain = ERR_PTR(-ENODEV);

	bus_for_each_dev(&pci_bus_type, NULL, &domain,
			 passthru_iommu_domain_alloc_dev);
	return domain;
}
#else
static inline struct iommu_domain *passthru_iommu_domain_alloc(void)
{
	return iommu_domain_alloc(&pci_bus_type) ?: ERR_PTR(-ENODEV);
}
#endif

/*
 * Whether iommu_attach_group()'s @err means the VM's domain already maps
 * beyond the address width of the group's IOMMU (VT-d).  6.1's VT-d says
 * -EFAULT.  6.12's says -EINVAL, which iommu_attach_group() documents as
 * any domain the group cannot use; for the unmanaged domains passthru
 * allocates, VT-d and AMD-Vi give it for nothing else.  On 7.2 a domain
 * has the width of the IOMMU it was made for from the start: a mapping
 * beyond it fails at map time, -EINVAL at attach means another IOMMU
 * cannot use the domain at all, and no attach fails for a mapping's sake.
 * Only 6.1, 6.12 and 7.2 were read: the cuts between them, 6.2 (attach
 * errors made -EINVAL) and 6.13 (VT-d domains sized when allocated), are
 * where those changes are believed to have landed.
 */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
static inline bool passthru_attach_beyond_width(int err)
{
	return false;
}
#elif KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
static inline bool passthru_attach_beyond_width(int err)
{
	return err == -EINVAL;
}
#else
static inline bool passthru_attach_beyond_width(int err)
{
	return err == -EFAULT;
}
#endif

#endif /* PASSTHRU_COMPAT_H */
