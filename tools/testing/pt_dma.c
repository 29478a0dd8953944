// SPDX-License-Identifier: GPL-2.0
/*
 * pt_dma: VM address spaces and DMA, tested inside the guest as a VMM
 * would use them, with QEMU's edu device as the DMA engine, on the
 * kselftest harness (TAP out; exit status 0 when all passed).  One group
 * of tests per call:
 *
 *   pt_dma edu BDF          attach; VM_INFO; DMA RAM -> edu -> RAM through
 *                           the IOMMU, into a huge page too; DMA to
 *                           never-mapped and unmapped IOVAs is blocked
 *   pt_dma errors BDF       every VM and attach argument rule
 *   pt_dma attach BDF ERR   attaching gives errno ERR (a number; 0: works)
 *   pt_dma quota BDF BDF    with max_devices_per_vm=1: second is ENOSPC
 *   pt_dma leaks BDF        pins and VmPin return after unmap, close,
 *                           and kill -9 of a process holding 64 MiB
 *   pt_dma memlock          RLIMIT_MEMLOCK binds an unprivileged process
 *
 * and one helper that is no test (no TAP; exit status 1 when the attach
 * fails), for a script to run in the background and kill:
 *
 *   pt_dma hold BDF FILE    attach, create FILE, then wait to be killed
 *
 * edu's registers are mapped through passthru; its command register is
 * set through sysfs until the config-space region exists.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "edu|errors|leaks BDF | attach BDF ERRNO | quota BDF BDF | memlock | hold BDF FILE"

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 1
#define EDU_CMD_TO_RAM 2
#define EDU_BUF 0x40000
/*
 * Bytes per edu DMA: QEMU 7.2's edu aborts the whole machine on a transfer
 * that ends exactly at the end of its 4 KiB buffer (an off-by-one in its
 * range check), so stay below that.
 */
#define XFER 2048

#define PG 4096UL
#define MIB (1024UL * 1024)

/* IOVAs below 256 MiB: edu's DMA mask is 28 bits. */
#define IOVA_BUF 0x200000ULL
#define IOVA_NEVER 0x800000ULL
#define IOVA_GONE 0x400000ULL
#define IOVA_HUGE 0x1000000ULL
/* 8 MiB of scattered 4 KiB pages (under edu's 28-bit DMA mask). */
#define IOVA_SCATTER 0x2000000ULL
#define SCATTER_PAGES 2048

/* The x86 MSI window, which an attached group reserves. */
#define MSI_BASE 0xfee00000ULL
#define MSI_LAST 0xfeefffffULL

/* VM_INFO's ranges, as many as the tests read. */
#define MAX_RANGES 16

#define RW (PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE)

static int vm_open(void)
{
	return open("/dev/passthru/vm", O_RDWR);
}

static int attach(int dev, int vm)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = vm };

	return pt_ioctl(dev, PASSTHRU_DEVICE_ATTACH, &a);
}

static int map(int vm, uint64_t iova, void *vaddr, uint64_t len, uint32_t flags)
{
	struct passthru_dma_map m = {
		.size = sizeof(m), .flags = flags, .iova = iova,
		.vaddr = (uintptr_t)vaddr, .length = len,
	};

	return pt_ioctl(vm, PASSTHRU_VM_MAP_DMA, &m);
}

static int unmap(int vm, uint64_t iova, uint64_t len, uint64_t *done)
{
	struct passthru_dma_unmap u = {
		.size = sizeof(u), .iova = iova, .length = len,
	};
	int err = pt_ioctl(vm, PASSTHRU_VM_UNMAP_DMA, &u);

	if (done)
		*done = u.length;
	return err;
}

/* VM_INFO with room for MAX_RANGES ranges at @r; the errno or 0. */
static int vm_info(int vm, struct passthru_vm_info *info,
		   struct passthru_iova_range *r)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->num_ranges = MAX_RANGES;
	info->ranges = (uintptr_t)r;
	return pt_ioctl(vm, PASSTHRU_VM_INFO, info);
}

/* Populated anonymous memory, or MAP_FAILED. */
static void *anon(size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
}

/*
 * MMIO through relaxed atomics: single, untorn accesses the compiler can
 * neither merge nor drop.
 */
static void w64(uint8_t *bar, unsigned int off, uint64_t v)
{
	__atomic_store_n((uint64_t *)(bar + off), v, __ATOMIC_RELAXED);
}

static uint64_t r64(uint8_t *bar, unsigned int off)
{
	return __atomic_load_n((uint64_t *)(bar + off), __ATOMIC_RELAXED);
}

/*
 * The PCI command register of @bdf through sysfs (the config-space region
 * is not there yet): read it into @cmd, or write @cmd when @set.  0 or the
 * errno.
 */
