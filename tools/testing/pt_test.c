// SPDX-License-Identifier: GPL-2.0
/*
 * pt_test: exercises a passthru device node the way a VMM would, inside
 * the test guest.  Prints one line per check, "ok - NAME" or
 * "not ok - NAME: why", and exits 1 if any check failed.
 *
 *   pt_test info BDF          DEVICE_INFO against what sysfs says
 *   pt_test uapi BDF          exclusive open and argument validation
 *   pt_test revoke BDF HOW    the function goes away while its node is
 *                             open (HOW: unbind or remove); the fd gets
 *                             ENODEV and the module cannot be unloaded
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "pt_util.h"

static unsigned long sysfs_hex(const char *bdf, const char *attr)
{
	char path[PATH_MAX], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		die(path);
	fclose(f);
	return strtoul(buf, NULL, 16);
}

static long sysfs_group(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		die(path);
	target[n] = '\0';
	slash = strrchr(target, '/');
	return strtol(slash ? slash + 1 : target, NULL, 10);
}

static int sysfs_bars(const char *bdf)
{
	char path[PATH_MAX], line[256];
	unsigned long long start, end, flags;
	int i, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		die(path);
	for (i = 0; i < 6 && fgets(line, sizeof(line), f); i++)
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start)
			n++;
	fclose(f);
	return n;
}

static int is_pcie(const char *bdf)
{
	char path[PATH_MAX];
	unsigned char cfg[256];
	unsigned int pos;
	int fd, guard = 48;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n < PCI_STD_HEADER_SIZEOF || !(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	for (pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	     pos && pos < (unsigned int)n - 1 && guard--;
	     pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3u)
		if (cfg[pos + PCI_CAP_LIST_ID] == PCI_CAP_ID_EXP)
			return 1;
	return 0;
}

static int info_ioctl(int fd, void *arg)
{
	return ioctl(fd, PASSTHRU_DEVICE_INFO, arg) ? errno : 0;
}

static int cmd_info(const char *bdf)
{
	struct passthru_device_info info = { .size = sizeof(info) };
	int fd, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	err = info_ioctl(fd, &info);
	check(err == 0, "info: DEVICE_INFO succeeds", "%s", strerror(err));
	check(info.size == sizeof(info), "info: size reported",
	      "%u", info.size);
	check(info.vendor == sysfs_hex(bdf, "vendor"), "info: vendor",
	      "%#x", info.vendor);
	check(info.device == sysfs_hex(bdf, "device"), "info: device",
	      "%#x", info.device);
	check(info.subsystem_vendor == sysfs_hex(bdf, "subsystem_vendor"),
	      "info: subsystem vendor", "%#x", info.subsystem_vendor);
	check(info.subsystem_device == sysfs_hex(bdf, "subsystem_device"),
	      "info: subsystem device", "%#x", info.subsystem_device);
	check(info.class_code == sysfs_hex(bdf, "class"), "info: class",
	      "%#x", info.class_code);
	check(info.revision == sysfs_hex(bdf, "revision"), "info: revision",
	      "%#x", info.revision);
	check(info.num_bars == sysfs_bars(bdf), "info: number of BARs",
	      "%u, sysfs %d", info.num_bars, sysfs_bars(bdf));
	check(!!(info.caps & PASSTHRU_DEVICE_PCIE) == is_pcie(bdf),
	      "info: PCIe or conventional", "caps %#x", info.caps);
	check(info.iommu_group == sysfs_group(bdf), "info: IOMMU group",
	      "%u, sysfs %ld", info.iommu_group, sysfs_group(bdf));
	printf("# %s: %04x:%04x sub %04x:%04x class %06x rev %02x, %u BARs, %s, IOMMU group %u\n",
	       bdf, info.vendor, info.device, info.subsystem_vendor,
	       info.subsystem_device, info.class_code, info.revision,
	       info.num_bars, info.caps & PASSTHRU_DEVICE_PCIE ? "PCIe" :
	       "conventional PCI", info.iommu_group);
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_uapi(const char *bdf)
{
	struct passthru_device_info info;
	struct {
		struct passthru_device_info info;
		uint64_t tail;
	} big;
	static unsigned char huge[8192];
	int fd, fd2, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	fd2 = node_open(bdf);
	check(fd2 < 0 && errno == EBUSY, "uapi: second open is EBUSY",
	      "fd %d, %s", fd2, strerror(errno));
	if (fd2 >= 0)
		close(fd2);

	memset(&info, 0, sizeof(info));
	info.size = offsetof(struct passthru_device_info, iommu_group);
	err = info_ioctl(fd, &info);
	check(err == EINVAL, "uapi: short struct is EINVAL", "%s", strerror(err));

	memset(&info, 0, sizeof(info));
	info.size = 0;
	err = info_ioctl(fd, &info);
	check(err == EINVAL, "uapi: size 0 is EINVAL", "%s", strerror(err));

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.flags = 1u << 31;
	err = info_ioctl(fd, &info);
	check(err == EINVAL, "uapi: unknown flag is EINVAL", "%s", strerror(err));

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.__reserved = 1;
	err = info_ioctl(fd, &info);
	check(err == EINVAL, "uapi: non-zero reserved is EINVAL",
	      "%s", strerror(err));

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	big.tail = 1;
	err = info_ioctl(fd, &big);
	check(err == E2BIG, "uapi: larger struct, non-zero tail is E2BIG",
	      "%s", strerror(err));

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	big.tail = 0;
	err = info_ioctl(fd, &big);
	check(err == 0 && big.info.size == sizeof(big.info) && big.tail == 0,
	      "uapi: larger struct, zero tail works and reports the kernel's size",
	      "%s, size %u", strerror(err), big.info.size);

	memset(huge, 0, sizeof(huge));
	((struct passthru_device_info *)huge)->size = sizeof(huge);
	err = info_ioctl(fd, huge);
	check(err == E2BIG, "uapi: size above 4096 is E2BIG", "%s",
	      strerror(err));

	err = info_ioctl(fd, NULL);
	check(err == EFAULT, "uapi: NULL argument is EFAULT", "%s",
	      strerror(err));

	err = ioctl(fd, _IO(PASSTHRU_TYPE, 0x7f), &info) ? errno : 0;
	check(err == ENOTTY, "uapi: unknown ioctl is ENOTTY", "%s",
	      strerror(err));

	close(fd);
	fd = node_open(bdf);
	check(fd >= 0, "uapi: reopen after close works", "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return failures ? 1 : 0;
}

/* The PCI core's enable count of a function (its sysfs "enable"). */
static int read_enable(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = -1;

	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

static int cmd_revoke(const char *bdf, const char *how)
{
	struct passthru_device_info info = { .size = sizeof(info) };
	char path[PATH_MAX], node[PATH_MAX];
	struct stat st;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	check(read_enable(path) == 1, "revoke: the claimed function is enabled",
	      "%s reads %d", path, read_enable(path));
	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	if (!strcmp(how, "unbind")) {
		err = write_file("/sys/bus/pci/drivers/passthru/unbind", bdf);
		check(read_enable(path) == 0,
		      "revoke: unbound, the function is left disabled",
		      "%s reads %d", path, read_enable(path));
	} else {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
		err = write_file(path, "1");
	}
	check(err == 0, "revoke: the function goes away while open",
	      "%s: %s", how, strerror(err));

	err = info_ioctl(fd, &info);
	check(err == ENODEV, "revoke: ioctl after revocation is ENODEV",
	      "%s", strerror(err));
	snprintf(node, sizeof(node), "/dev/passthru/%s", bdf);
	check(stat(node, &st) < 0 && errno == ENOENT,
	      "revoke: the node is gone", "%s still exists", node);
	err = syscall(SYS_delete_module, "passthru", O_NONBLOCK) ? errno : 0;
	check(err == EWOULDBLOCK || err == EBUSY,
	      "revoke: module cannot be unloaded while the fd is open",
	      "delete_module: %s", strerror(err));
	if (!err)
		return 1;
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "info"))
		return cmd_info(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "uapi"))
		return cmd_uapi(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "revoke") &&
	    (!strcmp(argv[3], "unbind") || !strcmp(argv[3], "remove")))
		return cmd_revoke(argv[2], argv[3]);
	fprintf(stderr, "usage: pt_test info|uapi BDF | revoke BDF unbind|remove\n");
	return 2;
}
