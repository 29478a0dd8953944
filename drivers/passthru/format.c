// SPDX-License-Identifier: GPL-2.0
/*
 * Human-readable BAR descriptions for the probe log, in the spirit of the
 * VMware note: "BAR0 mem 0xfebf0000 size 1 MiB, 64-bit, prefetchable".
 * Pure logic, covered by the KUnit suite passthru_bar.
 */
#include <linux/errno.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <asm/page.h>

#include "passthru_priv.h"

/**
 * passthru_format_size() - print a size the way an administrator reads it
 * @buf: output buffer
 * @len: size of @buf
 * @size: the size in bytes
 *
 * A size that is a whole number of KiB, MiB, GiB or TiB is printed in the
 * largest such unit ("1 MiB", "24 KiB"), anything else in bytes ("256 B").
 *
 * Context: any context.
 * Return: the number of characters written, as scnprintf().
 */
int passthru_format_size(char *buf, size_t len, u64 size)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u + 1 < ARRAY_SIZE(units) && size && !(size & 1023)) {
		size >>= 10;
		u++;
	}
	return scnprintf(buf, len, "%llu %s", size, units[u]);
}

/**
 * passthru_describe_bar() - describe one BAR or ROM resource
 * @buf: output buffer, PASSTHRU_BAR_DESC_LEN bytes are always enough
 * @len: size of @buf
 * @name: the resource's name, such as "BAR0" or "ROM"
 * @flags: the resource's IORESOURCE_* flags
 * @start: the resource's first address
 * @size: the resource's size in bytes
 *
 * Context: any context.
 * Return: the number of characters written, or -EINVAL for a resource
 * that is neither memory nor I/O ports.
 */
int passthru_describe_bar(char *buf, size_t len, const char *name,
			  unsigned long flags, u64 start, u64 size)
{
	char sz[24];
	int n;

	if (!(flags & (IORESOURCE_MEM | IORESOURCE_IO)))
		return -EINVAL;
	passthru_format_size(sz, sizeof(sz), size);
	n = scnprintf(buf, len, "%s %s %#llx size %s", name,
		      flags & IORESOURCE_IO ? "io" : "mem", start, sz);
	if (flags & IORESOURCE_IO)
		return n;
	n += scnprintf(buf + n, len - n, ", %s",
		       flags & IORESOURCE_MEM_64 ? "64-bit" : "32-bit");
	if (flags & IORESOURCE_PREFETCH)
		n += scnprintf(buf + n, len - n, ", prefetchable");
	if (size < PAGE_SIZE)
		n += scnprintf(buf + n, len - n, ", smaller than a page");
	return n;
}