static int pci_command(const char *bdf, uint16_t *cmd, bool set)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, set ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return errno;
	if (set)
		n = pwrite(fd, cmd, sizeof(*cmd), PCI_COMMAND);
	else
		n = pread(fd, cmd, sizeof(*cmd), PCI_COMMAND);
	err = n == sizeof(*cmd) ? 0 : n < 0 ? errno : EIO;
	close(fd);
	return err;
}

/* Run one edu DMA; return 0 once edu reports it done. */
static int edu_dma(uint8_t *bar, uint64_t src, uint64_t dst,
		   uint64_t len, int to_ram)
{
	int i;

	w64(bar, EDU_DMA_SRC, src);
	w64(bar, EDU_DMA_DST, dst);
	w64(bar, EDU_DMA_CNT, len);
	w64(bar, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	for (i = 0; i < 400; i++) {
		if (!(r64(bar, EDU_DMA_CMD) & EDU_CMD_START))
			return 0;
		usleep(10000);
	}
	return -1;
}

static int all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/*
 * edu attached to a VM, its BAR0 mapped through passthru with memory
 * decoding and bus mastering on, and 16 KiB of RAM mapped read/write at
 * IOVA_BUF: the first page holds a pattern, the other three zeros.
 */
FIXTURE(edu) {
	const char *bdf;
	int vm, dev;
	uint8_t *buf, *bar;
	uint16_t cmd;
};

FIXTURE_SETUP(edu)
{
	uint16_t cmd;
	unsigned int i;
	int err;

	self->vm = -1;
	self->dev = -1;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_dma %s", USAGE);
	self->vm = vm_open();
	ASSERT_LE(0, self->vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	self->dev = node_open(self->bdf);
	ASSERT_LE(0, self->dev) TH_LOG("open the node of %s: %s", self->bdf,
				       strerror(errno));
	err = attach(self->dev, self->vm);
	ASSERT_EQ(0, err) TH_LOG("attach to a VM: %s", strerror(err));

	self->buf = anon(4 * PG);
	ASSERT_NE(MAP_FAILED, self->buf);
	memset(self->buf, 0, 4 * PG);
	for (i = 0; i < PG; i++)
		self->buf[i] = (uint8_t)(i * 7 + 3);
	err = map(self->vm, IOVA_BUF, self->buf, 4 * PG, RW);
	ASSERT_EQ(0, err) TH_LOG("map 16 KiB read/write at IOVA %#llx: %s",
				 IOVA_BUF, strerror(err));

	self->bar = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->dev, PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, self->bar)
		TH_LOG("mmap BAR0 through passthru: %s", strerror(errno));
	/* Last: the teardown puts the command register back. */
	err = pci_command(self->bdf, &self->cmd, false);
	ASSERT_EQ(0, err) TH_LOG("read the PCI command register: %s",
				 strerror(err));
	cmd = self->cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	err = pci_command(self->bdf, &cmd, true);
	ASSERT_EQ(0, err) TH_LOG("write the PCI command register: %s",
				 strerror(err));
}

FIXTURE_TEARDOWN(edu)
{
	munmap(self->bar, PG);
	EXPECT_EQ(0, pci_command(self->bdf, &self->cmd, true))
		TH_LOG("put the PCI command register back");
	close(self->dev);
	close(self->vm);
}

TEST_F(edu, vm_info_counts_the_attached_device)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	int err = vm_info(self->vm, &info, r);

	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	EXPECT_EQ(1u, info.num_devices);
}

TEST_F(edu, vm_info_reports_interrupt_remapping)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	int err = vm_info(self->vm, &info, r);

	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	EXPECT_TRUE(!!(info.caps & PASSTHRU_VM_INTR_REMAP)) TH_LOG("caps %#x", info.caps);
}

TEST_F(edu, vm_info_offers_4_kib_iommu_pages)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	int err = vm_info(self->vm, &info, r);

	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	EXPECT_TRUE(!!(info.pgsize_bitmap & PG))
		TH_LOG("pgsize_bitmap %#llx", (unsigned long long)info.pgsize_bitmap);
}

TEST_F(edu, vm_info_ranges_ascend_around_the_msi_window)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	int err = vm_info(self->vm, &info, r);
	unsigned int i;

	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	EXPECT_LE(2u, info.num_ranges);
	EXPECT_GE((unsigned int)MAX_RANGES, info.num_ranges);
	for (i = 0; i < info.num_ranges && i < MAX_RANGES; i++) {
		TH_LOG("usable IOVA %#llx-%#llx", (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last);
		EXPECT_FALSE(r[i].start <= MSI_LAST && r[i].last >= MSI_BASE)
			TH_LOG("range %u covers part of the MSI window %#llx-%#llx",
			       i, MSI_BASE, MSI_LAST);
		if (i) {
			EXPECT_LT(r[i - 1].last, r[i].start)
				TH_LOG("range %u does not ascend", i);
		}
	}
}

