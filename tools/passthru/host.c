// SPDX-License-Identifier: GPL-2.0
/*
 * What the host itself stands on: the PCI functions under its mounted
 * filesystems, its swap and its default routes (route.c), which bind
 * refuses to take.  Each is followed down to the devices sysfs puts under
 * PCI functions: a partition to its disk, dm (LVM, LUKS) and md to their
 * slaves, a loop device to the disk of its backing file, an NVMe
 * multipath disk to its controllers; route.c follows bridges, bonds,
 * VLANs and macvlans to their ports.  A function is needed when one of
 * those devices lies below its sysfs directory: a virtio device's disk or
 * NIC lies below the virtio function, a USB NIC below its host
 * controller.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "passthru.h"

/* How deep one device stacks on others (dm on md on a partition...). */
#define MAX_DEPTH 8
/* Devices visited in one search: a loop in a fake tree ends there. */
#define MAX_VISITS 512

/*
 * A name read from the kernel (a slave, a port, an interface), safe as
 * one component of a path: not empty, no '/', not "." or "..".
 */
int name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < NAME_MAX;
}

/* One more device visited: 0 when the search must stop. */
int need_visit(struct need *n, int depth)
{
	return !n->found && depth <= MAX_DEPTH && n->visits++ < MAX_VISITS;
}

/*
 * The host uses the device at @path (a resolved sysfs directory); @fmt
 * says how.  Found when @path lies in the function's directory.
 */
void need_leaf(struct need *n, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (n->found || strncmp(path, n->fpath, n->flen) ||
	    (path[n->flen] != '/' && path[n->flen] != '\0'))
		return;
	va_start(ap, fmt);
	vsnprintf(n->why, sizeof(n->why), fmt, ap);
	va_end(ap);
	n->found = 1;
}

/* @chain with @name (and its @kind, if any) after it, in @buf. */
void chain_add(char *buf, size_t len, const char *chain, const char *name,
	       const char *kind)
{
	snprintf(buf, len, "%s%s%s%s%s%s", chain, *chain ? " over " : "",
		 name, *kind ? " (" : "", kind, *kind ? ")" : "");
}

static void block_dev(struct need *n, unsigned int maj, unsigned int min,
		      const char *what, const char *chain, int depth);
static void block_dir(struct need *n, const char *dir, const char *what,
		      const char *chain, int depth);

/* What a dm device is, from its uuid's prefix, and its name. */
static void dm_kind(const char *dir, char *kind, size_t len)
{
	char uuid[128], name[128];

	attr_at(uuid, sizeof(uuid), dir, "dm/uuid");
	attr_at(name, sizeof(name), dir, "dm/name");
	snprintf(kind, len, "%s %s", !strncmp(uuid, "LVM-", 4) ? "LVM" :
		 !strncmp(uuid, "CRYPT-", 6) ? "dm-crypt" :
		 !strncmp(uuid, "mpath-", 6) ? "dm-multipath" : "dm", name);
}

/* Each device a dm, md or other stacked device is made of. */
static int block_slaves(struct need *n, const char *dir, const char *what,
			const char *chain, int depth)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	int any = 0;
	DIR *d;

	if (join(path, sizeof(path), dir, "slaves"))
		return 0;
	d = opendir(path);
	while (d && !n->found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !name_ok(e->d_name))
			continue;
		any = 1;
		if (!kpath(path, sizeof(path), "/sys/class/block/%s", e->d_name) &&
		    realpath(path, real))
			block_dir(n, real, what, chain, depth + 1);
	}
	if (d)
		closedir(d);
	return any;
}

/*
 * A native NVMe multipath disk lives in its subsystem's directory,
 * beside links to the controllers, which are under PCI functions.
 */
