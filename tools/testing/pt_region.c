// SPDX-License-Identifier: GPL-2.0
/*
 * pt_region: a device's regions through passthru, as a VMM uses them:
 * PASSTHRU_REGION_INFO, pread()/pwrite() and mmap() of BARs, config
 * space.  On the kselftest harness (TAP out; exit status 0 when all
 * passed), one group of tests per call:
 *
 *   pt_region edu BDF       edu: identification, liveness and factorial
 *                           registers, by pread/pwrite and by mmap; range
 *                           rules; EIO and SIGBUS with memory decode off;
 *                           SIGBUS after the function is unbound (it is
 *                           claimed again)
 *   pt_region testdev BDF   pci-testdev: its memory and I/O BARs, written
 *                           and read back by its own test protocol
 *   pt_region msix BDF      a function with MSI-X (nvme): the table reads
 *                           as all ones and its page cannot be mapped;
 *                           PCIe device control cannot start an FLR
 *   pt_region nvme BDF      nvme, unbound: CAP and VS of BAR0 through
 *                           sysfs resource0, then bound to passthru: the
 *                           same registers through a passthru mapping;
 *                           the function is left unbound as found
 *   pt_region config BDF    edu's virtual config space: IDs, BAR sizing
 *                           that never moves the real BAR, command register
 *                           (memory decode off revokes the mapping),
 *                           INTx-disable and MSI kept virtual, a fresh
 *                           start at each open
 */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "edu|config|testdev|msix|nvme BDF"

#define PG 4096UL
#define BAR(n) PASSTHRU_REGION_OFFSET(n)
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)

/*
 * Closing the node of a function with a reset method resets it, binding
 * and unbinding too: seconds on a debug kernel.
 */
#define RESET_TIMEOUT 120

/* QEMU's edu: BAR0 and its registers. */
#define EDU_BAR0_SIZE 0x100000u	/* 1 MiB */
#define EDU_ID 0x00		/* reads 0x010000ed */
#define EDU_ID_VALUE 0x010000edu
#define EDU_LIVENESS 0x04	/* reads the inverse of what was written */
#define EDU_FACTORIAL 0x08	/* write n, read n! */
#define EDU_STATUS 0x20
#define EDU_STATUS_COMPUTING 0x01

/* QEMU's pci-testdev: the header of each BAR. */
#define TESTDEV_TEST 0		/* u8: select a test */
#define TESTDEV_WIDTH 1		/* u8: the width of its write */
#define TESTDEV_OFFSET 4	/* u32: where it is written */
#define TESTDEV_DATA 8		/* u8: what is written */
#define TESTDEV_COUNT 12	/* u32: writes seen */
#define TESTDEV_NAME 16		/* the test's name */

static int region_info(int fd, unsigned int index,
		       struct passthru_region_info *info,
		       struct passthru_region_area *areas, unsigned int n)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = index;
	info->num_areas = n;
	info->areas = (uintptr_t)areas;
	return pt_ioctl(fd, PASSTHRU_REGION_INFO, info);
}

/* 0 when all @len bytes moved, else the errno (EIO for a short count). */
static int rd(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : n < 0 ? errno : EIO;
}

static int wr(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n = pwrite(fd, buf, len, off);

	return n == (ssize_t)len ? 0 : n < 0 ? errno : EIO;
}

static int rd32(int fd, uint64_t off, uint32_t *v)
{
	return rd(fd, v, 4, off);
}

static int wr32(int fd, uint64_t off, uint32_t v)
{
	return wr(fd, &v, 4, off);
}

/* The errno of a pread() of 4 bytes, 0 when it returned a count. */
static int pread_errno(int fd, uint64_t off)
{
	uint32_t v;

	return pread(fd, &v, 4, off) < 0 ? errno : 0;
}

static uint32_t mmio_rd32(uint8_t *p, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(p + off), __ATOMIC_RELAXED);
}

static void mmio_wr32(uint8_t *p, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(p + off), v, __ATOMIC_RELAXED);
}