TEST_F(edu, vm_info_low_iovas_are_usable)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	int err = vm_info(self->vm, &info, r);
	bool low_usable = false;
	unsigned int i;

	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	for (i = 0; i < info.num_ranges && i < MAX_RANGES; i++)
		if (r[i].start <= IOVA_BUF && r[i].last >= IOVA_NEVER)
			low_usable = true;
	EXPECT_TRUE(low_usable) TH_LOG("no usable range holds %#llx-%#llx",
				       IOVA_BUF, IOVA_NEVER);
}

/* One sequence: the data goes to edu and comes back a page further on. */
TEST_F(edu, dma_ram_to_device_to_ram_keeps_the_data)
{
	uint8_t *buf = self->buf;

	ASSERT_EQ(0, edu_dma(self->bar, IOVA_BUF, EDU_BUF, XFER, 0))
		TH_LOG("DMA RAM -> device: timeout");
	ASSERT_EQ(0, edu_dma(self->bar, EDU_BUF, IOVA_BUF + PG, XFER, 1))
		TH_LOG("DMA device -> RAM: timeout");
	EXPECT_EQ(0, memcmp(buf, buf + PG, XFER))
		TH_LOG("first bytes %02x %02x %02x, want %02x %02x %02x",
		       buf[PG], buf[PG + 1], buf[PG + 2], buf[0], buf[1], buf[2]);
	EXPECT_TRUE(all_bytes(buf + PG + XFER, PG - XFER, 0))
		TH_LOG("the DMA wrote beyond its %d bytes", XFER);
}

/* A never-mapped IOVA: the write is blocked, and mapped memory stays. */
TEST_F(edu, dma_to_a_never_mapped_iova_is_blocked)
{
	memset(self->buf + 2 * PG, 0x55, PG);
	ASSERT_EQ(0, edu_dma(self->bar, EDU_BUF, IOVA_NEVER, XFER, 1))
		TH_LOG("DMA to the never-mapped IOVA %#llx: timeout", IOVA_NEVER);
	EXPECT_TRUE(all_bytes(self->buf + 2 * PG, PG, 0x55))
		TH_LOG("the never-mapped IOVA changed mapped memory");
}

/* An unmapped IOVA: the memory that was there is not written. */
TEST_F(edu, dma_to_an_unmapped_iova_leaves_the_page_that_was_there)
{
	uint8_t *gone = anon(PG);
	int err;

	ASSERT_NE(MAP_FAILED, gone);
	memset(gone, 0xaa, PG);
	err = map(self->vm, IOVA_GONE, gone, PG, RW);
	ASSERT_EQ(0, err) TH_LOG("map a page at %#llx: %s", IOVA_GONE,
				 strerror(err));
	err = unmap(self->vm, IOVA_GONE, PG, NULL);
	ASSERT_EQ(0, err) TH_LOG("unmap it: %s", strerror(err));
	ASSERT_EQ(0, edu_dma(self->bar, EDU_BUF, IOVA_GONE, XFER, 1))
		TH_LOG("DMA to the unmapped IOVA: timeout");
	EXPECT_TRUE(all_bytes(gone, PG, 0xaa))
		TH_LOG("the unmapped page was written: first byte %02x", gone[0]);
	munmap(gone, PG);
}

/*
 * Huge pages: a 2 MiB-aligned THP mapped at a 2 MiB-aligned IOVA goes in
 * as large IOMMU pages; DMA must land at the right offset in it.
 */
TEST_F(edu, dma_lands_at_its_offset_inside_a_huge_page)
{
	uint8_t *area, *huge, *at;
	int err;

	area = mmap(NULL, 6 * MIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	huge = (uint8_t *)(((uintptr_t)area + 2 * MIB - 1) & ~(2 * MIB - 1));
	madvise(huge, 4 * MIB, MADV_HUGEPAGE);
	memset(huge, 0x11, 4 * MIB);
	err = map(self->vm, IOVA_HUGE, huge, 4 * MIB, RW);
	ASSERT_EQ(0, err) TH_LOG("map 4 MiB of THP at a 2 MiB-aligned IOVA: %s",
				 strerror(err));
	ASSERT_EQ(0, edu_dma(self->bar, IOVA_BUF, EDU_BUF, XFER, 0))
		TH_LOG("DMA RAM -> device: timeout");
	at = huge + 3 * MIB + PG;
	ASSERT_EQ(0, edu_dma(self->bar, EDU_BUF, IOVA_HUGE + 3 * MIB + PG, XFER, 1))
		TH_LOG("DMA into the second huge page: timeout");
	EXPECT_EQ(0, memcmp(at, self->buf, XFER)) TH_LOG("data misplaced");
	EXPECT_TRUE(all_bytes(huge + 3 * MIB, PG, 0x11))
		TH_LOG("the page before the DMA's was written");
	EXPECT_TRUE(all_bytes(at + XFER, PG - XFER, 0x11))
		TH_LOG("the DMA wrote beyond its %d bytes", XFER);
	err = unmap(self->vm, IOVA_HUGE, 4 * MIB, NULL);
	EXPECT_EQ(0, err) TH_LOG("unmap the huge pages: %s", strerror(err));
	munmap(area, 6 * MIB);
}

/* How many physically contiguous runs @n pages at @p make (pagemap). */
static long pfn_runs(const uint8_t *p, unsigned long n)
{
	uint64_t e, prev = 0;
	unsigned long i;
	long runs = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		off_t off = ((uintptr_t)p / PG + i) * sizeof(e);
		uint64_t pfn;

		if (pread(fd, &e, sizeof(e), off) != sizeof(e) ||
		    !(e & (1ULL << 63))) {
			close(fd);
			return -EFAULT;
		}
		pfn = e & ((1ULL << 55) - 1);
		if (!i || pfn != prev + 1)
			runs++;
		prev = pfn;
	}
	close(fd);
	return runs;
}