static int block_nvme_subsys(struct need *n, const char *dir, const char *what,
			     const char *chain)
{
	char subsys[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	char *slash;
	DIR *d;

	if (!strstr(dir, "/nvme-subsystem/"))
		return 0;
	copy_str(subsys, sizeof(subsys), dir);
	slash = strrchr(subsys, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	d = opendir(subsys);
	while (d && !n->found && (e = readdir(d))) {
		const char *p = e->d_name + 4;

		if (strncmp(e->d_name, "nvme", 4) || !*p ||
		    strspn(p, "0123456789") != strlen(p))
			continue;
		if (!join(path, sizeof(path), subsys, e->d_name) &&
		    realpath(path, real))
			need_leaf(n, real, "%s via %s (NVMe multipath) over %s",
				  what, chain, e->d_name);
	}
	if (d)
		closedir(d);
	return 1;
}

/*
 * The device behind the file at @path, a path of the host's (under the
 * root): the device itself when it is a block device, else (@of_file)
 * the one its filesystem is on.  A /dev/NAME that is not there (as
 * /dev/root often is not) is looked up by NAME in sysfs.
 */
static void path_dev(struct need *n, const char *path, int of_file,
		     const char *what, const char *chain, int depth)
{
	char p[PATH_MAX], real[PATH_MAX];
	const char *name = strrchr(path, '/');
	struct stat st;

	if (path[0] != '/' || kpath(p, sizeof(p), "%s", path))
		return;
	if (!stat(p, &st)) {
		if (S_ISBLK(st.st_mode))
			block_dev(n, major(st.st_rdev), minor(st.st_rdev), what,
				  chain, depth);
		else if (of_file && major(st.st_dev))
			block_dev(n, major(st.st_dev), minor(st.st_dev), what,
				  chain, depth);
		return;
	}
	if (strncmp(path, "/dev/", 5) || !name || !name_ok(name + 1))
		return;
	if (!kpath(p, sizeof(p), "/sys/class/block/%s", name + 1) &&
	    realpath(p, real))
		block_dir(n, real, what, chain, depth);
}

/* A loop device: the device its backing file is on. */
static int block_loop(struct need *n, const char *dir, const char *what,
		      const char *chain, int depth)
{
	char file[PATH_MAX];

	attr_at(file, sizeof(file), dir, "loop/backing_file");
	if (!file[0])
		return 0;
	path_dev(n, file, 1, what, chain, depth + 1);
	return 1;
}

/*
 * The block device whose sysfs directory is @dir (resolved), used as
 * @what says, reached through @chain: a partition stands for its disk;
 * stacked devices for what they are made of.
 */
static void block_dir(struct need *n, const char *dir, const char *what,
		      const char *chain, int depth)
{
	char disk[PATH_MAX], link[512], kind[160] = "";
	const char *name = strrchr(dir, '/');
	char *slash;

	if (!need_visit(n, depth) || !name)
		return;
	copy_str(disk, sizeof(disk), dir);
	slash = strrchr(disk, '/');
	if (has_entry(dir, "partition") && slash)
		*slash = '\0';
	if (has_entry(disk, "dm"))
		dm_kind(disk, kind, sizeof(kind));
	else if (has_entry(disk, "md"))
		copy_str(kind, sizeof(kind), "md");
	else if (has_entry(disk, "loop"))
		copy_str(kind, sizeof(kind), "loop");
	chain_add(link, sizeof(link), chain, name + 1, kind);
	if (block_slaves(n, disk, what, link, depth) ||
	    block_nvme_subsys(n, disk, what, link) ||
	    block_loop(n, disk, what, link, depth))
		return;
	need_leaf(n, disk, "%s via %s", what, link);
}

static void block_dev(struct need *n, unsigned int maj, unsigned int min,
		      const char *what, const char *chain, int depth)
{
	char path[PATH_MAX], real[PATH_MAX];

	if (maj && !kpath(path, sizeof(path), "/sys/dev/block/%u:%u", maj, min) &&
	    realpath(path, real))
		block_dir(n, real, what, chain, depth);
}

/* The n-th space-separated field of @line (0 first), cut at @len. */
static int field(const char *line, int nth, char *buf, size_t len)
{
	size_t w;

	while (nth-- > 0) {
		line += strcspn(line, "\n ");
		if (*line != ' ')
			return -1;
		line++;
	}
	w = strcspn(line, "\n ");
	if (!w || w >= len)
		return -1;
	memcpy(buf, line, w);
	buf[w] = '\0';
	return 0;
}

/*
 * /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [TAGS...] - FSTYPE SOURCE SUPEROPTS".  The device number is st_dev of
 * the filesystem; SOURCE, when a block device, says it again (btrfs
 * shows an anonymous device number).  Mount points are printed as the
 * kernel escapes them.
 */
static int mounts_need(struct need *n)
{
	char path[PATH_MAX], mnt[PATH_MAX], src[PATH_MAX], what[PATH_MAX + 64];
	unsigned int maj, min;
	char *line = NULL, *sep;
	size_t cap = 0;
	FILE *f;

	kpath(path, sizeof(path), "/proc/self/mountinfo");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!n->found && getline(&line, &cap, f) > 0) {
		if (field(line, 2, src, sizeof(src)) ||
		    sscanf(src, "%u:%u", &maj, &min) != 2 ||
		    field(line, 4, mnt, sizeof(mnt)))
			continue;
		snprintf(what, sizeof(what), "it backs the filesystem on %s", mnt);
		block_dev(n, maj, min, what, "", 0);
		sep = strstr(line, " - ");
		if (sep && !field(sep + 3, 1, src, sizeof(src)))
			path_dev(n, src, 0, what, "", 0);
	}
	free(line);
	fclose(f);
	return 0;
}

/* The kernel's octal escapes (\040 for a space) of a path, undone. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * /proc/swaps: "Filename Type Size Used Priority", a header first; not
 * there without swap support.
 */
static int swaps_need(struct need *n)
{
	char path[PATH_MAX], file[PATH_MAX], what[PATH_MAX + 32];
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	kpath(path, sizeof(path), "/proc/swaps");
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!n->found && getline(&line, &cap, f) > 0) {
		if (line[0] != '/' || field(line, 0, file, sizeof(file)))
			continue;
		snprintf(what, sizeof(what), "it backs swap %s", file);
		unescape(file);
		path_dev(n, file, 1, what, "", 0);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * Does the host stand on @bdf (or on a device below it)?  1 with @why
 * saying how, else 0.  When what it stands on cannot be read, it is
 * taken to stand on everything: 1, @why saying what could not be read.
 */
int host_needs(const char *bdf, char *why, size_t len)
{
	static const struct {
		const char *file;
		int (*search)(struct need *n);
	} searches[] = {
		{ "/proc/self/mountinfo", mounts_need },
		{ "/proc/swaps", swaps_need },
		{ "the routing tables", routes_need },
	};
	char path[PATH_MAX];
	struct need n = { .flen = 0 };
	unsigned int i;
	int ret;

	if (kpath(path, sizeof(path), SYS_PCI "/%s", bdf) ||
	    !realpath(path, n.fpath))
		return 0;
	n.flen = strlen(n.fpath);
	for (i = 0; i < ARRAY_SIZE(searches) && !n.found; i++) {
		ret = searches[i].search(&n);
		if (ret < 0) {
			snprintf(why, len, "cannot tell whether the host needs it: %s: %s",
				 searches[i].file, strerror(-ret));
			return 1;
		}
	}
	if (n.found)
		copy_str(why, len, n.why);
	return n.found;
}