/* The errno of an mmap() of @fd, 0 when it worked (it is undone). */
static int mmap_errno(int fd, size_t len, int prot, int flags, uint64_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

/* The function's config space as the host has it (sysfs): @len bytes. */
static int sysfs_cfg(const char *bdf, unsigned int off, void *buf, size_t len)
{
	char path[PATH_MAX];
	int fd, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	err = rd(fd, buf, len, off);
	close(fd);
	return err;
}

/* A dword of that; the test fails when it cannot be read. */
static uint32_t sysfs_cfg32(struct __test_metadata *_metadata, const char *bdf,
			    unsigned int off)
{
	uint32_t v = 0;
	int err = sysfs_cfg(bdf, off, &v, 4);

	ASSERT_EQ(0, err) TH_LOG("sysfs config of %s at %#x: %s", bdf, off,
				 strerror(err));
	return v;
}

/* Set or clear memory decode behind passthru's back, as the host can. */
static int set_decode(const char *bdf, int on)
{
	char path[PATH_MAX];
	uint16_t cmd = 0;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return errno;
	err = rd(fd, &cmd, 2, PCI_COMMAND);
	if (on)
		cmd |= PCI_COMMAND_MEMORY;
	else
		cmd &= ~PCI_COMMAND_MEMORY;
	err = err ?: wr(fd, &cmd, 2, PCI_COMMAND);
	close(fd);
	return err;
}

/* Does reading @p in a child process die of SIGBUS? */
static int child_sigbus(uint8_t *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		(void)mmio_rd32(p, 0);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
}

/* The function named by the first argument, its node opened in *@fd. */
static void open_arg0(struct __test_metadata *_metadata, const char **bdf,
		      int *fd)
{
	*fd = -1;
	*bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, *bdf) TH_LOG("usage: pt_region %s", USAGE);
	*fd = node_open(*bdf);
	ASSERT_LE(0, *fd) TH_LOG("open the node of %s: %s", *bdf,
				 strerror(errno));
}

/* The node, open; a test maps BAR0, turns decode off or unbinds. */
FIXTURE(edu) {
	const char *bdf;
	int fd;
	uint8_t *map;
	size_t map_len;
	bool decode_off;	/* memory decode cleared through sysfs */
	bool unbound;		/* unbound from passthru, not claimed again */
};

FIXTURE_SETUP(edu)
{
	open_arg0(_metadata, &self->bdf, &self->fd);
}

FIXTURE_TEARDOWN(edu)
{
	if (self->decode_off && set_decode(self->bdf, 1))
		TH_LOG("could not turn memory decode of %s back on", self->bdf);
	if (self->map)
		munmap(self->map, self->map_len);
	if (self->fd >= 0)
		close(self->fd);
	if (self->unbound &&
	    write_file("/sys/bus/pci/drivers_probe", self->bdf))
		TH_LOG("could not have %s claimed again", self->bdf);
}

/* @len bytes of BAR0, mapped; the test fails if they cannot be. */
static uint8_t *bar0_map(struct __test_metadata *_metadata, int fd,
			 size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       BAR(0));

	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap BAR0: %s", strerror(errno));
	return p;
}

TEST_F(edu, bar0_is_1_mib_read_write_mmap_in_one_area)
{
	const uint32_t rwm = PASSTHRU_REGION_READ | PASSTHRU_REGION_WRITE |
			     PASSTHRU_REGION_MMAP;
	struct passthru_region_area areas[4];
	struct passthru_region_info info;
	int err;

	err = region_info(self->fd, 0, &info, areas, ARRAY_SIZE(areas));
	ASSERT_EQ(0, err) TH_LOG("REGION_INFO of BAR0: %s", strerror(err));
	EXPECT_EQ((uint64_t)EDU_BAR0_SIZE, info.region_size);
	EXPECT_EQ(BAR(0), info.offset);
	EXPECT_EQ(rwm, info.caps & (rwm | PASSTHRU_REGION_IO))
		TH_LOG("caps %#x", info.caps);
	EXPECT_EQ(1u, info.num_areas) TH_LOG("one mappable area, all of it");
	EXPECT_EQ((uint64_t)0, areas[0].offset);
	EXPECT_EQ((uint64_t)EDU_BAR0_SIZE, areas[0].size);
}

TEST_F(edu, an_unimplemented_bar_has_no_caps)
{
	struct passthru_region_info info;

	EXPECT_EQ(0, region_info(self->fd, 1, &info, NULL, 0));
	EXPECT_EQ(0u, info.caps);
	EXPECT_EQ((uint64_t)0, info.region_size);
}

TEST_F(edu, region_info_of_an_index_past_the_last_is_einval)
{
	struct passthru_region_info info;

	EXPECT_EQ(EINVAL, region_info(self->fd, PASSTHRU_NUM_REGIONS, &info,
				      NULL, 0));
}

TEST_F(edu, pread_reads_the_identification_register)
{
	uint32_t v = 0;

	EXPECT_EQ(0, rd32(self->fd, BAR(0) + EDU_ID, &v));
	EXPECT_EQ(EDU_ID_VALUE, v);
}

TEST_F(edu, pwrite_and_pread_see_the_liveness_register_invert)
{
	uint32_t v = 0, x = 0x12345678;

	ASSERT_EQ(0, wr32(self->fd, BAR(0) + EDU_LIVENESS, x));
	EXPECT_EQ(0, rd32(self->fd, BAR(0) + EDU_LIVENESS, &v));
	EXPECT_EQ(~x, v);
}

TEST_F(edu, pwrite_and_pread_have_it_compute_5_factorial)
{
	uint32_t v = 0;
	int err, i;

	err = wr32(self->fd, BAR(0) + EDU_FACTORIAL, 5);
	for (i = 0; !err && i < 100; i++) {
		err = rd32(self->fd, BAR(0) + EDU_STATUS, &v);
		if (!(v & EDU_STATUS_COMPUTING))
			break;
		usleep(1000);
	}
	err = err ?: rd32(self->fd, BAR(0) + EDU_FACTORIAL, &v);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(120u, v);
}