/*
 * A mapping of many scattered 4 KiB pages goes to the IOMMU in batches of
 * runs (drivers/passthru/dma.c): DMA to pages around each batch's edges
 * must land in the page at that IOVA's offset, and nowhere else.
 */
TEST_F(edu, dma_reaches_the_right_page_of_a_mapping_of_scattered_pages)
{
	static const unsigned long at[] = {
		0, 1, 127, 128, 129, 255, 256, 257, 511, 512, 1023, 1024,
		1500, 2046, 2047,
	};
	const size_t len = SCATTER_PAGES * PG;
	unsigned long i, k;
	uint8_t *mem;
	long runs;
	int err;

	/*
	 * No THP for this test's process (it runs in its own): the debug
	 * kernels have THP always on and no madvise().
	 */
	ASSERT_EQ(0, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		TH_LOG("PR_SET_THP_DISABLE: %s", strerror(errno));
	mem = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	/*
	 * Each page's fault is followed by one in a spacer area beyond it,
	 * so that an allocator handing out frames in order leaves no two of
	 * the mapping's pages adjacent.
	 */
	for (i = 0; i < SCATTER_PAGES; i++) {
		memset(mem + i * PG, 0x22, PG);
		mem[len + i * PG] = 1;
	}
	runs = pfn_runs(mem, SCATTER_PAGES);
	ASSERT_LT(256, runs) TH_LOG("%ld physical runs (pagemap): too few for the test",
				    runs);
	err = map(self->vm, IOVA_SCATTER, mem, len, RW);
	ASSERT_EQ(0, err) TH_LOG("map %lu scattered pages: %s",
				 (unsigned long)SCATTER_PAGES, strerror(err));
	ASSERT_EQ(0, edu_dma(self->bar, IOVA_BUF, EDU_BUF, XFER, 0))
		TH_LOG("DMA RAM -> device: timeout");
	for (k = 0; k < ARRAY_SIZE(at); k++) {
		ASSERT_EQ(0, edu_dma(self->bar, EDU_BUF,
				     IOVA_SCATTER + at[k] * PG, XFER, 1))
			TH_LOG("DMA into page %lu: timeout", at[k]);
	}
	for (i = 0, k = 0; i < SCATTER_PAGES; i++) {
		uint8_t *page = mem + i * PG;

		if (k < ARRAY_SIZE(at) && at[k] == i) {
			k++;
			EXPECT_EQ(0, memcmp(page, self->buf, XFER))
				TH_LOG("page %lu (of %ld runs) lacks its DMA", i, runs);
			EXPECT_TRUE(all_bytes(page + XFER, PG - XFER, 0x22))
				TH_LOG("page %lu: written beyond the DMA", i);
		} else {
			EXPECT_TRUE(all_bytes(page, PG, 0x22))
				TH_LOG("page %lu (of %ld runs) was written", i, runs);
		}
	}
	err = unmap(self->vm, IOVA_SCATTER, len, NULL);
	EXPECT_EQ(0, err) TH_LOG("unmap: %s", strerror(err));
	munmap(mem, 2 * len);
}

/*
 * Two VMs and the device, opened, nothing attached; 16 pages of RAM.
 * Each test breaks one rule.
 */
FIXTURE(errors) {
	const char *bdf;
	int vm, vm2, dev;
	uint8_t *buf;
	void *io;
};

FIXTURE_SETUP(errors)
{
	self->vm = -1;
	self->vm2 = -1;
	self->dev = -1;
	self->io = MAP_FAILED;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_dma %s", USAGE);
	self->vm = vm_open();
	ASSERT_LE(0, self->vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	self->vm2 = vm_open();
	ASSERT_LE(0, self->vm2) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	self->dev = node_open(self->bdf);
	ASSERT_LE(0, self->dev) TH_LOG("open the node of %s: %s", self->bdf,
				       strerror(errno));
	self->buf = anon(16 * PG);
	ASSERT_NE(MAP_FAILED, self->buf);
}

FIXTURE_TEARDOWN(errors)
{
	if (self->io != MAP_FAILED)
		munmap(self->io, PG);
	close(self->dev);
	close(self->vm);
	close(self->vm2);
	munmap(self->buf, 16 * PG);
}

/* Attach @dev to @vm, or end the test. */
static void attach_vm(struct __test_metadata *_metadata, int dev, int vm)
{
	int err = attach(dev, vm);

	ASSERT_EQ(0, err) TH_LOG("attach: %s", strerror(err));
}

/* Attach, then map 32 KiB of @buf read/write at IOVA_BUF, or end the test. */
static void attach_and_map(struct __test_metadata *_metadata, int dev, int vm,
			   uint8_t *buf)
{
	int err;

	attach_vm(_metadata, dev, vm);
	err = map(vm, IOVA_BUF, buf, 8 * PG, RW);
	ASSERT_EQ(0, err) TH_LOG("map 32 KiB: %s", strerror(err));
}

/* Mapped before any attach, over what the group reserves. */
TEST_F(errors, a_mapping_over_the_groups_reserved_region_makes_attach_eaddrinuse)
{
	int err = map(self->vm, MSI_BASE, self->buf, PG, RW);

	ASSERT_EQ(0, err) TH_LOG("before any attach, the whole aperture is usable: %s",
				 strerror(err));
	EXPECT_EQ(EADDRINUSE, attach(self->dev, self->vm));
}

TEST_F(errors, attach_to_a_descriptor_that_is_not_a_vm_is_einval)
{
	EXPECT_EQ(EINVAL, attach(self->dev, self->dev));
}

TEST_F(errors, attach_to_a_bad_descriptor_is_ebadf)
{
	EXPECT_EQ(EBADF, attach(self->dev, 1000));
}

TEST_F(errors, attach_twice_is_ebusy)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EBUSY, attach(self->dev, self->vm));
}

