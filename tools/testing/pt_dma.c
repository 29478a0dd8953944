// SPDX-License-Identifier: GPL-2.0
/*
 * pt_dma: VM address spaces and DMA, tested inside the guest as a VMM
 * would use them, with QEMU's edu device as the DMA engine.  One line per
 * check ("ok - NAME" / "not ok - NAME: why"); exit 1 if any failed.
 *
 *   pt_dma edu BDF          attach; DMA RAM -> edu -> RAM through the
 *                           IOMMU; DMA to never-mapped and unmapped IOVAs
 *                           is blocked
 *   pt_dma errors BDF       every VM and attach argument rule
 *   pt_dma attach BDF ERR   attaching gives errno ERR (a number; 0: works)
 *   pt_dma hold BDF FILE    attach, create FILE, then wait to be killed
 *   pt_dma quota BDF BDF    with max_devices_per_vm=1: second is ENOSPC
 *   pt_dma leaks BDF        pins and VmPin return after unmap, close,
 *                           and kill -9 of a process holding 64 MiB
 *   pt_dma memlock          RLIMIT_MEMLOCK binds an unprivileged process
 *
 * edu's registers are mapped through passthru; its command register is
 * set through sysfs until the config-space region exists.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "pt_util.h"

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

static int vm_open(void)
{
	int fd = open("/dev/passthru/vm", O_RDWR);

	if (fd < 0)
		die("open /dev/passthru/vm");
	return fd;
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

#define RW (PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE)

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

static void *anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static int open_device(const char *bdf)
{
	int fd = node_open(bdf);

	if (fd < 0)
		die("open device node");
	return fd;
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
 * edu's BAR0, mapped through its passthru node @dev, with bus mastering
 * set as asked.  The command register is reached through sysfs, as the
 * config-space region is not there yet.
 */
static uint8_t *edu_map(const char *bdf, int dev, int master)
{
	char path[PATH_MAX];
	uint16_t cmd;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		die(path);
	cmd = master ? cmd | 0x6 : (cmd | 0x2) & ~0x4;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		die("write PCI command");
	close(fd);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		 PASSTHRU_REGION_OFFSET(0));
	if (p == MAP_FAILED)
		die("mmap BAR0 through passthru");
	return p;
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