TEST_F(edu, pread_past_the_end_of_a_bar_is_einval)
{
	EXPECT_EQ(EINVAL, pread_errno(self->fd, BAR(0) + EDU_BAR0_SIZE));
}

TEST_F(edu, pread_of_a_bar_that_does_not_exist_is_einval)
{
	EXPECT_EQ(EINVAL, pread_errno(self->fd, BAR(1)));
}

TEST_F(edu, pread_at_an_offset_past_every_region_is_einval)
{
	EXPECT_EQ(EINVAL, pread_errno(self->fd, BAR(PASSTHRU_NUM_REGIONS + 1)));
}

TEST_F(edu, mmap_private_is_einval)
{
	EXPECT_EQ(EINVAL, mmap_errno(self->fd, EDU_BAR0_SIZE,
				     PROT_READ | PROT_WRITE, MAP_PRIVATE,
				     BAR(0)));
}

TEST_F(edu, mmap_beyond_the_bar_is_einval)
{
	EXPECT_EQ(EINVAL, mmap_errno(self->fd, 2 * EDU_BAR0_SIZE,
				     PROT_READ | PROT_WRITE, MAP_SHARED,
				     BAR(0)));
}

TEST_F(edu, mmap_reads_the_identification_register)
{
	self->map_len = EDU_BAR0_SIZE;
	self->map = bar0_map(_metadata, self->fd, self->map_len);
	EXPECT_EQ(EDU_ID_VALUE, mmio_rd32(self->map, EDU_ID));
}

TEST_F(edu, mmap_sees_the_liveness_register_invert)
{
	uint32_t x = 0x12345678;

	self->map_len = EDU_BAR0_SIZE;
	self->map = bar0_map(_metadata, self->fd, self->map_len);
	mmio_wr32(self->map, EDU_LIVENESS, x);
	EXPECT_EQ(~x, mmio_rd32(self->map, EDU_LIVENESS));
}

/*
 * One sequence: memory decode off (behind passthru's back, as the host
 * can) refuses pread, and a fault on a mapped page gets SIGBUS; back on,
 * the mapping works again.
 */
TEST_F(edu, decode_off_makes_pread_eio_and_faults_sigbus_until_it_is_on)
{
	uint32_t v;
	int err;

	self->map_len = 4 * PG;
	self->map = bar0_map(_metadata, self->fd, self->map_len);
	self->decode_off = true;
	err = set_decode(self->bdf, 0);
	ASSERT_EQ(0, err) TH_LOG("clear memory decode: %s", strerror(err));
	EXPECT_EQ(EIO, rd32(self->fd, BAR(0), &v)) TH_LOG("decode off: pread");
	EXPECT_TRUE(child_sigbus(self->map + 2 * PG))
		TH_LOG("decode off: a fault on a mapped page is SIGBUS");
	err = set_decode(self->bdf, 1);
	ASSERT_EQ(0, err) TH_LOG("set memory decode: %s", strerror(err));
	self->decode_off = false;
	EXPECT_FALSE(child_sigbus(self->map + 2 * PG))
		TH_LOG("decode on: the mapping works again");
	EXPECT_EQ(EDU_ID_VALUE, mmio_rd32(self->map, EDU_ID));
}

/*
 * One sequence: unbinding zaps the mapping (even pages this process had
 * touched get SIGBUS) and the node answers ENODEV; probing again claims
 * the function again.
 */
TEST_F(edu, unbind_revokes_the_mapping_and_the_function_is_claimed_again)
{
	char path[PATH_MAX];
	uint32_t v;
	int err;

	self->map_len = EDU_BAR0_SIZE;
	self->map = bar0_map(_metadata, self->fd, self->map_len);
	(void)mmio_rd32(self->map, 0);
	(void)mmio_rd32(self->map, 3 * PG);
	self->unbound = true;
	err = write_file("/sys/bus/pci/drivers/passthru/unbind", self->bdf);
	ASSERT_EQ(0, err) TH_LOG("unbind: %s", strerror(err));
	EXPECT_TRUE(pt_self_sigbus(self->map) &&
		    pt_self_sigbus(self->map + 3 * PG))
		TH_LOG("unbind: pages this process had mapped are revoked (SIGBUS)");
	EXPECT_EQ(ENODEV, rd32(self->fd, BAR(0), &v)) TH_LOG("unbind: pread");
	munmap(self->map, self->map_len);
	self->map = NULL;
	close(self->fd);
	self->fd = -1;
	err = write_file("/sys/bus/pci/drivers_probe", self->bdf);
	EXPECT_EQ(0, err) TH_LOG("drivers_probe: %s", strerror(err));
	self->unbound = false;
	snprintf(path, sizeof(path), "/dev/passthru/%s", self->bdf);
	EXPECT_EQ(0, access(path, F_OK)) TH_LOG("the function is claimed again");
}