TEST_F(errors, attach_to_a_second_vm_is_ebusy)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EBUSY, attach(self->dev, self->vm2));
}

TEST_F(errors, map_of_zero_length_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF, self->buf, 0, RW));
}

TEST_F(errors, map_at_an_unaligned_iova_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF + 1, self->buf, PG, RW));
}

TEST_F(errors, map_of_an_unaligned_vaddr_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF, self->buf + 1, PG, RW));
}

TEST_F(errors, map_of_an_unaligned_length_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF, self->buf, PG + 1, RW));
}

TEST_F(errors, map_with_neither_read_nor_write_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF, self->buf, PG, 0));
}

TEST_F(errors, map_with_an_unknown_flag_is_einval)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EINVAL, map(self->vm, IOVA_BUF, self->buf, PG, RW | 0x100));
}

TEST_F(errors, map_where_iova_plus_length_overflows_is_eoverflow)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EOVERFLOW, map(self->vm, 0xfffffffffffff000ULL, self->buf,
				 2 * PG, RW));
}

TEST_F(errors, map_beyond_the_aperture_is_erange)
{
	struct passthru_iova_range r[MAX_RANGES];
	struct passthru_vm_info info;
	uint64_t top;
	int err;

	attach_vm(_metadata, self->dev, self->vm);
	err = vm_info(self->vm, &info, r);
	ASSERT_EQ(0, err) TH_LOG("VM_INFO: %s", strerror(err));
	ASSERT_TRUE(info.num_ranges && info.num_ranges <= MAX_RANGES)
		TH_LOG("%u ranges", info.num_ranges);
	top = r[info.num_ranges - 1].last;
	ASSERT_NE(0ull, top) TH_LOG("the last usable range ends at 0");
	if (top == UINT64_MAX)
		SKIP(return, "this IOMMU's aperture covers all 64 bits");
	EXPECT_EQ(ERANGE, map(self->vm, top + 1, self->buf, PG, RW));
}

TEST_F(errors, map_in_the_msi_window_is_erange)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(ERANGE, map(self->vm, MSI_BASE, self->buf, PG, RW));
}

TEST_F(errors, map_straddling_the_msi_window_is_erange)
{
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(ERANGE, map(self->vm, MSI_BASE - PG, self->buf, 2 * PG, RW));
}

TEST_F(errors, map_of_a_vaddr_not_mapped_is_efault)
{
	uint8_t *hole = anon(PG);

	ASSERT_NE(MAP_FAILED, hole);
	munmap(hole, PG);
	attach_vm(_metadata, self->dev, self->vm);
	EXPECT_EQ(EFAULT, map(self->vm, IOVA_BUF, hole, PG, RW));
}

