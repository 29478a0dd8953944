// SPDX-License-Identifier: GPL-2.0
/*
 * passthru bind and unbind: hand functions to passthru through
 * driver_override, and back to their host drivers.  bind refuses a
 * function the host itself stands on (a mounted filesystem, the default
 * route) unless forced.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passthru.h"

int opt_group, opt_force;

/* Does @bdf (or a function below it) back a mounted filesystem? */
static int backs_mount(const char *bdf, char *what, size_t len)
{
	char line[1024], dev[256], real[PATH_MAX], path[PATH_MAX], mine[PATH_MAX];
	FILE *m = fopen("/proc/mounts", "r");
	int found = 0;

	snprintf(path, sizeof(path), SYS_PCI "/%s", bdf);
	if (!realpath(path, mine)) {
		if (m)
			fclose(m);
		return 0;
	}
	while (m && !found && fgets(line, sizeof(line), m)) {
		char *name;

		if (sscanf(line, "%255s", dev) != 1 || strncmp(dev, "/dev/", 5))
			continue;
		if (!realpath(dev, real))
			continue;
		name = strrchr(real, '/') + 1;
		snprintf(path, sizeof(path), "/sys/class/block/%s", name);
		if (realpath(path, real) && !strncmp(real, mine, strlen(mine)) &&
		    real[strlen(mine)] == '/') {
			snprintf(what, len, "%s is mounted", dev);
			found = 1;
		}
	}
	if (m)
		fclose(m);
	return found;
}

/* Is @bdf the network device of the default route? */
static int backs_default_route(const char *bdf, char *what, size_t len)
{
	char line[512], ifname[64], dest[16], dev[64];
	FILE *r = fopen("/proc/net/route", "r");
	int found = 0;

	while (r && !found && fgets(line, sizeof(line), r)) {
		if (sscanf(line, "%63s %15s", ifname, dest) != 2 ||
		    strcmp(dest, "00000000"))
			continue;
		link_name(dev, sizeof(dev), "/sys/class/net/%s/device", ifname);
		if (!strcmp(dev, bdf)) {
			snprintf(what, len, "%s carries the default route", ifname);
			found = 1;
		}
	}
	if (r)
		fclose(r);
	return found;
}

/* Hand @bdf, as sysfs writes it, to passthru; 0 or 1 (failed). */
int bind_one(const char *bdf, int force)
{
	char drv[64], why[512], out[1024];
	int ret;

	if (!exists(bdf)) {
		fprintf(stderr, "passthru: %s: no such PCI function\n", bdf);
		return 1;
	}
	link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
	if (!strcmp(drv, "passthru")) {
		if (!json)
			printf("%s: already held by passthru\n", bdf);
		return 0;
	}
	if (!force && (backs_mount(bdf, why, sizeof(why)) ||
		       backs_default_route(bdf, why, sizeof(why)))) {
		fprintf(stderr,
			"passthru: %s: refusing: %s on this host; taking it away would cut the host off (--force to do it anyway)\n",
			bdf, safe(why, out, sizeof(out)));
		return 1;
	}
	if (access("/sys/bus/pci/drivers/passthru", F_OK)) {
		fprintf(stderr, "passthru: the passthru module is not loaded\n");
		return 1;
	}
	ret = write_attr("passthru", SYS_PCI "/%s/driver_override", bdf);
	if (!ret && drv[0])
		ret = write_attr(bdf, SYS_PCI "/%s/driver/unbind", bdf);
	if (!ret)
		write_attr(bdf, "/sys/bus/pci/drivers_probe");
	link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
	if (ret || strcmp(drv, "passthru")) {
		fprintf(stderr, "passthru: %s: %s (see dmesg for passthru's reason)\n",
			bdf, ret ? strerror(-ret) : "passthru did not claim it");
		return 1;
	}
	if (!json)
		printf("%s: held by passthru: /dev/passthru/%s\n", bdf, bdf);
	return 0;
}

/* Every function of @bdf's IOMMU group but the bridges; the failures. */
static int bind_group(const char *bdf, int force)
{
	char grp[16], path[PATH_MAX];
	struct dirent *e;
	int fails = 0;
	DIR *d;

	link_name(grp, sizeof(grp), SYS_PCI "/%s/iommu_group", bdf);
	if (!grp[0]) {
		fprintf(stderr, "passthru: %s: no IOMMU group\n", bdf);
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", grp);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		struct func f;

		if (e->d_name[0] == '.')
			continue;
		if (!func_read(&f, e->d_name) && !f.bridge)
			fails += bind_one(f.bdf, force);
	}
	if (d)
		closedir(d);
	return fails;
}

/* Check every argument is an address before acting on any. */
static int parse_all(const struct command *cmd, int argc, char **argv,
		     char (*bdfs)[BDF_LEN])
{
	int i;

	if (!argc) {
		usage_error(cmd, "needs at least one function");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (parse_bdf(argv[i], bdfs[i])) {
			char buf[256];

			usage_error(cmd, "%s: not a PCI address (DDDD:BB:DD.F or BB:DD.F, in hex)",
				    safe(argv[i], buf, sizeof(buf)));
			return -1;
		}
	}
	return 0;
}

int cmd_bind(const struct command *cmd, int argc, char **argv)
{
	char (*bdfs)[BDF_LEN] = calloc(argc ? argc : 1, BDF_LEN);
	int i, fails = 0;

	if (!bdfs || parse_all(cmd, argc, argv, bdfs)) {
		free(bdfs);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++)
		fails += opt_group ? bind_group(bdfs[i], opt_force) :
			 bind_one(bdfs[i], opt_force);
	free(bdfs);
	return fails ? EXIT_NOT_READY : EXIT_READY;
}

int cmd_unbind(const struct command *cmd, int argc, char **argv)
{
	char (*bdfs)[BDF_LEN] = calloc(argc ? argc : 1, BDF_LEN);
	char drv[64];
	int i, fails = 0;

	if (!bdfs || parse_all(cmd, argc, argv, bdfs)) {
		free(bdfs);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		const char *bdf = bdfs[i];

		link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
		if (strcmp(drv, "passthru")) {
			fprintf(stderr, "passthru: %s: not held by passthru\n", bdf);
			fails++;
			continue;
		}
		write_attr(bdf, "/sys/bus/pci/drivers/passthru/unbind");
		write_attr("\n", SYS_PCI "/%s/driver_override", bdf);
		write_attr(bdf, "/sys/bus/pci/drivers_probe");
		link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
		printf("%s: released; host driver: %s\n", bdf, drv[0] ? drv : "none");
	}
	free(bdfs);
	return fails ? EXIT_NOT_READY : EXIT_READY;
}