/* The node, open, and which BAR is pci-testdev's memory one and I/O one. */
FIXTURE(testdev) {
	const char *bdf;
	int fd;
	unsigned int mem, io;	/* PCI_STD_NUM_BARS: not found */
};

FIXTURE_SETUP(testdev)
{
	struct passthru_region_info info;
	unsigned int i;

	self->fd = -1;
	self->mem = PCI_STD_NUM_BARS;
	self->io = PCI_STD_NUM_BARS;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_region %s", USAGE);
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
	for (i = 0; i < 2; i++) {
		int err = region_info(self->fd, i, &info, NULL, 0);

		if (!err && info.caps & PASSTHRU_REGION_IO)
			self->io = i;
		else if (!err && info.caps)
			self->mem = i;
	}
}

FIXTURE_TEARDOWN(testdev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The tests that use the BARs need both found. */
static void assert_bars(struct __test_metadata *_metadata, unsigned int mem,
			unsigned int io)
{
	ASSERT_TRUE(mem < 2 && io < 2)
		TH_LOG("one memory and one I/O BAR: mem %u io %u", mem, io);
}

/*
 * One sequence on BAR @index: select test 0 and read its header, read 3
 * unaligned bytes of its name, write its data at its offset.
 */
static void testdev_protocol(struct __test_metadata *_metadata, int fd,
			     unsigned int index, const char *what)
{
	uint64_t bar = BAR(index);
	uint32_t off = 0, count0 = 0, count1 = 0, data32;
	uint8_t width = 0, data = 0, sel = 0;
	char name[32] = "", part[4] = "";
	int err;

	err = wr(fd, &sel, 1, bar + TESTDEV_TEST);
	err = err ?: rd(fd, &width, 1, bar + TESTDEV_WIDTH);
	err = err ?: rd32(fd, bar + TESTDEV_OFFSET, &off);
	err = err ?: rd(fd, &data, 1, bar + TESTDEV_DATA);
	err = err ?: rd32(fd, bar + TESTDEV_COUNT, &count0);
	err = err ?: (pread(fd, name, sizeof(name) - 1, bar + TESTDEV_NAME) > 0 ?
		      0 : errno);
	ASSERT_EQ(0, err) TH_LOG("%s BAR%u header reads: %s", what, index,
				 strerror(err));
	TH_LOG("%s BAR%u: test \"%s\", width %u", what, index, name, width);
	EXPECT_NE(NULL, strstr(name, "eventfd"))
		TH_LOG("%s BAR%u: test \"%s\"", what, index, name);

	err = rd(fd, part, 3, bar + TESTDEV_NAME + 1);
	EXPECT_EQ(0, err) TH_LOG("%s BAR%u: 3 unaligned bytes: %s", what, index,
				 strerror(err));
	EXPECT_EQ(0, memcmp(part, name + 1, 3))
		TH_LOG("%s BAR%u: 3 unaligned bytes are split and land in order: \"%s\"",
		       what, index, part);

	ASSERT_TRUE(width == 1 || width == 2 || width == 4)
		TH_LOG("%s BAR%u: width %u", what, index, width);
	data32 = data;
	err = pwrite(fd, &data32, width, bar + off) > 0 ? 0 : errno;
	err = err ?: rd32(fd, bar + TESTDEV_COUNT, &count1);
	EXPECT_EQ(0, err) TH_LOG("%s BAR%u write at the test offset: %s", what,
				 index, strerror(err));
	EXPECT_EQ(count0 + 1, count1)
		TH_LOG("%s BAR%u write at the test offset is counted", what, index);
}

TEST_F(testdev, has_one_memory_and_one_io_bar)
{
	EXPECT_TRUE(self->mem < 2 && self->io < 2)
		TH_LOG("mem %u io %u", self->mem, self->io);
}

TEST_F(testdev, the_io_bar_is_not_mappable)
{
	struct passthru_region_info info;

	assert_bars(_metadata, self->mem, self->io);
	EXPECT_EQ(0, region_info(self->fd, self->io, &info, NULL, 0));
	EXPECT_FALSE(!!(info.caps & PASSTHRU_REGION_MMAP))
		TH_LOG("caps %#x", info.caps);
	EXPECT_NE((uint64_t)0, info.region_size);
}

TEST_F(testdev, mmap_of_the_io_bar_is_einval)
{
	assert_bars(_metadata, self->mem, self->io);
	EXPECT_EQ(EINVAL, mmap_errno(self->fd, PG, PROT_READ, MAP_SHARED,
				     BAR(self->io)));
}

TEST_F(testdev, the_memory_bar_speaks_the_test_protocol)
{
	assert_bars(_metadata, self->mem, self->io);
	testdev_protocol(_metadata, self->fd, self->mem, "memory");
}

TEST_F(testdev, the_io_bar_speaks_the_test_protocol)
{
	assert_bars(_metadata, self->mem, self->io);
	testdev_protocol(_metadata, self->fd, self->io, "I/O");
}

/* edu's node, open; its virtual config space starts afresh at each open. */
FIXTURE(config) {
	const char *bdf;
	int fd;
	uint8_t *map;
	bool decode_off;	/* memory decode cleared through the node */
};

FIXTURE_SETUP(config)
{
	open_arg0(_metadata, &self->bdf, &self->fd);
}

FIXTURE_TEARDOWN(config)
{
	uint16_t cmd;

	if (self->decode_off && self->fd >= 0 &&
	    !rd(self->fd, &cmd, 2, CFG + PCI_COMMAND)) {
		cmd |= PCI_COMMAND_MEMORY;
		if (wr(self->fd, &cmd, 2, CFG + PCI_COMMAND))
			TH_LOG("could not turn memory decode back on");
	}
	if (self->map)
		munmap(self->map, 4 * PG);
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(config, the_region_is_256_or_4096_bytes_and_not_mappable)
{
	struct passthru_region_info info;

	EXPECT_EQ(0, region_info(self->fd, PASSTHRU_REGION_CONFIG, &info, NULL,
				 0));
	EXPECT_TRUE(info.region_size == PCI_CFG_SPACE_SIZE ||
		    info.region_size == PCI_CFG_SPACE_EXP_SIZE)
		TH_LOG("%llu bytes", (unsigned long long)info.region_size);
	EXPECT_FALSE(!!(info.caps & PASSTHRU_REGION_MMAP))
		TH_LOG("caps %#x", info.caps);
}

TEST_F(config, vendor_and_device_ids_are_the_devices)
{
	uint32_t v = 0;

	EXPECT_EQ(0, rd32(self->fd, CFG + PCI_VENDOR_ID, &v));
	EXPECT_EQ(sysfs_cfg32(_metadata, self->bdf, PCI_VENDOR_ID), v);
}

TEST_F(config, class_and_revision_are_the_devices)
{
	uint32_t v = 0;

	EXPECT_EQ(0, rd32(self->fd, CFG + PCI_CLASS_REVISION, &v));
	EXPECT_EQ(sysfs_cfg32(_metadata, self->bdf, PCI_CLASS_REVISION), v);
}

TEST_F(config, writing_the_ids_changes_nothing)
{
	uint32_t v = 0;
	int err;

	err = wr32(self->fd, CFG + PCI_VENDOR_ID, 0xdeadbeef);
	err = err ?: rd32(self->fd, CFG + PCI_VENDOR_ID, &v);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(sysfs_cfg32(_metadata, self->bdf, PCI_VENDOR_ID), v);
}

/*
 * One sequence: BAR0 sized with all ones gives 1 MiB and keeps its flag
 * bits, the real BAR0 does not move, and BAR0 takes its value back.
 */
TEST_F(config, bar0_sizes_as_1_mib_leaving_the_real_bar_and_takes_its_value_back)
{
	uint32_t v = 0, bar0 = 0, real_bar0;
	int err;

	real_bar0 = sysfs_cfg32(_metadata, self->bdf, PCI_BASE_ADDRESS_0);
	err = rd32(self->fd, CFG + PCI_BASE_ADDRESS_0, &bar0);
	err = err ?: wr32(self->fd, CFG + PCI_BASE_ADDRESS_0, 0xffffffff);
	err = err ?: rd32(self->fd, CFG + PCI_BASE_ADDRESS_0, &v);
	ASSERT_EQ(0, err) TH_LOG("size BAR0: %s", strerror(err));
	EXPECT_EQ(~(EDU_BAR0_SIZE - 1), (uint32_t)(v & PCI_BASE_ADDRESS_MEM_MASK))
		TH_LOG("BAR0 sizing with all ones gives 1 MiB: %#x", v);
	EXPECT_EQ(bar0 & ~PCI_BASE_ADDRESS_MEM_MASK, v & ~PCI_BASE_ADDRESS_MEM_MASK);
	EXPECT_EQ(real_bar0, sysfs_cfg32(_metadata, self->bdf, PCI_BASE_ADDRESS_0))
		TH_LOG("the real BAR0 did not move");
	err = wr32(self->fd, CFG + PCI_BASE_ADDRESS_0, bar0);
	err = err ?: rd32(self->fd, CFG + PCI_BASE_ADDRESS_0, &v);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(bar0, v) TH_LOG("BAR0 takes its value back");
}

TEST_F(config, an_unimplemented_bar_sizes_as_0)
{
	uint32_t v = ~0u;
	int err;

	err = wr32(self->fd, CFG + PCI_BASE_ADDRESS_1, 0xffffffff);
	err = err ?: rd32(self->fd, CFG + PCI_BASE_ADDRESS_1, &v);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(0u, v);
}

/*
 * One sequence: memory decode cleared through the command register reaches
 * the device, zaps the page this process had mapped (SIGBUS) and makes
 * pread EIO; set again, the mapping works again.
 */
TEST_F(config, clearing_memory_decode_revokes_the_mapping_until_it_is_set)
{
	uint16_t cmd;
	uint32_t v;
	int err;

	self->map = bar0_map(_metadata, self->fd, 4 * PG);
	(void)mmio_rd32(self->map, 0);
	ASSERT_EQ(0, rd(self->fd, &cmd, 2, CFG + PCI_COMMAND));
	cmd &= ~PCI_COMMAND_MEMORY;
	self->decode_off = true;
	err = wr(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	ASSERT_EQ(0, err) TH_LOG("clear memory decode: %s", strerror(err));
	EXPECT_FALSE(!!(sysfs_cfg32(_metadata, self->bdf, PCI_COMMAND) &
		       PCI_COMMAND_MEMORY))
		TH_LOG("clearing memory decode reaches the device");
	EXPECT_TRUE(pt_self_sigbus(self->map))
		TH_LOG("decode off zaps the page this process had mapped (SIGBUS)");
	EXPECT_EQ(EIO, rd32(self->fd, BAR(0), &v))
		TH_LOG("decode off makes pread EIO");
	cmd |= PCI_COMMAND_MEMORY;
	err = wr(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	ASSERT_EQ(0, err) TH_LOG("set memory decode: %s", strerror(err));
	self->decode_off = false;
	EXPECT_FALSE(pt_self_sigbus(self->map))
		TH_LOG("decode back on, the mapping works again");
	EXPECT_EQ(EDU_ID_VALUE, mmio_rd32(self->map, EDU_ID));
}

TEST_F(config, bus_mastering_stays_off_while_the_device_is_in_no_vm)
{
	uint16_t cmd;
	int err;

	err = rd(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	cmd |= PCI_COMMAND_MASTER;
	err = err ?: wr(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_FALSE(!!(sysfs_cfg32(_metadata, self->bdf, PCI_COMMAND) &
		       PCI_COMMAND_MASTER));
}

/*
 * One sequence: INTx-disable reads as the VMM wrote it, set and then
 * clear, while the host keeps the real one set (INTx off while unused).
 */
TEST_F(config, intx_disable_is_virtual_and_the_host_keeps_intx_off)
{
	uint16_t cmd;
	int err;

	ASSERT_EQ(0, rd(self->fd, &cmd, 2, CFG + PCI_COMMAND));
	cmd |= PCI_COMMAND_INTX_DISABLE;
	err = wr(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	err = err ?: rd(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	ASSERT_EQ(0, err) TH_LOG("set INTx-disable: %s", strerror(err));
	EXPECT_TRUE(cmd & PCI_COMMAND_INTX_DISABLE)
		TH_LOG("INTx-disable reads as written: %#x", cmd);
	cmd &= ~PCI_COMMAND_INTX_DISABLE;
	err = wr(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	err = err ?: rd(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	ASSERT_EQ(0, err) TH_LOG("clear INTx-disable: %s", strerror(err));
	EXPECT_FALSE(cmd & PCI_COMMAND_INTX_DISABLE)
		TH_LOG("INTx-disable reads as written: %#x", cmd);
	EXPECT_TRUE(!!(sysfs_cfg32(_metadata, self->bdf, PCI_COMMAND) &
		      PCI_COMMAND_INTX_DISABLE))
		TH_LOG("the host keeps INTx off while unused");
}

TEST_F(config, msi_enable_is_virtual)
{
	unsigned int msi = pt_find_cap(self->fd, PCI_CAP_ID_MSI);
	uint16_t flags;
	int err;

	ASSERT_NE(0u, msi) TH_LOG("the MSI capability is listed: none");
	err = rd(self->fd, &flags, 2, CFG + msi + PCI_MSI_FLAGS);
	flags |= PCI_MSI_FLAGS_ENABLE;
	err = err ?: wr(self->fd, &flags, 2, CFG + msi + PCI_MSI_FLAGS);
	err = err ?: rd(self->fd, &flags, 2, CFG + msi + PCI_MSI_FLAGS);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_TRUE(flags & PCI_MSI_FLAGS_ENABLE) TH_LOG("flags %#x", flags);
	/* The dword at the capability: ID, next, then the flags. */
	EXPECT_FALSE(!!(sysfs_cfg32(_metadata, self->bdf, msi) &
		       PCI_MSI_FLAGS_ENABLE << 16))
		TH_LOG("the real MSI enable stays off");
}

TEST_F(config, a_new_open_starts_afresh)
{
	uint16_t cmd;
	uint32_t v;
	int err;

	ASSERT_EQ(0, rd(self->fd, &cmd, 2, CFG + PCI_COMMAND));
	cmd |= PCI_COMMAND_INTX_DISABLE;
	ASSERT_EQ(0, wr(self->fd, &cmd, 2, CFG + PCI_COMMAND));
	close(self->fd);
	self->fd = node_open(self->bdf);
	err = self->fd < 0 ? errno : rd32(self->fd, CFG + PCI_BASE_ADDRESS_1, &v);
	err = err ?: rd(self->fd, &cmd, 2, CFG + PCI_COMMAND);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_FALSE(cmd & PCI_COMMAND_INTX_DISABLE)
		TH_LOG("the last open's INTx-disable carried over: %#x", cmd);
}

/* The node of a function with MSI-X, open, and where its table is. */
FIXTURE(msix) {
	const char *bdf;
	int fd;
	unsigned int bir, off;	/* the table's BAR and offset in it */
};

/* The offset of the MSI-X capability in a copy of config space, or 0. */
static unsigned int msix_cap(const uint8_t *cfg)
{
	unsigned int cap = cfg[PCI_CAPABILITY_LIST];
	unsigned int guard = PCI_CFG_SPACE_SIZE / PCI_CAP_SIZEOF;

	/* Room for the capability up to its table offset (a dword). */
	while (cap >= PCI_STD_HEADER_SIZEOF &&
	       cap + PCI_MSIX_TABLE + 4 <= PCI_CFG_SPACE_SIZE && guard--) {
		if (cfg[cap] == PCI_CAP_ID_MSIX)
			return cap;
		cap = cfg[cap + PCI_CAP_LIST_NEXT];
	}
	return 0;
}

FIXTURE_SETUP(msix)
{
	uint8_t cfg[PCI_CFG_SPACE_SIZE];
	unsigned int cap;
	uint32_t table;
	int err;

	self->fd = -1;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_region %s", USAGE);
	err = sysfs_cfg(self->bdf, 0, cfg, sizeof(cfg));
	ASSERT_EQ(0, err) TH_LOG("sysfs config of %s: %s", self->bdf,
				 strerror(err));
	cap = msix_cap(cfg);
	ASSERT_NE(0u, cap) TH_LOG("the function has MSI-X: no capability");
	memcpy(&table, cfg + cap + PCI_MSIX_TABLE, 4);
	self->bir = table & PCI_MSIX_TABLE_BIR;
	self->off = table & PCI_MSIX_TABLE_OFFSET;
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
}

FIXTURE_TEARDOWN(msix)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F_TIMEOUT(msix, the_table_reads_as_all_ones, RESET_TIMEOUT)
{
	uint32_t v = 0;

	EXPECT_EQ(0, rd32(self->fd, BAR(self->bir) + self->off, &v));
	EXPECT_EQ(0xffffffffu, v);
}

TEST_F_TIMEOUT(msix, writes_to_the_table_are_dropped, RESET_TIMEOUT)
{
	uint32_t v = 0;
	int err;

	err = wr32(self->fd, BAR(self->bir) + self->off, 0);
	err = err ?: rd32(self->fd, BAR(self->bir) + self->off, &v);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(0xffffffffu, v);
}

TEST_F_TIMEOUT(msix, no_mappable_area_holds_the_table, RESET_TIMEOUT)
{
	struct passthru_region_area areas[4];
	struct passthru_region_info info;
	unsigned int i;

	ASSERT_EQ(0, region_info(self->fd, self->bir, &info, areas,
				 ARRAY_SIZE(areas)));
	EXPECT_NE((uint64_t)0, info.region_size);
	for (i = 0; i < info.num_areas && i < ARRAY_SIZE(areas); i++) {
		EXPECT_FALSE(self->off >= areas[i].offset &&
			     self->off < areas[i].offset + areas[i].size)
			TH_LOG("area %u (%#llx, %#llx bytes) holds the table at %#x",
			       i, (unsigned long long)areas[i].offset,
			       (unsigned long long)areas[i].size, self->off);
	}
}

TEST_F_TIMEOUT(msix, mmap_over_the_table_page_is_einval, RESET_TIMEOUT)
{
	EXPECT_EQ(EINVAL, mmap_errno(self->fd, PG, PROT_READ, MAP_SHARED,
				     BAR(self->bir) + (self->off & ~(PG - 1))));
}

TEST_F_TIMEOUT(msix, pcie_device_control_cannot_start_an_flr, RESET_TIMEOUT)
{
	unsigned int cap = pt_find_cap(self->fd, PCI_CAP_ID_EXP);
	uint16_t devctl, real0;
	int err;

	ASSERT_NE(0u, cap) TH_LOG("the PCI Express capability is listed: none");
	real0 = sysfs_cfg32(_metadata, self->bdf, cap + PCI_EXP_DEVCTL);
	err = rd(self->fd, &devctl, 2, CFG + cap + PCI_EXP_DEVCTL);
	devctl |= PCI_EXP_DEVCTL_BCR_FLR;
	err = err ?: wr(self->fd, &devctl, 2, CFG + cap + PCI_EXP_DEVCTL);
	err = err ?: rd(self->fd, &devctl, 2, CFG + cap + PCI_EXP_DEVCTL);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_FALSE(devctl & PCI_EXP_DEVCTL_BCR_FLR) TH_LOG("%#x", devctl);
	EXPECT_EQ(real0, (uint16_t)sysfs_cfg32(_metadata, self->bdf,
					       cap + PCI_EXP_DEVCTL));
}

/*
 * nvme, unbound: the host's own view of BAR0 first, as a user-space
 * driver has it (sysfs resource0), then bound to passthru; the teardown
 * gives it back to no driver, as found.
 */
FIXTURE(nvme) {
	const char *bdf;
	char override[64];	/* driver_override as found */
	bool was_passthrus;	/* bound to passthru already */
	bool enabled;		/* enabled through sysfs, not disabled yet */
	bool overridden;	/* driver_override written */
	int fd;
	uint8_t *map;
};

/* sysfs file @attr of @bdf. */
static void nvme_path(char *path, size_t len, const char *bdf,
		      const char *attr)
{
	snprintf(path, len, "/sys/bus/pci/devices/%s/%s", bdf, attr);
}

/* Is @bdf bound to passthru? */
static bool is_passthrus(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *name;
	ssize_t n;

	nvme_path(path, sizeof(path), bdf, "driver");
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	name = strrchr(link, '/');
	return name && !strcmp(name + 1, "passthru");
}

FIXTURE_SETUP(nvme)
{
	char path[PATH_MAX];
	FILE *f;

	self->fd = -1;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_region %s", USAGE);
	self->was_passthrus = is_passthrus(self->bdf);
	nvme_path(path, sizeof(path), self->bdf, "driver_override");
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	if (!fgets(self->override, sizeof(self->override), f))
		self->override[0] = '\0';
	fclose(f);
}

FIXTURE_TEARDOWN(nvme)
{
	char path[PATH_MAX];

	if (self->map)
		munmap(self->map, PG);
	if (self->fd >= 0)
		close(self->fd);
	if (!self->was_passthrus && is_passthrus(self->bdf) &&
	    write_file("/sys/bus/pci/drivers/passthru/unbind", self->bdf))
		TH_LOG("could not unbind %s from passthru", self->bdf);
	nvme_path(path, sizeof(path), self->bdf, "driver_override");
	if (self->overridden &&
	    write_file(path, strncmp(self->override, "(null)", 6) ?
		       self->override : "\n"))
		TH_LOG("could not put %s back", path);
	nvme_path(path, sizeof(path), self->bdf, "enable");
	if (self->enabled && write_file(path, "0"))
		TH_LOG("could not disable %s again", self->bdf);
}

/* One sequence: the registers through sysfs, then through passthru. */
TEST_F_TIMEOUT(nvme, cap_and_vs_through_a_mapping_are_what_sysfs_resource0_gave,
	       RESET_TIMEOUT)
{
	uint32_t want[3], got[3];
	char path[PATH_MAX];
	unsigned int i;
	void *p;
	int fd, err;

	nvme_path(path, sizeof(path), self->bdf, "enable");
	self->enabled = !write_file(path, "1");
	nvme_path(path, sizeof(path), self->bdf, "resource0");
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	err = p == MAP_FAILED ? errno : 0;
	close(fd);
	ASSERT_EQ(0, err) TH_LOG("mmap %s: %s", path, strerror(err));
	/* CAP (64 bits at 0) and VS (at 8) of the NVMe controller. */
	for (i = 0; i < 3; i++)
		want[i] = mmio_rd32(p, 4 * i);
	munmap(p, PG);
	nvme_path(path, sizeof(path), self->bdf, "enable");
	if (self->enabled && !write_file(path, "0"))
		self->enabled = false;

	nvme_path(path, sizeof(path), self->bdf, "driver_override");
	self->overridden = true;
	err = write_file(path, "passthru");
	ASSERT_EQ(0, err) TH_LOG("%s: %s", path, strerror(err));
	err = write_file("/sys/bus/pci/drivers_probe", self->bdf);
	ASSERT_EQ(0, err) TH_LOG("bind %s to passthru: %s", self->bdf,
				 strerror(err));
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node: %s", strerror(errno));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd, BAR(0));
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap BAR0: %s", strerror(errno));
	self->map = p;
	for (i = 0; i < 3; i++)
		got[i] = mmio_rd32(self->map, 4 * i);
	EXPECT_NE(0xffffffffu, want[0]) TH_LOG("sysfs resource0 reads all ones");
	EXPECT_EQ(0, memcmp(want, got, 8))
		TH_LOG("CAP %#x%08x, sysfs %#x%08x", got[1], got[0], want[1],
		       want[0]);
	EXPECT_LE(0x10000u, want[2]) TH_LOG("sysfs VS %#x", want[2]);
	EXPECT_EQ(want[2], got[2]) TH_LOG("VS");
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
