// SPDX-License-Identifier: GPL-2.0
/*
 * pt_lib: libpassthru's own tests, on the kselftest harness, on the first
 * edu that passthru holds (skipped when there is none).
 *
 *   pt_lib [harness options]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/passthru.h>

#include "libpassthru.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define PG 4096
/*
 * edu's registers: identification, liveness (reads back inverted), raise
 * and acknowledge an interrupt.
 */
#define EDU_ID_REG 0x00
#define EDU_LIVE 0x04
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define EDU_ID_VALUE 0x010000ed
#define IOVA 0x100000

static uint32_t rd(uint8_t *p, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(p + off), __ATOMIC_RELAXED);
}

static void wr(uint8_t *p, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(p + off), v, __ATOMIC_RELAXED);
}

TEST(error_strings_say_what_to_do)
{
	EXPECT_NE(NULL, strstr(pt_strerror(PT_OP_ATTACH, -EBUSY), "host driver"));
	EXPECT_NE(NULL, strstr(pt_strerror(PT_OP_MAP, -ENOMEM), "RLIMIT_MEMLOCK"));
	EXPECT_NE(NULL, strstr(pt_strerror(PT_OP_DEV_OPEN, -ENOENT), "bind"));
	EXPECT_NE(NULL, strstr(pt_strerror(PT_OP_RESET, -EOPNOTSUPP),
			       "reset_method"));
	/* What it has no advice for falls back to strerror(). */
	EXPECT_STREQ(strerror(EINTR), pt_strerror(PT_OP_OTHER, -EINTR));
}

TEST(a_function_passthru_does_not_hold_is_enoent)
{
	struct pt_dev dev;

	EXPECT_EQ(-ENOENT, pt_dev_open(&dev, "0000:7f:1f.7"));
}

TEST(a_descriptor_that_is_no_device_is_enotty)
{
	struct pt_dev dev;
	int fd = open("/dev/null", O_RDWR);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, pt_dev_from_fd(&dev, fd));
	close(fd);
}

/* The edu, found; opened (and attached) by each test as it needs. */
FIXTURE(edu) {
	char bdf[16];
	struct pt_dev dev;
	struct pt_vm vm;
	uint8_t *bar0;
};

FIXTURE_SETUP(edu)
{
	self->dev.fd = -1;
	self->vm.fd = -1;
	find_held(0x1234, 0x11e8, self->bdf, sizeof(self->bdf));
	/* The harness of 6.1 runs the test after a SKIP here: each returns. */
	if (!self->bdf[0])
		SKIP(return, "passthru holds no edu here");
}

FIXTURE_TEARDOWN(edu)
{
	if (self->bar0)
		munmap(self->bar0, PG);
	if (self->dev.fd >= 0)
		pt_dev_close(&self->dev);
	if (self->vm.fd >= 0)
		pt_vm_close(&self->vm);
}

/* Open @bdf, attach it to a new VM and map BAR0's first page. */
static int edu_attach(const char *bdf, struct pt_dev *dev, struct pt_vm *vm,
		      uint8_t **bar0)
{
	struct pt_region r;
	int ret;

	ret = pt_dev_open(dev, bdf);
	ret = ret ?: pt_vm_open(vm);
	ret = ret ?: pt_dev_attach(dev, vm);
	ret = ret ?: pt_region_info(dev, 0, &r);
	if (ret)
		return ret;
	*bar0 = pt_region_mmap(dev, &r, 0, PG, PROT_READ | PROT_WRITE);
	return *bar0 ? 0 : -errno;
}

TEST_F(edu, opens_by_the_short_address_and_only_once)
{
	struct pt_dev again;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, pt_dev_open(&self->dev, self->bdf + 5));
	EXPECT_STREQ(self->bdf, self->dev.bdf);
	EXPECT_EQ(-EBUSY, pt_dev_open(&again, self->bdf));
}

TEST_F(edu, device_info)
{
	struct passthru_device_info info;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, pt_dev_open(&self->dev, self->bdf));
	ASSERT_EQ(0, pt_dev_info(&self->dev, &info));
	EXPECT_EQ(0x1234u, info.vendor);
	EXPECT_EQ(0x11e8u, info.device);
}