TEST_F(errors, map_of_a_pfnmap_io_mapping_a_bar_is_eopnotsupp)
{
	attach_vm(_metadata, self->dev, self->vm);
	self->io = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->dev,
			PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, self->io)
		TH_LOG("mmap BAR0 through passthru: %s", strerror(errno));
	EXPECT_EQ(EOPNOTSUPP, map(self->vm, IOVA_BUF, self->io, PG, RW));
}

TEST_F(errors, map_overlapping_an_existing_mapping_is_eexist)
{
	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	EXPECT_EQ(EEXIST, map(self->vm, IOVA_BUF + 4 * PG, self->buf + 8 * PG,
			      8 * PG, RW));
}

TEST_F(errors, map_from_another_process_is_eperm)
{
	int status = 0;
	pid_t pid;

	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(map(self->vm, IOVA_BUF + 16 * PG, self->buf, PG, RW));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == EPERM)
		TH_LOG("status %#x", status);
}

TEST_F(errors, unmap_where_nothing_is_mapped_is_enoent)
{
	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	EXPECT_EQ(ENOENT, unmap(self->vm, IOVA_BUF + 32 * PG, PG, NULL));
}

TEST_F(errors, unmap_cutting_a_mapping_is_einval)
{
	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	EXPECT_EQ(EINVAL, unmap(self->vm, IOVA_BUF, 4 * PG, NULL));
}

TEST_F(errors, unmap_unaligned_is_einval)
{
	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	EXPECT_EQ(EINVAL, unmap(self->vm, IOVA_BUF + 1, PG, NULL));
}

TEST_F(errors, unmap_all_with_a_range_is_einval)
{
	struct passthru_dma_unmap u = {
		.size = sizeof(u), .flags = PASSTHRU_DMA_UNMAP_ALL, .iova = PG,
	};

	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	EXPECT_EQ(EINVAL, pt_ioctl(self->vm, PASSTHRU_VM_UNMAP_DMA, &u));
}

/*
 * One sequence: a range over two whole mappings unmaps both and says how
 * much; ALL unmaps what there is and says how much.
 */
TEST_F(errors, unmap_reports_the_whole_mappings_it_removed)
{
	struct passthru_dma_unmap u = {
		.size = sizeof(u), .flags = PASSTHRU_DMA_UNMAP_ALL,
	};
	uint64_t done = 0;
	int err;

	attach_and_map(_metadata, self->dev, self->vm, self->buf);
	err = map(self->vm, IOVA_BUF + 8 * PG, self->buf + 8 * PG, 4 * PG,
		  PASSTHRU_DMA_READ);
	ASSERT_EQ(0, err) TH_LOG("map read-only right after it: %s", strerror(err));
	err = unmap(self->vm, IOVA_BUF, 12 * PG, &done);
	EXPECT_EQ(0, err) TH_LOG("unmap a range of two whole mappings: %s",
				 strerror(err));
	EXPECT_EQ(12 * PG, done) TH_LOG("it reports 48 KiB");

	err = map(self->vm, IOVA_BUF, self->buf, 8 * PG, RW);
	ASSERT_EQ(0, err) TH_LOG("map 32 KiB again: %s", strerror(err));
	err = pt_ioctl(self->vm, PASSTHRU_VM_UNMAP_DMA, &u);
	EXPECT_EQ(0, err) TH_LOG("unmap ALL: %s", strerror(err));
	EXPECT_EQ(8 * PG, u.length) TH_LOG("ALL reports what it unmapped");
}

/* A VM and the device, opened; ERRNO parsed. */
FIXTURE(attach) {
	const char *bdf;
	int want, vm, dev;
};

