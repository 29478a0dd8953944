// SPDX-License-Identifier: GPL-2.0
/*
 * passthru bind and unbind: hand functions to passthru through
 * driver_override, and back to their host drivers; --persist records the
 * choice for the next boot (persist.c).
 *
 * bind checks first whatever sysfs can tell (a bridge, no IOMMU group,
 * passthru not loaded) and what the host stands on (host.c: mounted
 * filesystems, swap, default routes; --force takes it anyway), and only
 * then unbinds the host driver.  If passthru does not claim the function
 * after all, the function goes back to the driver it had.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passthru.h"

int opt_group, opt_force, opt_persist;

/* One status of several: a failure outweighs a refusal for the host's sake. */
static int worse(int a, int b)
{
	if (a == EXIT_NOT_READY || b == EXIT_NOT_READY)
		return EXIT_NOT_READY;
	return a == EXIT_NEEDED || b == EXIT_NEEDED ? EXIT_NEEDED : EXIT_READY;
}

/* Can passthru take @f, as far as sysfs tells?  If not, say why. */
static int can_take(const struct func *f)
{
	if (f->bridge)
		error_at(f->bdf,
			 "refusing: a bridge cannot be passed through; designate the functions behind it");
	else if (!f->group[0])
		error_at(f->bdf,
			 "refusing: not behind an IOMMU (no IOMMU group); enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on");
	else if (!kexists("/sys/bus/pci/drivers/passthru"))
		error_at(f->bdf,
			 "refusing: the passthru module is not loaded (modprobe passthru)");
	else
		return 1;
	return 0;
}

/* passthru did not take @bdf: back to @drv, the driver it had ("": none). */
static void restore(const char *bdf, const char *drv)
{
	char now[64];
	int ret;

	ret = write_attr("\n", SYS_PCI "/%s/driver_override", bdf);
	if (ret)
		error("%s: cannot clear driver_override: %s", bdf, strerror(-ret));
	if (!drv[0])
		return;
	ret = name_ok(drv) ? write_attr(bdf, "/sys/bus/pci/drivers/%s/bind", drv) : 0;
	link_name(now, sizeof(now), SYS_PCI "/%s/driver", bdf);
	if (!strcmp(now, drv))
		error("%s: given back to %s", bdf, drv);
	else
		error("%s: not given back to %s (%s): it has no driver now",
		      bdf, drv, ret ? strerror(-ret) : "it did not bind");
}

/*
 * driver_override, unbind @drv (the driver @bdf has, "" for none),
 * probe: 0 when passthru holds @bdf then; otherwise it is given back.
 */
static int take(const char *bdf, const char *drv)
{
	char now[64];
	int ret;

	ret = write_attr("passthru", SYS_PCI "/%s/driver_override", bdf);
	if (ret) {
		error("%s: cannot set driver_override: %s", bdf, strerror(-ret));
		return -1;
	}
	ret = drv[0] ? write_attr(bdf, SYS_PCI "/%s/driver/unbind", bdf) : 0;
	if (ret) {
		error("%s: cannot unbind %s: %s", bdf, drv, strerror(-ret));
		restore(bdf, drv);
		return -1;
	}
	ret = write_attr(bdf, "/sys/bus/pci/drivers_probe");
	link_name(now, sizeof(now), SYS_PCI "/%s/driver", bdf);
	if (!strcmp(now, "passthru"))
		return 0;
	if (ret)
		error("%s: passthru did not claim it (%s; dmesg says why)", bdf,
		      strerror(-ret));
	else
		error("%s: passthru did not claim it (dmesg says why)", bdf);
	restore(bdf, drv);
	return -1;
}

/*
 * Hand @bdf, as sysfs writes it, to passthru.  Returns EXIT_READY,
 * EXIT_NOT_READY (no such function, passthru cannot or did not take it)
 * or EXIT_NEEDED (the host stands on it, and not @force).
 */
int bind_one(const char *bdf, int force)
{
	char why[1024];
	struct func f;

	if (func_read(&f, bdf)) {
		error("%s: no such PCI function", bdf);
		return EXIT_NOT_READY;
	}
	if (!strcmp(f.driver, "passthru")) {
		note("%s: already held by passthru", bdf);
		return EXIT_READY;
	}
	if (!can_take(&f))
		return EXIT_NOT_READY;
	if (host_needs(bdf, why, sizeof(why))) {
		if (!force) {
			error("%s: refusing: %s; the host needs it (--force to take it anyway)",
			      bdf, why);
			return EXIT_NEEDED;
		}
		error("%s: --force: taking it although %s", bdf, why);
	}
	if (take(bdf, f.driver))
		return EXIT_NOT_READY;
	note("%s: held by passthru: /dev/passthru/%s", bdf, bdf);
	return EXIT_READY;
}