TEST_F(edu, vm_ranges_map_and_unmap)
{
	struct passthru_iova_range ranges[8];
	uint8_t *mem;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, edu_attach(self->bdf, &self->dev, &self->vm, &self->bar0));
	EXPECT_LE(1, pt_vm_ranges(&self->vm, ranges, 8));
	EXPECT_EQ(0ull, ranges[0].start);
	mem = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	EXPECT_EQ(0, pt_vm_map(&self->vm, IOVA, mem, 2 * PG,
			       PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE));
	EXPECT_EQ(-EEXIST, pt_vm_map(&self->vm, IOVA, mem, 2 * PG,
				     PASSTHRU_DMA_READ));
	EXPECT_EQ(2 * PG, pt_vm_unmap(&self->vm, IOVA, 2 * PG));
	EXPECT_EQ(-ENOENT, pt_vm_unmap(&self->vm, IOVA, 2 * PG));
	munmap(mem, 2 * PG);
}

TEST_F(edu, region_info_read_write_mmap)
{
	struct pt_region bar0;
	uint32_t id = 0, live = 0x12345678;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, edu_attach(self->bdf, &self->dev, &self->vm, &self->bar0));
	ASSERT_EQ(0, pt_region_info(&self->dev, 0, &bar0));
	EXPECT_EQ(1ull << 20, bar0.size);
	EXPECT_EQ(1u, bar0.num_areas);
	EXPECT_EQ(0, pt_region_read(&self->dev, 0, EDU_ID_REG, &id, 4));
	EXPECT_EQ((uint32_t)EDU_ID_VALUE, id);
	EXPECT_EQ(0, pt_region_write(&self->dev, 0, EDU_LIVE, &live, 4));
	EXPECT_EQ(0, pt_region_read(&self->dev, 0, EDU_LIVE, &live, 4));
	EXPECT_EQ(~0x12345678u, live);
	EXPECT_EQ((uint32_t)EDU_ID_VALUE, rd(self->bar0, EDU_ID_REG));
}

TEST_F(edu, msi_arrives_masked_waits_unmasked_comes)
{
	struct passthru_irq_info ii;
	int efd;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, edu_attach(self->bdf, &self->dev, &self->vm, &self->bar0));
	ASSERT_EQ(0, pt_bus_master(&self->dev, 1));
	ASSERT_EQ(0, pt_irq_info(&self->dev, PASSTHRU_IRQ_MSI, &ii));
	EXPECT_EQ(1u, ii.count);
	efd = pt_irq_eventfd(&self->dev, PASSTHRU_IRQ_MSI, 0);
	ASSERT_LE(0, efd) TH_LOG("%s", pt_strerror(PT_OP_IRQ, efd));
	wr(self->bar0, EDU_RAISE, 1);
	EXPECT_EQ(1, pt_irq_wait(efd, 2000));
	wr(self->bar0, EDU_ACK, 1);
	EXPECT_EQ(0, pt_irq_mask(&self->dev, PASSTHRU_IRQ_MSI, 0, 1, 1));
	wr(self->bar0, EDU_RAISE, 1);
	EXPECT_EQ(0, pt_irq_wait(efd, 300));
	wr(self->bar0, EDU_ACK, 1);
	EXPECT_EQ(0, pt_irq_mask(&self->dev, PASSTHRU_IRQ_MSI, 0, 1, 0));
	EXPECT_EQ(1, pt_irq_wait(efd, 1000));
	close(efd);
}

TEST_F(edu, reset_without_a_method_is_eopnotsupp)
{
	if (_metadata->skip)
		return;
	ASSERT_EQ(0, edu_attach(self->bdf, &self->dev, &self->vm, &self->bar0));
	EXPECT_EQ(-EOPNOTSUPP, pt_dev_reset(&self->dev));
}

/* A manager that opened the node hands the descriptor to the VMM. */
TEST_F(edu, a_handed_over_node_descriptor_works)
{
	char path[64];
	int fd;

	if (_metadata->skip)
		return;
	snprintf(path, sizeof(path), "/dev/passthru/%s", self->bdf);
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, pt_dev_from_fd(&self->dev, fd));
	if (self->dev.fd < 0)
		close(fd);
}

TEST_HARNESS_MAIN