static int cmd_edu(const char *bdf)
{
	struct passthru_iova_range ranges[16];
	struct passthru_vm_info info = {
		.size = sizeof(info), .num_ranges = 16,
		.ranges = (uintptr_t)ranges,
	};
	uint8_t *bar;
	uint8_t *buf, *gone, *huge;
	unsigned int i;
	int vm, dev, err, msi_free = 1, low_usable = 0;

	vm = vm_open();
	dev = open_device(bdf);
	err = attach(dev, vm);
	check(!err, "edu: attach to a VM", "%s", strerror(err));

	err = pt_ioctl(vm, PASSTHRU_VM_INFO, &info);
	check(!err, "vm info: succeeds", "%s", strerror(err));
	check(info.num_devices == 1, "vm info: one device attached", "%u",
	      info.num_devices);
	check(info.caps & PASSTHRU_VM_INTR_REMAP,
	      "vm info: interrupts remapped", "caps %#x", info.caps);
	check(info.pgsize_bitmap & PG, "vm info: 4 KiB IOMMU pages",
	      "pgsize_bitmap %#llx", (unsigned long long)info.pgsize_bitmap);
	check(info.num_ranges >= 2 && info.num_ranges <= 16,
	      "vm info: usable ranges around the MSI window", "%u ranges",
	      info.num_ranges);
	for (i = 0; i < info.num_ranges && i < 16; i++) {
		printf("# usable IOVA %#llx-%#llx\n",
		       (unsigned long long)ranges[i].start,
		       (unsigned long long)ranges[i].last);
		if (ranges[i].start <= 0xfeefffffULL && ranges[i].last >= 0xfee00000ULL)
			msi_free = 0;
		if (ranges[i].start <= IOVA_BUF && ranges[i].last >= IOVA_NEVER)
			low_usable = 1;
		if (i && ranges[i].start <= ranges[i - 1].last)
			msi_free = 0;
	}
	check(msi_free, "vm info: the MSI window is excluded, ranges ascend",
	      "a usable range covers 0xfee00000-0xfeefffff");
	check(low_usable, "vm info: low IOVAs are usable", "");

	buf = anon(4 * PG);
	memset(buf, 0, 4 * PG);
	for (i = 0; i < PG; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	err = map(vm, IOVA_BUF, buf, 4 * PG, RW);
	check(!err, "map: 16 KiB read/write at IOVA 0x200000", "%s",
	      strerror(err));

	bar = edu_map(bdf, dev, 1);
	err = edu_dma(bar, IOVA_BUF, EDU_BUF, XFER, 0);
	check(!err, "edu: DMA RAM -> device completes", "timeout");
	err = edu_dma(bar, EDU_BUF, IOVA_BUF + PG, XFER, 1);
	check(!err, "edu: DMA device -> RAM completes", "timeout");
	check(!memcmp(buf, buf + PG, XFER) && all_bytes(buf + PG + XFER, PG - XFER, 0),
	      "edu: data survives RAM -> device -> RAM through the IOMMU",
	      "first bytes %02x %02x %02x, want %02x %02x %02x",
	      buf[PG], buf[PG + 1], buf[PG + 2], buf[0], buf[1], buf[2]);

	/* A never-mapped IOVA: the write is blocked, and mapped memory stays. */
	memset(buf + 2 * PG, 0x55, PG);
	err = edu_dma(bar, EDU_BUF, IOVA_NEVER, XFER, 1);
	check(!err, "blocked: DMA to a never-mapped IOVA ends", "timeout");
	check(all_bytes(buf + 2 * PG, PG, 0x55),
	      "blocked: never-mapped IOVA leaves mapped memory untouched", "");

	/* An unmapped IOVA: the memory that was there is not written. */
	gone = anon(PG);
	memset(gone, 0xaa, PG);
	err = map(vm, IOVA_GONE, gone, PG, RW);
	check(!err, "blocked: map a page at 0x400000", "%s", strerror(err));
	err = unmap(vm, IOVA_GONE, PG, NULL);
	check(!err, "blocked: unmap it", "%s", strerror(err));
	err = edu_dma(bar, EDU_BUF, IOVA_GONE, XFER, 1);
	check(!err, "blocked: DMA to the unmapped IOVA ends", "timeout");
	check(all_bytes(gone, PG, 0xaa),
	      "blocked: the unmapped page is not written", "first byte %02x",
	      gone[0]);

	/*
	 * Huge pages: a 2 MiB-aligned THP mapped at a 2 MiB-aligned IOVA goes
	 * in as large IOMMU pages; DMA must land at the right offset in it.
	 */
	huge = mmap(NULL, 6 * MIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (huge == MAP_FAILED)
		die("mmap");
	huge = (uint8_t *)(((uintptr_t)huge + 2 * MIB - 1) & ~(2 * MIB - 1));
	madvise(huge, 4 * MIB, MADV_HUGEPAGE);
	memset(huge, 0x11, 4 * MIB);
	err = map(vm, IOVA_HUGE, huge, 4 * MIB, RW);
	check(!err, "huge: map 4 MiB of THP at a 2 MiB-aligned IOVA", "%s",
	      strerror(err));
	err = edu_dma(bar, EDU_BUF, IOVA_HUGE + 3 * MIB + PG, XFER, 1);
	check(!err && !memcmp(huge + 3 * MIB + PG, buf, XFER) &&
	      all_bytes(huge + 3 * MIB, PG, 0x11) &&
	      all_bytes(huge + 3 * MIB + PG + XFER, PG - XFER, 0x11),
	      "huge: DMA lands at its offset inside the second huge page",
	      "%s", err ? "timeout" : "data misplaced");
	err = unmap(vm, IOVA_HUGE, 4 * MIB, NULL);
	check(!err, "huge: unmap", "%s", strerror(err));

	munmap(bar, PG);
	munmap(edu_map(bdf, dev, 0), PG);
	close(dev);
	close(vm);
	return failures ? 1 : 0;
}

static int cmd_errors(const char *bdf)
{
	struct passthru_dma_unmap u;
	uint64_t done = 0;
	uint8_t *buf, *hole;
	int vm, vm2, dev, err, status;
	void *io;
	pid_t pid;

	vm = vm_open();
	vm2 = vm_open();
	dev = open_device(bdf);
	buf = anon(16 * PG);

	/* Mapped before any attach, over what the group reserves. */
	{
		int vm3 = vm_open();

		err = map(vm3, 0xfee00000ULL, buf, PG, RW);
		check(!err, "map: before any attach, the whole aperture is usable",
		      "%s", strerror(err));
		err = attach(dev, vm3);
		check(err == EADDRINUSE,
		      "attach: a mapping over the group's reserved region is EADDRINUSE",
		      "%s", strerror(err));
		close(vm3);
	}

	err = attach(dev, dev);
	check(err == EINVAL, "attach: a descriptor that is not a VM is EINVAL",
	      "%s", strerror(err));
	err = attach(dev, 1000);
	check(err == EBADF, "attach: a bad descriptor is EBADF", "%s",
	      strerror(err));
	err = attach(dev, vm);
	check(!err, "attach: works", "%s", strerror(err));
	err = attach(dev, vm);
	check(err == EBUSY, "attach: twice is EBUSY", "%s", strerror(err));
	err = attach(dev, vm2);
	check(err == EBUSY, "attach: to a second VM is EBUSY", "%s",
	      strerror(err));

	err = map(vm, IOVA_BUF, buf, 0, RW);
	check(err == EINVAL, "map: zero length is EINVAL", "%s", strerror(err));
	err = map(vm, IOVA_BUF + 1, buf, PG, RW);
	check(err == EINVAL, "map: unaligned IOVA is EINVAL", "%s",
	      strerror(err));
	err = map(vm, IOVA_BUF, buf + 1, PG, RW);
	check(err == EINVAL, "map: unaligned vaddr is EINVAL", "%s",
	      strerror(err));
	err = map(vm, IOVA_BUF, buf, PG + 1, RW);
	check(err == EINVAL, "map: unaligned length is EINVAL", "%s",
	      strerror(err));
	err = map(vm, IOVA_BUF, buf, PG, 0);
	check(err == EINVAL, "map: neither READ nor WRITE is EINVAL", "%s",
	      strerror(err));
	err = map(vm, IOVA_BUF, buf, PG, RW | 0x100);
	check(err == EINVAL, "map: unknown flag is EINVAL", "%s",
	      strerror(err));
	err = map(vm, 0xfffffffffffff000ULL, buf, 2 * PG, RW);
	check(err == EOVERFLOW, "map: iova + length overflow is EOVERFLOW", "%s",
	      strerror(err));
	{
		struct passthru_iova_range r[16];
		struct passthru_vm_info info = {
			.size = sizeof(info), .num_ranges = 16,
			.ranges = (uintptr_t)r,
		};
		uint64_t top;

		err = pt_ioctl(vm, PASSTHRU_VM_INFO, &info);
		top = !err && info.num_ranges && info.num_ranges <= 16 ?
		      r[info.num_ranges - 1].last : 0;
		if (err || !top) {
			check(0, "map: beyond the aperture is ERANGE",
			      "VM_INFO: %s, %u ranges", strerror(err),
			      info.num_ranges);
		} else if (top == UINT64_MAX) {
			skip_check("map: beyond the aperture is ERANGE",
				   "this IOMMU's aperture covers all 64 bits");
		} else {
			err = map(vm, top + 1, buf, PG, RW);
			check(err == ERANGE, "map: beyond the aperture is ERANGE",
			      "%s", strerror(err));
		}
	}
	err = map(vm, 0xfee00000ULL, buf, PG, RW);
	check(err == ERANGE, "map: in the MSI window is ERANGE", "%s",
	      strerror(err));
	err = map(vm, 0xfedff000ULL, buf, 2 * PG, RW);
	check(err == ERANGE, "map: straddling the MSI window is ERANGE", "%s",
	      strerror(err));

	hole = anon(PG);
	munmap(hole, PG);
	err = map(vm, IOVA_BUF, hole, PG, RW);
	check(err == EFAULT, "map: vaddr not mapped is EFAULT", "%s",
	      strerror(err));
	io = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		  PASSTHRU_REGION_OFFSET(0));
	if (io == MAP_FAILED)
		die("mmap BAR0 through passthru");
	err = map(vm, IOVA_BUF, io, PG, RW);
	check(err == EOPNOTSUPP,
	      "map: a PFNMAP/IO mapping (a BAR) is EOPNOTSUPP", "%s",
	      strerror(err));
	munmap(io, PG);

	err = map(vm, IOVA_BUF, buf, 8 * PG, RW);
	check(!err, "map: 32 KiB works", "%s", strerror(err));
	err = map(vm, IOVA_BUF + 4 * PG, buf + 8 * PG, 8 * PG, RW);
	check(err == EEXIST, "map: overlapping an existing mapping is EEXIST",
	      "%s", strerror(err));
	err = map(vm, IOVA_BUF + 8 * PG, buf + 8 * PG, 4 * PG, PASSTHRU_DMA_READ);
	check(!err, "map: read-only right after it works", "%s",
	      strerror(err));

	pid = fork();
	if (pid == 0)
		_exit(map(vm, IOVA_BUF + 16 * PG, buf, PG, RW));
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == EPERM,
	      "map: from another process is EPERM", "status %#x", status);

	err = unmap(vm, IOVA_BUF + 32 * PG, PG, NULL);
	check(err == ENOENT, "unmap: nothing mapped is ENOENT", "%s",
	      strerror(err));
	err = unmap(vm, IOVA_BUF, 4 * PG, NULL);
	check(err == EINVAL, "unmap: cutting a mapping is EINVAL", "%s",
	      strerror(err));
	err = unmap(vm, IOVA_BUF + 1, PG, NULL);
	check(err == EINVAL, "unmap: unaligned is EINVAL", "%s", strerror(err));
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.flags = PASSTHRU_DMA_UNMAP_ALL;
	u.iova = PG;
	err = pt_ioctl(vm, PASSTHRU_VM_UNMAP_DMA, &u);
	check(err == EINVAL, "unmap: ALL with a range is EINVAL", "%s",
	      strerror(err));
	err = unmap(vm, IOVA_BUF, 12 * PG, &done);
	check(!err && done == 12 * PG,
	      "unmap: a range of two whole mappings, reports 48 KiB", "%s, %llu",
	      strerror(err), (unsigned long long)done);
	err = map(vm, IOVA_BUF, buf, 8 * PG, RW);
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.flags = PASSTHRU_DMA_UNMAP_ALL;
	err = err ?: pt_ioctl(vm, PASSTHRU_VM_UNMAP_DMA, &u);
	check(!err && u.length == 8 * PG, "unmap: ALL reports what it unmapped",
	      "%s, %llu", strerror(err), (unsigned long long)u.length);

	close(dev);
	close(vm);
	close(vm2);
	return failures ? 1 : 0;
}

