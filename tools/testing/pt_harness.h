/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test programs on the kselftest harness share (pt_uapi.c,
 * pt_lib.c): finding a function of the test bed that passthru holds.
 * Include it after kselftest_harness.h.
 */
#ifndef PT_HARNESS_H
#define PT_HARNESS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hex sysfs attribute of @bdf; 0 when it cannot be read. */
static inline unsigned int sysfs_id(const char *bdf, const char *attr)
{
	char path[128], id[16];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (f && fgets(id, sizeof(id), f))
		v = strtoul(id, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/*
 * The function with these IDs that passthru holds with the lowest
 * address (its nodes in /dev/passthru), or "".
 */
static inline void find_held(unsigned int vendor, unsigned int device,
			     char *bdf, size_t len)
{
	struct dirent *e;
	DIR *d;

	bdf[0] = '\0';
	d = opendir("/dev/passthru");
	while (d && (e = readdir(d))) {
		/* DDDD:BB:DD.F; the VM node is "vm". */
		if (strlen(e->d_name) != 12 || (bdf[0] && strcmp(e->d_name, bdf) > 0))
			continue;
		if (sysfs_id(e->d_name, "vendor") == vendor &&
		    sysfs_id(e->d_name, "device") == device)
			snprintf(bdf, len, "%s", e->d_name);
	}
	if (d)
		closedir(d);
}

#endif /* PT_HARNESS_H */
