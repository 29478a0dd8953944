// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs for the passthru command: attributes, links, the PCI functions
 * and their IOMMU groups, and checked PCI addresses.  Every path is built
 * from a validated address or a directory entry of sysfs itself, and a
 * path that does not fit its buffer is no path (never a cut one).  The
 * kernel's files (/sys, /proc, /dev) are read under PASSTHRU_SYSROOT
 * when it is set: scripts/cli-test.sh builds fake trees there.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "passthru.h"

/* Copy @src into @dst of @len bytes, cut if need be. */
void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * The directory that stands for / when the command reads the kernel's
 * files (/sys, /proc, /dev): PASSTHRU_SYSROOT, for the fake trees of
 * scripts/cli-test.sh, or "" (the real ones).
 */
static const char *sys_root(void)
{
	const char *root = getenv("PASSTHRU_SYSROOT");

	return root ? root : "";
}

/* Whether the kernel's files are a fake tree's (no netlink then). */
int fake_root(void)
{
	return sys_root()[0] != '\0';
}

static int vkpath(char *buf, size_t len, const char *fmt, va_list ap)
{
	const char *root = sys_root();
	size_t n = strlen(root);
	int m;

	buf[0] = '\0';
	if (n >= len)
		return -1;
	memcpy(buf, root, n);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	if (m < 0 || (size_t)m >= len - n) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * @fmt, a path of the kernel's files, under the root (sys_root()) in
 * @buf.  Returns 0, or -1 and "" in @buf when it does not fit: a cut
 * path would name another file.
 */
int kpath(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vkpath(buf, len, fmt, ap);
	va_end(ap);
	return ret;
}

/* @dir/@leaf in @buf; 0, or -1 and "" when it does not fit. */
int join(char *buf, size_t len, const char *dir, const char *leaf)
{
	int n = snprintf(buf, len, "%s/%s", dir, leaf);

	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* Whether @dir (a resolved path) has an entry @leaf. */
int has_entry(const char *dir, const char *leaf)
{
	char path[PATH_MAX];

	return !join(path, sizeof(path), dir, leaf) && !access(path, F_OK);
}

/* Read the file @leaf of @dir (a resolved path), as attr_path(). */
char *attr_at(char *buf, size_t len, const char *dir, const char *leaf)
{
	char path[PATH_MAX];

	join(path, sizeof(path), dir, leaf);
	return attr_path(buf, len, path);
}

/* Read the file at @path into @buf, newline stripped; "" if absent. */
char *attr_path(char *buf, size_t len, const char *path)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* Read a sysfs attribute into @buf, newline stripped; "" if absent. */
char *attr(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return attr_path(buf, len, path);
}

/* Whether a file of the kernel's is there (under the root). */
int kexists(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	return !ret && !access(path, F_OK);
}

/* The last path component of a symlink, or "" if none. */
char *link_name(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	va_list ap;
	ssize_t n;
	char *slash;

	va_start(ap, fmt);
	vkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return buf;
	target[n] = '\0';
	slash = strrchr(target, '/');
	copy_str(buf, len, slash ? slash + 1 : target);
	return buf;
}

/*
 * Write @value to a sysfs attribute; 0 or a negative errno.  Truncating,
 * as a shell's ">" does: sysfs ignores it, a fake tree's file holds
 * the last value written.
 */
int write_attr(const char *value, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	n = vkpath(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (n)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* @n hex digits of @s, exactly; their value, or -1. */
static long hex_field(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' :
			      tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return v;
}

/*
 * A PCI address as the user wrote it, DDDD:BB:DD.F or BB:DD.F in hex, to
 * the form of sysfs ("0000:03:00.0") in @bdf (BDF_LEN bytes).  Returns 0,
 * or -1 for anything else: no path is ever built from an unchecked
 * argument.
 */
int parse_bdf(const char *arg, char *bdf)
{
	long dom = 0, bus, dev, fn;
	const char *p = arg;

	if (strlen(arg) == 12) {
		dom = hex_field(p, 4);
		if (dom < 0 || p[4] != ':')
			return -1;
		p += 5;
	} else if (strlen(arg) != 7) {
		return -1;
	}
	bus = hex_field(p, 2);
	dev = hex_field(p + 3, 2);
	fn = hex_field(p + 6, 1);
	if (bus < 0 || p[2] != ':' || dev < 0 || dev > 0x1f || p[5] != '.' ||
	    fn < 0 || fn > 7)
		return -1;
	snprintf(bdf, BDF_LEN, "%04x:%02x:%02x.%x", (unsigned int)dom & 0xffff,
		 (unsigned int)bus & 0xff, (unsigned int)dev & 0x1f,
		 (unsigned int)fn & 7);
	return 0;
}

int exists(const char *bdf)
{
	return kexists(SYS_PCI "/%s", bdf);
}

/*
 * What sysfs says of @bdf.  Every member is set (to "" when sysfs has
 * nothing, e.g. the function went away meanwhile); returns 0, or -1 when
 * the function is not there.
 */
int func_read(struct func *f, const char *bdf)
{
	copy_str(f->bdf, sizeof(f->bdf), bdf);
	attr(f->vendor, sizeof(f->vendor), SYS_PCI "/%s/vendor", bdf);
	attr(f->device, sizeof(f->device), SYS_PCI "/%s/device", bdf);
	attr(f->class, sizeof(f->class), SYS_PCI "/%s/class", bdf);
	link_name(f->driver, sizeof(f->driver), SYS_PCI "/%s/driver", bdf);
	link_name(f->group, sizeof(f->group), SYS_PCI "/%s/iommu_group", bdf);
	attr(f->reset, sizeof(f->reset), SYS_PCI "/%s/reset_method", bdf);
	f->bridge = !strncmp(f->class, "0x0604", 6) ||
		    !strncmp(f->class, "0x0600", 6);
	/* "0x" and four digits, or nothing for a function that went away. */
	if (strlen(f->vendor) != 6 || strlen(f->device) != 6 ||
	    strlen(f->class) != 8) {
		strcpy(f->vendor, "0x????");
		strcpy(f->device, "0x????");
		strcpy(f->class, "0x??????");
		return -1;
	}
	return 0;
}

/* @f's "vendor:device" (IDS_LEN bytes), as a record holds it. */
void func_ids(const struct func *f, char *ids)
{
	snprintf(ids, IDS_LEN, "%.4s:%.4s", f->vendor + 2, f->device + 2);
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * The PCI functions of the host, sorted, however many there are; *@n is
 * set to how many.  free_funcs() frees them.  NULL when out of memory.
 */
char **list_funcs(int *n)
{
	char **names = NULL, **more, path[PATH_MAX];
	struct dirent *e;
	int cap = 0;
	DIR *d;

	kpath(path, sizeof(path), SYS_PCI);
	d = opendir(path);
	*n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			more = realloc(names, cap * sizeof(*names));
			if (!more)
				goto fail;
			names = more;
		}
		names[*n] = strdup(e->d_name);
		if (!names[*n])
			goto fail;
		(*n)++;
	}
	if (d)
		closedir(d);
	if (names)
		qsort(names, *n, sizeof(*names), bdf_cmp);
	return names ? names : calloc(1, sizeof(*names));
fail:
	closedir(d);
	free_funcs(names, *n);
	*n = 0;
	return NULL;
}

void free_funcs(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Why a group cannot go to a VM: the first member that is not a bridge
 * and has a driver other than passthru.  Returns 1 and fills @who, @drv.
 */
int group_blocker(const char *group, const char *except, char *who,
		  char *drv, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct func f;
	DIR *d;
	int found = 0;

	kpath(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", group);
	d = opendir(path);
	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, except))
			continue;
		func_read(&f, e->d_name);
		if (f.bridge || !f.driver[0] || !strcmp(f.driver, "passthru"))
			continue;
		copy_str(who, len, f.bdf);
		copy_str(drv, len, f.driver);
		found = 1;
	}
	if (d)
		closedir(d);
	return found;
}

/* The entries of a directory of the kernel's (a path under the root). */
int count_dir(const char *kernel_path)
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d;

	kpath(path, sizeof(path), "%s", kernel_path);
	d = opendir(path);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* Whether a file of the kernel's (under the root) has @needle in a line. */
int file_has(const char *kernel_path, const char *needle)
{
	char line[4096], path[PATH_MAX];
	int found = 0;
	FILE *f;

	kpath(path, sizeof(path), "%s", kernel_path);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = !!strstr(line, needle);
	if (f)
		fclose(f);
	return found;
}

#define PCI_CFG_SIZE 256
/* The most capabilities past the header: a loop in the list ends there. */
#define MAX_CAPS ((PCI_CFG_SIZE - PCI_STD_HEADER_SIZEOF) / 4)

/* The first config capability @id of @bdf, from sysfs; 0 if none. */
int has_cap(const char *bdf, int id)
{
	unsigned char cfg[PCI_CFG_SIZE];
	char path[PATH_MAX];
	int fd, pos, guard = MAX_CAPS;
	ssize_t n;

	kpath(path, sizeof(path), SYS_PCI "/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? 0 : read(fd, cfg, sizeof(cfg));
	if (fd >= 0)
		close(fd);
	if (n < PCI_STD_HEADER_SIZEOF || !(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	for (pos = cfg[PCI_CAPABILITY_LIST] & ~3;
	     pos >= PCI_STD_HEADER_SIZEOF && pos < n - 1 && guard--;
	     pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3)
		if (cfg[pos + PCI_CAP_LIST_ID] == id)
			return pos;
	return 0;
}