FIXTURE_SETUP(attach)
{
	const char *want;
	char *end;

	self->vm = -1;
	self->dev = -1;
	self->bdf = pt_arg(0, NULL);
	want = pt_arg(1, "");
	self->want = strtol(want, &end, 10);
	ASSERT_TRUE(self->bdf && *want && !*end && self->want >= 0)
		TH_LOG("usage: pt_dma %s", USAGE);
	self->vm = vm_open();
	ASSERT_LE(0, self->vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	self->dev = node_open(self->bdf);
	ASSERT_LE(0, self->dev) TH_LOG("open the node of %s: %s", self->bdf,
				       strerror(errno));
}

FIXTURE_TEARDOWN(attach)
{
	close(self->dev);
	close(self->vm);
}

TEST_F(attach, attach_gives_the_expected_errno)
{
	int err = attach(self->dev, self->vm);

	EXPECT_EQ(self->want, err)
		TH_LOG("attach %s: %s, expected %s", self->bdf,
		       err ? strerror(err) : "works",
		       self->want ? strerror(self->want) : "it works");
}

/* A VM and two devices, opened. */
FIXTURE(quota) {
	int vm, d1, d2;
};

FIXTURE_SETUP(quota)
{
	const char *a = pt_arg(0, NULL), *b = pt_arg(1, NULL);

	self->vm = -1;
	self->d1 = -1;
	self->d2 = -1;
	ASSERT_TRUE(a && b) TH_LOG("usage: pt_dma %s", USAGE);
	self->vm = vm_open();
	ASSERT_LE(0, self->vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	self->d1 = node_open(a);
	ASSERT_LE(0, self->d1) TH_LOG("open the node of %s: %s", a, strerror(errno));
	self->d2 = node_open(b);
	ASSERT_LE(0, self->d2) TH_LOG("open the node of %s: %s", b, strerror(errno));
}

FIXTURE_TEARDOWN(quota)
{
	close(self->d2);
	close(self->d1);
	close(self->vm);
}

/* One sequence, run with max_devices_per_vm=1. */
TEST_F(quota, one_device_more_than_max_devices_per_vm_is_enospc)
{
	int err = attach(self->d1, self->vm);

	ASSERT_EQ(0, err) TH_LOG("the first device attaches: %s", strerror(err));
	EXPECT_EQ(ENOSPC, attach(self->d2, self->vm));
}

/* The pages this process's VMs pinned, in KiB (VmPin), or -1. */
static long locked_kb(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

#define LEAK_PAGES ((long)(64 * MIB / PG))
#define LEAK_IOVA 0x1000000ULL
/* 64 MiB pinned and unpinned, on a debug kernel too. */
#define LEAK_TIMEOUT 120

/*
 * The pins system-wide and this process's VmPin before the test; each
 * test opens what it needs (the device opens only once).
 */
FIXTURE(leaks) {
	const char *bdf;
	long pin0, lck0;
	int vm, dev;
	uint8_t *mem;
	pid_t child;
};

FIXTURE_SETUP(leaks)
{
	self->vm = -1;
	self->dev = -1;
	self->mem = MAP_FAILED;
	self->bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, self->bdf) TH_LOG("usage: pt_dma %s", USAGE);
	self->pin0 = pt_pins();
	self->lck0 = locked_kb();
	ASSERT_LE(0, self->lck0) TH_LOG("no VmPin in /proc/self/status");
}

FIXTURE_TEARDOWN(leaks)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->dev >= 0)
		close(self->dev);
	if (self->vm >= 0)
		close(self->vm);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, 64 * MIB);
}

/*
 * Open a VM (into *@vm) and @bdf (*@dev), attach, map 64 MiB (*@mem); or
 * end the test, leaving what it opened to the teardown.
 */
