// SPDX-License-Identifier: GPL-2.0
/* passthru info: a held function as passthru's uAPI describes it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/passthru.h>

#include "passthru.h"

static const char * const irq_names[] = {
	[PASSTHRU_IRQ_INTX] = "intx",
	[PASSTHRU_IRQ_MSI] = "msi",
	[PASSTHRU_IRQ_MSIX] = "msix",
	[PASSTHRU_IRQ_ERROR] = "error",
	[PASSTHRU_IRQ_REQUEST] = "request",
};

/* Room for a region's mappable areas: a BAR less the MSI-X table and PBA. */
#define MAX_AREAS 4

static void info_device(const char *bdf, const struct passthru_device_info *info)
{
	unsigned int r = info->reset_methods;
	char hex[16];

	if (json) {
		j_key("function");
		j_str(bdf);
		j_key("vendor");
		snprintf(hex, sizeof(hex), "%04x", info->vendor);
		j_str(hex);
		j_key("device");
		snprintf(hex, sizeof(hex), "%04x", info->device);
		j_str(hex);
		j_key("class");
		snprintf(hex, sizeof(hex), "%06x", info->class_code);
		j_str(hex);
		j_key("iommu_group");
		j_num(info->iommu_group);
		j_key("pcie");
		j_bool(info->caps & PASSTHRU_DEVICE_PCIE);
		j_key("reset_methods");
		j_num(r);
		return;
	}
	printf("%s: %04x:%04x class %06x, IOMMU group %u, %s\n", bdf,
	       info->vendor, info->device, info->class_code, info->iommu_group,
	       info->caps & PASSTHRU_DEVICE_PCIE ? "PCI Express" :
	       "conventional PCI");
	printf("reset:%s%s%s%s%s\n", r & PASSTHRU_RESET_FLR ? " FLR" : "",
	       r & PASSTHRU_RESET_PM ? " PM" : "",
	       r & PASSTHRU_RESET_BUS ? " bus" : "",
	       r & PASSTHRU_RESET_OTHER ? " other" : "", r ? "" : " none");
}

static void info_regions(int fd)
{
	unsigned int i;

	if (json) {
		j_key("regions");
		j_begin('[');
	}
	for (i = 0; i < PASSTHRU_NUM_REGIONS; i++) {
		struct passthru_region_area areas[MAX_AREAS];
		struct passthru_region_info ri = {
			.size = sizeof(ri), .index = i, .num_areas = MAX_AREAS,
			.areas = (uintptr_t)areas,
		};

		if (ioctl(fd, PASSTHRU_REGION_INFO, &ri) || !ri.caps)
			continue;
		if (json) {
			j_begin('{');
			j_key("index");
			j_num(i);
			j_key("size");
			j_num(ri.region_size);
			j_key("caps");
			j_num(ri.caps);
			j_key("mappable_areas");
			j_num(ri.num_areas);
			j_end('}');
			continue;
		}
		printf("region %u %-6s %10llu bytes %s%s%s, %u mappable area(s)\n",
		       i, i < PASSTHRU_REGION_ROM ? "BAR" :
		       i == PASSTHRU_REGION_ROM ? "ROM" : "config",
		       (unsigned long long)ri.region_size,
		       ri.caps & PASSTHRU_REGION_IO ? "I/O" : "memory",
		       ri.caps & PASSTHRU_REGION_64BIT ? " 64-bit" : "",
		       ri.caps & PASSTHRU_REGION_PREFETCH ? " prefetchable" : "",
		       ri.num_areas);
	}
	if (json)
		j_end(']');
}

static void info_irqs(int fd)
{
	unsigned int i;

	if (json) {
		j_key("interrupts");
		j_begin('{');
	}
	for (i = 0; i < PASSTHRU_NUM_IRQS && i < ARRAY_SIZE(irq_names); i++) {
		struct passthru_irq_info ii = { .size = sizeof(ii), .index = i };

		if (ioctl(fd, PASSTHRU_IRQ_INFO, &ii))
			continue;
		if (json) {
			j_key(irq_names[i]);
			j_num(ii.count);
		} else if (ii.count) {
			printf("interrupts %-7s %u vector(s)%s\n", irq_names[i],
			       ii.count, ii.caps & PASSTHRU_IRQ_CAP_INTX_DISABLE ?
			       ", masked at the function (line may be shared)" : "");
		}
	}
	if (json)
		j_end('}');
}

int cmd_info(const struct command *cmd, int argc, char **argv)
{
	struct passthru_device_info info = { .size = sizeof(info) };
	char bdf[BDF_LEN], path[PATH_MAX], buf[256];
	int fd;

	if (argc != 1) {
		usage_error(cmd, "takes one function");
		return EXIT_USAGE;
	}
	if (parse_bdf(argv[0], bdf)) {
		usage_error(cmd, "%s: not a PCI address (DDDD:BB:DD.F or BB:DD.F, in hex)",
			    safe(argv[0], buf, sizeof(buf)));
		return EXIT_USAGE;
	}
	kpath(path, sizeof(path), "/dev/passthru/%s", bdf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "passthru: %s: %s\n", path,
			errno == ENOENT ? "passthru does not hold it (passthru bind)" :
			errno == EBUSY ? "a VMM has it open" : strerror(errno));
		return EXIT_NOT_READY;
	}
	if (ioctl(fd, PASSTHRU_DEVICE_INFO, &info)) {
		perror("PASSTHRU_DEVICE_INFO");
		close(fd);
		return EXIT_NOT_READY;
	}
	if (json)
		j_begin('{');
	info_device(bdf, &info);
	info_regions(fd);
	info_irqs(fd);
	if (json)
		j_end('}');
	close(fd);
	return EXIT_READY;
}