/* Record that passthru holds @bdf, for the next boot (udev-add). */
static int record(const char *bdf)
{
	char ids[IDS_LEN];
	struct func f;
	int ret;

	if (func_read(&f, bdf)) {
		error("%s: held, but not recorded: its IDs cannot be read", bdf);
		return EXIT_NOT_READY;
	}
	func_ids(&f, ids);
	ret = persist_put(bdf, ids);
	if (ret) {
		error("%s: held, but not recorded in %s: %s", bdf, persist_dir(),
		      strerror(-ret));
		return EXIT_NOT_READY;
	}
	note("%s: and at every boot (%s/%s)", bdf, persist_dir(), bdf);
	return EXIT_READY;
}

/* bind_one(), then (--persist) record() what it bound. */
static int bind_record(const char *bdf, int force)
{
	int status = bind_one(bdf, force);

	return status || !opt_persist ? status : record(bdf);
}

/* Every function of @bdf's IOMMU group but the bridges. */
static int bind_group(const char *bdf, int force)
{
	char grp[16], path[PATH_MAX];
	int status = EXIT_READY;
	struct dirent *e;
	DIR *d;

	link_name(grp, sizeof(grp), SYS_PCI "/%s/iommu_group", bdf);
	if (!grp[0]) {
		error("%s: no IOMMU group", bdf);
		return EXIT_NOT_READY;
	}
	kpath(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", grp);
	d = opendir(path);
	if (!d) {
		error("%s: IOMMU group %s cannot be read", bdf, grp);
		return EXIT_NOT_READY;
	}
	while ((e = readdir(d))) {
		struct func f;

		if (e->d_name[0] == '.')
			continue;
		if (!func_read(&f, e->d_name) && !f.bridge)
			status = worse(status, bind_record(f.bdf, force));
	}
	closedir(d);
	return status;
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
	int i, status = EXIT_READY;

	if (!bdfs || parse_all(cmd, argc, argv, bdfs)) {
		free(bdfs);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++)
		status = worse(status, opt_group ? bind_group(bdfs[i], opt_force) :
			       bind_record(bdfs[i], opt_force));
	free(bdfs);
	return status;
}

/* Unbind @bdf from passthru and offer it to its host driver. */
static int release(const char *bdf)
{
	char drv[64];
	int ret;

	ret = write_attr(bdf, "/sys/bus/pci/drivers/passthru/unbind");
	if (ret) {
		error("%s: cannot unbind passthru: %s", bdf, strerror(-ret));
		return EXIT_NOT_READY;
	}
	ret = write_attr("\n", SYS_PCI "/%s/driver_override", bdf);
	if (ret)
		error("%s: cannot clear driver_override: %s", bdf, strerror(-ret));
	write_attr(bdf, "/sys/bus/pci/drivers_probe");
	link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
	note("%s: released; host driver: %s", bdf, drv[0] ? drv : "none");
	return ret ? EXIT_NOT_READY : EXIT_READY;
}

/* Forget @bdf's record (--persist), or say it is still there. */
static int forget(const char *bdf, int held)
{
	char ids[IDS_LEN], why[PATH_MAX + 64];
	int ret;

	if (!opt_persist) {
		if (persist_get(bdf, ids, why, sizeof(why)) == 1)
			note("%s: still designated at boot (%s/%s); unbind --persist forgets it",
			     bdf, persist_dir(), bdf);
		return EXIT_READY;
	}
	ret = persist_del(bdf);
	if (ret < 0) {
		error("%s: cannot remove its record %s/%s: %s", bdf, persist_dir(), bdf,
		      strerror(-ret));
		return EXIT_NOT_READY;
	}
	if (ret && !held) {
		error("%s: neither held by passthru nor designated at boot", bdf);
		return EXIT_NOT_READY;
	}
	if (!ret)
		note("%s: no longer designated at boot", bdf);
	return EXIT_READY;
}

int cmd_unbind(const struct command *cmd, int argc, char **argv)
{
	char (*bdfs)[BDF_LEN] = calloc(argc ? argc : 1, BDF_LEN);
	int i, status = EXIT_READY;
	char drv[64];

	if (!bdfs || parse_all(cmd, argc, argv, bdfs)) {
		free(bdfs);
		return EXIT_USAGE;
	}
	for (i = 0; i < argc; i++) {
		const char *bdf = bdfs[i];
		int held, s = EXIT_READY;

		link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
		held = !strcmp(drv, "passthru");
		if (held) {
			s = release(bdf);
		} else if (!opt_persist) {
			error("%s: not held by passthru", bdf);
			s = EXIT_NOT_READY;
		}
		if (held || opt_persist)
			s = worse(s, forget(bdf, held));
		status = worse(status, s);
	}
	free(bdfs);
	return status;
}