static void leaks_map(struct __test_metadata *_metadata, const char *bdf,
		      int *vm, int *dev, uint8_t **mem)
{
	int err;

	*vm = vm_open();
	ASSERT_LE(0, *vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	*dev = node_open(bdf);
	ASSERT_LE(0, *dev) TH_LOG("open the node of %s: %s", bdf, strerror(errno));
	err = attach(*dev, *vm);
	ASSERT_EQ(0, err) TH_LOG("attach: %s", strerror(err));
	*mem = anon(64 * MIB);
	ASSERT_NE(MAP_FAILED, *mem);
	err = map(*vm, LEAK_IOVA, *mem, 64 * MIB, RW);
	ASSERT_EQ(0, err) TH_LOG("map 64 MiB: %s", strerror(err));
}

TEST_F_TIMEOUT(leaks, unmap_releases_every_pin_and_takes_them_off_vmpin, LEAK_TIMEOUT)
{
	int err;

	leaks_map(_metadata, self->bdf, &self->vm, &self->dev, &self->mem);
	EXPECT_EQ(LEAK_PAGES, pt_pins() - self->pin0)
		TH_LOG("64 MiB of pages pinned");
	EXPECT_EQ(64 * 1024, locked_kb() - self->lck0)
		TH_LOG("VmPin shows the pinned pages (kB)");
	err = unmap(self->vm, LEAK_IOVA, 64 * MIB, NULL);
	EXPECT_EQ(0, err) TH_LOG("unmap: %s", strerror(err));
	EXPECT_EQ(self->pin0, pt_pins()) TH_LOG("unmap releases every pin");
	EXPECT_EQ(self->lck0, locked_kb()) TH_LOG("unmap takes them off VmPin");
}

TEST_F_TIMEOUT(leaks, closing_the_last_file_releases_every_pin, LEAK_TIMEOUT)
{
	leaks_map(_metadata, self->bdf, &self->vm, &self->dev, &self->mem);
	close(self->vm);
	self->vm = -1;
	EXPECT_EQ(LEAK_PAGES, pt_pins() - self->pin0)
		TH_LOG("closing the VM with a device attached keeps the mapping");
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(self->pin0, pt_pins())
		TH_LOG("closing the last file releases every pin");
	EXPECT_EQ(self->lck0, locked_kb()) TH_LOG("close takes them off VmPin");
}

TEST_F_TIMEOUT(leaks, kill_9_of_a_process_holding_mappings_releases_every_pin,
	       LEAK_TIMEOUT)
{
	int p[2];
	char c;

	ASSERT_EQ(0, pipe(p)) TH_LOG("pipe: %s", strerror(errno));
	self->child = fork();
	ASSERT_LE(0, self->child) TH_LOG("fork: %s", strerror(errno));
	if (self->child == 0) {
		int vm = vm_open(), dev = node_open(self->bdf);
		uint8_t *mem = anon(64 * MIB);

		if (vm >= 0 && dev >= 0 && mem != MAP_FAILED &&
		    !attach(dev, vm) && !map(vm, LEAK_IOVA, mem, 64 * MIB, RW))
			c = 'y';
		else
			c = 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = '?';
	close(p[0]);
	EXPECT_EQ('y', c) TH_LOG("the child's attach and 64 MiB map");
	EXPECT_EQ(LEAK_PAGES, pt_pins() - self->pin0)
		TH_LOG("a child holds 64 MiB of mappings");
	kill(self->child, SIGKILL);
	waitpid(self->child, NULL, 0);
	self->child = 0;
	EXPECT_EQ(self->pin0, pt_pins())
		TH_LOG("kill -9 of the child releases every pin");
	EXPECT_EQ(self->lck0, locked_kb()) TH_LOG("our VmPin is unchanged");
}

/*
 * The VM node is root's: the administrator grants it to everyone, as udev
 * would; the teardown puts its mode back.
 */
FIXTURE(memlock) {
	mode_t mode;
};

FIXTURE_SETUP(memlock)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/passthru/vm", &st))
		TH_LOG("/dev/passthru/vm: %s", strerror(errno));
	self->mode = st.st_mode & 07777;
	ASSERT_EQ(0, chmod("/dev/passthru/vm", 0666))
		TH_LOG("chmod /dev/passthru/vm: %s", strerror(errno));
}

FIXTURE_TEARDOWN(memlock)
{
	EXPECT_EQ(0, chmod("/dev/passthru/vm", self->mode))
		TH_LOG("put the mode of /dev/passthru/vm back: %s", strerror(errno));
}

/*
 * One sequence in an unprivileged child with a 1 MiB RLIMIT_MEMLOCK: a
 * 2 MiB map is refused, then a 512 KiB one (the refusal charged nothing)
 * works.
 */
TEST_F(memlock, rlimit_memlock_binds_an_unprivileged_process)
{
	int err[2] = { -1, -1 };
	int status = 0, p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(p)) TH_LOG("pipe: %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (pid == 0) {
		struct rlimit rl = { 1 * MIB, 1 * MIB };
		uint8_t *mem = anon(2 * MIB);
		int vm, e[2];

		if (mem == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    setgid(65534) || setuid(65534))
			_exit(100);
		vm = vm_open();
		if (vm < 0)
			_exit(102);
		e[0] = map(vm, 0x1000000, mem, 2 * MIB, RW);
		e[1] = map(vm, 0x1000000, mem, 512 * 1024, RW);
		if (write(p[1], e, sizeof(e)) != sizeof(e))
			_exit(101);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], err, sizeof(err)) != sizeof(err)) {
		err[0] = -1;
		err[1] = -1;
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	EXPECT_EQ(ENOMEM, err[0])
		TH_LOG("unprivileged map beyond RLIMIT_MEMLOCK: %s (status %#x)",
		       err[0] < 0 ? "no answer" : strerror(err[0]), status);
	EXPECT_EQ(0, err[1])
		TH_LOG("unprivileged map within RLIMIT_MEMLOCK: %s",
		       err[1] < 0 ? "no answer" : strerror(err[1]));
}

/*
 * pt_dma hold BDF FILE: no test, a helper for a script, which runs it in
 * the background and kills it.  Attach BDF to a new VM, create FILE,
 * then wait to be killed.  Exit status 1, with why on stderr, when the
 * attach fails; 2 for a wrong call.
 */
static int hold_until_killed(int argc, char **argv)
{
	int vm, dev, err;

	if (argc != 4) {
		fprintf(stderr, "usage: %s hold BDF FILE\n", argv[0]);
		return 2;
	}
	vm = vm_open();
	if (vm < 0) {
		fprintf(stderr, "pt_dma hold: open /dev/passthru/vm: %s\n",
			strerror(errno));
		return 1;
	}
	dev = node_open(argv[2]);
	if (dev < 0) {
		fprintf(stderr, "pt_dma hold: open the node of %s: %s\n",
			argv[2], strerror(errno));
		return 1;
	}
	err = attach(dev, vm);
	if (err) {
		fprintf(stderr, "pt_dma hold: attach %s: %s\n", argv[2],
			strerror(err));
		return 1;
	}
	close(open(argv[3], O_CREAT | O_WRONLY, 0644));
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "hold"))
		return hold_until_killed(argc, argv);
	return pt_harness_main(argc, argv, USAGE);
}