static int cmd_attach(const char *bdf, int want)
{
	int vm = vm_open(), dev = open_device(bdf);
	int err = attach(dev, vm);
	char name[128];

	snprintf(name, sizeof(name), "attach %s: %s", bdf,
		 want ? strerror(want) : "works");
	check(err == want, name, "%s", strerror(err));
	close(dev);
	close(vm);
	return failures ? 1 : 0;
}

static int cmd_hold(const char *bdf, const char *file)
{
	int vm = vm_open(), dev = open_device(bdf);
	int err = attach(dev, vm);

	check(!err, "hold: attach", "%s", strerror(err));
	if (err)
		return 1;
	close(open(file, O_CREAT | O_WRONLY, 0644));
	for (;;)
		pause();
}

static int cmd_quota(const char *a, const char *b)
{
	int vm = vm_open(), d1 = open_device(a), d2 = open_device(b);
	int err;

	err = attach(d1, vm);
	check(!err, "quota: first device attaches", "%s", strerror(err));
	err = attach(d2, vm);
	check(err == ENOSPC, "quota: one more than max_devices_per_vm is ENOSPC",
	      "%s", strerror(err));
	close(d2);
	close(d1);
	close(vm);
	return failures ? 1 : 0;
}

/* The pages this process's VMs pinned, in KiB (VmPin). */
static long locked_kb(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int cmd_leaks(const char *bdf)
{
	const long pages = 64 * MIB / PG;
	long pin0 = pt_pins(), lck0 = locked_kb();
	int vm, dev, err, p[2];
	uint8_t *mem;
	char c;
	pid_t pid;

	vm = vm_open();
	dev = open_device(bdf);
	err = attach(dev, vm);
	check(!err, "leaks: attach", "%s", strerror(err));
	mem = anon(64 * MIB);
	err = map(vm, 0x1000000, mem, 64 * MIB, RW);
	check(!err, "leaks: map 64 MiB", "%s", strerror(err));
	check(pt_pins() - pin0 == pages, "leaks: 64 MiB of pages pinned",
	      "%ld", pt_pins() - pin0);
	check(locked_kb() - lck0 == 64 * 1024, "leaks: VmPin shows the pinned pages",
	      "%ld kB", locked_kb() - lck0);
	err = unmap(vm, 0x1000000, 64 * MIB, NULL);
	check(!err && pt_pins() == pin0, "leaks: unmap releases every pin",
	      "%s, %ld left", strerror(err), pt_pins() - pin0);
	check(locked_kb() == lck0, "leaks: unmap takes them off VmPin", "%ld kB",
	      locked_kb() - lck0);

	err = map(vm, 0x1000000, mem, 64 * MIB, RW);
	check(!err, "leaks: map 64 MiB again", "%s", strerror(err));
	close(vm);
	check(pt_pins() - pin0 == pages,
	      "leaks: closing the VM with a device attached keeps the mapping",
	      "%ld", pt_pins() - pin0);
	close(dev);
	check(pt_pins() == pin0, "leaks: closing the last file releases every pin",
	      "%ld left", pt_pins() - pin0);
	check(locked_kb() == lck0, "leaks: close takes them off VmPin", "%ld kB",
	      locked_kb() - lck0);
	munmap(mem, 64 * MIB);

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		vm = vm_open();
		dev = open_device(bdf);
		mem = anon(64 * MIB);
		if (!attach(dev, vm) && !map(vm, 0x1000000, mem, 64 * MIB, RW))
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
	check(c == 'y' && pt_pins() - pin0 == pages,
	      "leaks: a child holds 64 MiB of mappings", "%c, %ld pinned", c,
	      pt_pins() - pin0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	check(pt_pins() == pin0, "leaks: kill -9 of the child releases every pin",
	      "%ld left", pt_pins() - pin0);
	check(locked_kb() == lck0, "leaks: our VmPin is unchanged", "%ld kB",
	      locked_kb() - lck0);
	return failures ? 1 : 0;
}

static int cmd_memlock(void)
{
	int status, p[2];
	pid_t pid;

	if (pipe(p))
		die("pipe");
	/* The VM node is root's: the administrator grants it, as udev would. */
	chmod("/dev/passthru/vm", 0666);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 1 * MIB, 1 * MIB };
		uint8_t *mem = anon(2 * MIB);
		int vm, err[2];

		if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgid(65534) ||
		    setuid(65534))
			_exit(100);
		vm = vm_open();
		err[0] = map(vm, 0x1000000, mem, 2 * MIB, RW);
		err[1] = map(vm, 0x1000000, mem, 512 * 1024, RW);
		if (write(p[1], err, sizeof(err)) != sizeof(err))
			_exit(101);
		_exit(0);
	}
	{
		int err[2] = { -1, -1 };

		close(p[1]);
		if (read(p[0], err, sizeof(err)) != sizeof(err)) {
			err[0] = -1;
			err[1] = -1;
		}
		waitpid(pid, &status, 0);
		chmod("/dev/passthru/vm", 0600);
		check(err[0] == ENOMEM,
		      "memlock: unprivileged map beyond RLIMIT_MEMLOCK is ENOMEM",
		      "%s (status %#x)", strerror(err[0]), status);
		check(err[1] == 0,
		      "memlock: unprivileged map within RLIMIT_MEMLOCK works",
		      "%s", strerror(err[1]));
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "edu"))
		return cmd_edu(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "errors"))
		return cmd_errors(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "attach"))
		return cmd_attach(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "quota"))
		return cmd_quota(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "leaks"))
		return cmd_leaks(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "memlock"))
		return cmd_memlock();
	fprintf(stderr, "usage: see the top of pt_dma.c\n");
	return 2;
}
