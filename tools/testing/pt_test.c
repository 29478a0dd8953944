// SPDX-License-Identifier: GPL-2.0
/*
 * pt_test: a passthru device node used the way a VMM would, inside the
 * test guest, on the kselftest harness (TAP out; exit status 0 when all
 * passed).  One group of tests per call:
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
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "info|uapi BDF | revoke BDF unbind|remove"

/* A hex sysfs attribute; ~0ul when it cannot be read. */
static unsigned long sysfs_hex(const char *bdf, const char *attr)
{
	char path[PATH_MAX], buf[64];
	unsigned long v = ~0ul;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		v = strtoul(buf, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* The IOMMU group number sysfs gives, or -1. */
static long sysfs_group(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	slash = strrchr(target, '/');
	return strtol(slash ? slash + 1 : target, NULL, 10);
}

/* How many BARs sysfs's resource file shows with a size, or -1. */
static int sysfs_bars(const char *bdf)
{
	char path[PATH_MAX], line[256];
	unsigned long long start, end, flags;
	int i, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i < PCI_STD_NUM_BARS && fgets(line, sizeof(line), f); i++)
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start)
			n++;
	fclose(f);
	return n;
}

/* Whether the function has a PCI Express capability, or -1. */
static int is_pcie(const char *bdf)
{
	char path[PATH_MAX];
	unsigned char cfg[PCI_CFG_SPACE_SIZE];
	unsigned int pos;
	int fd, guard = PCI_CFG_SPACE_SIZE / PCI_CAP_SIZEOF;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
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

/* DEVICE_INFO of the function, read once per test. */
FIXTURE(info) {
	const char *bdf;
	struct passthru_device_info info;
};

FIXTURE_SETUP(info)
{
	int fd, err;

	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_test %s", USAGE);
	fd = node_open(self->bdf);
	ASSERT_LE(0, fd) TH_LOG("open the node of %s: %s", self->bdf,
				strerror(errno));
	self->info.size = sizeof(self->info);
	err = info_ioctl(fd, &self->info);
	close(fd);
	ASSERT_EQ(0, err) TH_LOG("DEVICE_INFO: %s", strerror(err));
}

FIXTURE_TEARDOWN(info)
{
}

TEST_F(info, reports_its_size)
{
	EXPECT_EQ(sizeof(self->info), self->info.size);
}

TEST_F(info, ids_match_sysfs)
{
	const char *bdf = self->bdf;

	EXPECT_EQ(sysfs_hex(bdf, "vendor"), self->info.vendor);
	EXPECT_EQ(sysfs_hex(bdf, "device"), self->info.device);
	EXPECT_EQ(sysfs_hex(bdf, "subsystem_vendor"), self->info.subsystem_vendor);
	EXPECT_EQ(sysfs_hex(bdf, "subsystem_device"), self->info.subsystem_device);
}

TEST_F(info, class_and_revision_match_sysfs)
{
	EXPECT_EQ(sysfs_hex(self->bdf, "class"), self->info.class_code);
	EXPECT_EQ(sysfs_hex(self->bdf, "revision"), self->info.revision);
}

TEST_F(info, number_of_bars_matches_sysfs)
{
	EXPECT_EQ(sysfs_bars(self->bdf), (int)self->info.num_bars);
}

TEST_F(info, pcie_or_conventional_matches_the_capability_list)
{
	EXPECT_EQ(is_pcie(self->bdf), !!(self->info.caps & PASSTHRU_DEVICE_PCIE))
		TH_LOG("caps %#x", self->info.caps);
}

TEST_F(info, iommu_group_matches_sysfs)
{
	const struct passthru_device_info *i = &self->info;

	EXPECT_EQ(sysfs_group(self->bdf), (long)i->iommu_group);
	TH_LOG("%s: %04x:%04x sub %04x:%04x class %06x rev %02x, %u BARs, %s, IOMMU group %u",
	       self->bdf, i->vendor, i->device, i->subsystem_vendor,
	       i->subsystem_device, i->class_code, i->revision, i->num_bars,
	       i->caps & PASSTHRU_DEVICE_PCIE ? "PCIe" : "conventional PCI",
	       i->iommu_group);
}

/* The node, open; each test makes one bad call. */
FIXTURE(uapi) {
	const char *bdf;
	int fd;
};

FIXTURE_SETUP(uapi)
{
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_test %s", USAGE);
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
}

FIXTURE_TEARDOWN(uapi)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(uapi, second_open_is_ebusy)
{
	int fd2 = node_open(self->bdf);

	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(EBUSY, errno);
	if (fd2 >= 0)
		close(fd2);
}

TEST_F(uapi, short_struct_is_einval)
{
	struct passthru_device_info info = {
		.size = offsetof(struct passthru_device_info, iommu_group),
	};

	EXPECT_EQ(EINVAL, info_ioctl(self->fd, &info));
}

TEST_F(uapi, size_0_is_einval)
{
	struct passthru_device_info info = { .size = 0 };

	EXPECT_EQ(EINVAL, info_ioctl(self->fd, &info));
}

TEST_F(uapi, unknown_flag_is_einval)
{
	struct passthru_device_info info = {
		.size = sizeof(info), .flags = 1u << 31,
	};

	EXPECT_EQ(EINVAL, info_ioctl(self->fd, &info));
}

TEST_F(uapi, non_zero_reserved_is_einval)
{
	struct passthru_device_info info = {
		.size = sizeof(info), .__reserved = 1,
	};

	EXPECT_EQ(EINVAL, info_ioctl(self->fd, &info));
}

struct info_and_tail {
	struct passthru_device_info info;
	uint64_t tail;
};

TEST_F(uapi, larger_struct_with_non_zero_tail_is_e2big)
{
	struct info_and_tail big = {
		.info.size = sizeof(big), .tail = 1,
	};

	EXPECT_EQ(E2BIG, info_ioctl(self->fd, &big));
}

TEST_F(uapi, larger_struct_with_zero_tail_works_and_reports_the_kernels_size)
{
	struct info_and_tail big = { .info.size = sizeof(big) };

	EXPECT_EQ(0, info_ioctl(self->fd, &big));
	EXPECT_EQ(sizeof(big.info), big.info.size);
	EXPECT_EQ((uint64_t)0, big.tail);
}

TEST_F(uapi, size_above_4096_is_e2big)
{
	static unsigned char huge[8192];

	((struct passthru_device_info *)huge)->size = sizeof(huge);
	EXPECT_EQ(E2BIG, info_ioctl(self->fd, huge));
}

TEST_F(uapi, null_argument_is_efault)
{
	EXPECT_EQ(EFAULT, info_ioctl(self->fd, NULL));
}

TEST_F(uapi, unknown_ioctl_is_enotty)
{
	struct passthru_device_info info = { .size = sizeof(info) };

	EXPECT_EQ(ENOTTY, ioctl(self->fd, _IO(PASSTHRU_TYPE, 0x7f), &info) ?
		  errno : 0);
}

TEST_F(uapi, reopen_after_close_works)
{
	int fd;

	close(self->fd);
	self->fd = -1;
	fd = node_open(self->bdf);
	EXPECT_LE(0, fd) TH_LOG("%s", strerror(errno));
	if (fd >= 0)
		close(fd);
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

FIXTURE(revoke) {
	const char *bdf, *how;
};

FIXTURE_SETUP(revoke)
{
	self->bdf = pt_arg(0, NULL);
	self->how = pt_arg(1, "");
	ASSERT_TRUE(self->bdf && (!strcmp(self->how, "unbind") ||
				  !strcmp(self->how, "remove")))
		TH_LOG("usage: pt_test %s", USAGE);
}

FIXTURE_TEARDOWN(revoke)
{
}

/*
 * One sequence: the function goes away (unbound from passthru or removed
 * from the bus) while a VMM holds its node open.
 */
TEST_F(revoke, the_open_node_gets_enodev_and_pins_the_module)
{
	struct passthru_device_info info = { .size = sizeof(info) };
	char path[PATH_MAX], node[PATH_MAX];
	struct stat st;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", self->bdf);
	EXPECT_EQ(1, read_enable(path)) TH_LOG("the claimed function is enabled");
	fd = node_open(self->bdf);
	ASSERT_LE(0, fd) TH_LOG("open the node: %s", strerror(errno));
	if (!strcmp(self->how, "unbind")) {
		err = write_file("/sys/bus/pci/drivers/passthru/unbind", self->bdf);
		EXPECT_EQ(0, read_enable(path))
			TH_LOG("unbound, the function is left disabled");
	} else {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove",
			 self->bdf);
		err = write_file(path, "1");
	}
	ASSERT_EQ(0, err) TH_LOG("%s while open: %s", self->how, strerror(err));

	EXPECT_EQ(ENODEV, info_ioctl(fd, &info));
	snprintf(node, sizeof(node), "/dev/passthru/%s", self->bdf);
	EXPECT_EQ(-1, stat(node, &st)) TH_LOG("%s still exists", node);
	err = syscall(SYS_delete_module, "passthru", O_NONBLOCK) ? errno : 0;
	EXPECT_TRUE(err == EWOULDBLOCK || err == EBUSY)
		TH_LOG("delete_module with the fd open: %s", strerror(err));
	close(fd);
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
