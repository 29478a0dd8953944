// SPDX-License-Identifier: GPL-2.0
/*
 * pt_region: a device's regions through passthru, as a VMM uses them:
 * PASSTHRU_REGION_INFO, pread()/pwrite() and mmap() of BARs.  One line per
 * check; exit 1 if any failed.
 *
 *   pt_region edu BDF       edu: identification, liveness and factorial
 *                           registers, by pread/pwrite and by mmap; range
 *                           rules; EIO and SIGBUS with memory decode off;
 *                           SIGBUS after the function is unbound
 *   pt_region testdev BDF   pci-testdev: its memory and I/O BARs, written
 *                           and read back by its own test protocol
 *   pt_region msix BDF      a function with MSI-X (nvme): the table reads
 *                           as all ones and its page cannot be mapped;
 *                           PCIe device control cannot start an FLR
 *   pt_region nvme BDF      nvme, unbound: CAP and VS of BAR0 through
 *                           sysfs resource0, then bound to passthru: the
 *                           same registers through a passthru mapping
 *   pt_region config BDF    edu's virtual config space: IDs, BAR sizing
 *                           that never moves the real BAR, command register
 *                           (memory decode off revokes the mapping),
 *                           INTx-disable and MSI kept virtual
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "pt_util.h"

#define PG 4096UL
#define BAR(n) PASSTHRU_REGION_OFFSET(n)

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

static int rd32(int fd, uint64_t off, uint32_t *v)
{
	return pread(fd, v, 4, off) == 4 ? 0 : errno;
}

static int wr32(int fd, uint64_t off, uint32_t v)
{
	return pwrite(fd, &v, 4, off) == 4 ? 0 : errno;
}

static uint32_t mmio_rd32(uint8_t *p, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(p + off), __ATOMIC_RELAXED);
}

static void mmio_wr32(uint8_t *p, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(p + off), v, __ATOMIC_RELAXED);
}

/* Set or clear memory decode behind passthru's back, as the host can. */
static void set_decode(const char *bdf, int on)
{
	char path[PATH_MAX];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		die(path);
	cmd = on ? cmd | 2 : cmd & ~2;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		die("write PCI command");
	close(fd);
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
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
}

static int cmd_edu(const char *bdf)
{
	struct passthru_region_area areas[4];
	struct passthru_region_info info;
	uint32_t v, x = 0x12345678;
	uint8_t *bar, *p2;
	int fd, err, i;
	char path[PATH_MAX];

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	err = region_info(fd, 0, &info, areas, 4);
	check(!err && info.region_size == 1 << 20 &&
	      info.offset == BAR(0) &&
	      (info.caps & (PASSTHRU_REGION_READ | PASSTHRU_REGION_WRITE |
			    PASSTHRU_REGION_MMAP | PASSTHRU_REGION_IO)) ==
	      (PASSTHRU_REGION_READ | PASSTHRU_REGION_WRITE | PASSTHRU_REGION_MMAP),
	      "region info: edu BAR0 is 1 MiB, read/write/mmap",
	      "%s, size %#llx caps %#x", strerror(err),
	      (unsigned long long)info.region_size, info.caps);
	check(info.num_areas == 1 && areas[0].offset == 0 &&
	      areas[0].size == 1 << 20, "region info: one mappable area, all of it",
	      "%u areas", info.num_areas);
	err = region_info(fd, 1, &info, NULL, 0);
	check(!err && !info.caps && !info.region_size,
	      "region info: an unimplemented BAR has no caps", "%s, %#x",
	      strerror(err), info.caps);
	err = region_info(fd, PASSTHRU_NUM_REGIONS, &info, NULL, 0);
	check(err == EINVAL, "region info: an index past the last is EINVAL",
	      "%s", strerror(err));

	err = rd32(fd, BAR(0), &v);
	check(!err && v == 0x010000ed, "pread: edu identification register",
	      "%s, %#x", strerror(err), v);
	err = wr32(fd, BAR(0) + 4, x);
	err = err ?: rd32(fd, BAR(0) + 4, &v);
	check(!err && v == ~x, "pwrite/pread: edu liveness register inverts",
	      "%s, %#x", strerror(err), v);
	err = wr32(fd, BAR(0) + 8, 5);
	for (i = 0; !err && i < 100; i++) {
		err = rd32(fd, BAR(0) + 0x20, &v);
		if (!(v & 1))
			break;
		usleep(1000);
	}
	err = err ?: rd32(fd, BAR(0) + 8, &v);
	check(!err && v == 120, "pwrite/pread: edu computes 5! = 120",
	      "%s, %u", strerror(err), v);

	err = pread(fd, &v, 4, BAR(0) + (1 << 20)) < 0 ? errno : 0;
	check(err == EINVAL, "pread: past the end of a BAR is EINVAL", "%s",
	      strerror(err));
	err = pread(fd, &v, 4, BAR(1)) < 0 ? errno : 0;
	check(err == EINVAL, "pread: a BAR that does not exist is EINVAL", "%s",
	      strerror(err));
	err = pread(fd, &v, 4, BAR(PASSTHRU_NUM_REGIONS + 1)) < 0 ? errno : 0;
	check(err == EINVAL, "pread: an offset past every region is EINVAL",
	      "%s", strerror(err));

	bar = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, BAR(0));
	check(bar == MAP_FAILED && errno == EINVAL,
	      "mmap: MAP_PRIVATE is EINVAL", "%s", strerror(errno));
	bar = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, BAR(0));
	check(bar == MAP_FAILED && errno == EINVAL,
	      "mmap: beyond the BAR is EINVAL", "%s", strerror(errno));
	bar = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, BAR(0));
	if (bar == MAP_FAILED)
		die("mmap BAR0");
	check(mmio_rd32(bar, 0) == 0x010000ed,
	      "mmap: edu identification register", "%#x", mmio_rd32(bar, 0));
	mmio_wr32(bar, 4, x);
	check(mmio_rd32(bar, 4) == ~x, "mmap: edu liveness register inverts",
	      "%#x", mmio_rd32(bar, 4));

	/*
	 * Memory decode off (behind passthru's back, as the host can): pread
	 * is refused, and a fault on a new mapping gets SIGBUS.  (A fault
	 * fills up to 2 MiB, so the pages of @bar are all present by now.)
	 */
	set_decode(bdf, 0);
	err = rd32(fd, BAR(0), &v);
	check(err == EIO, "decode off: pread is EIO", "%s", strerror(err));
	p2 = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, BAR(0));
	if (p2 == MAP_FAILED)
		die("mmap BAR0 again");
	check(child_sigbus(p2 + 2 * PG),
	      "decode off: a fault on a mapped page is SIGBUS", "no SIGBUS");
	set_decode(bdf, 1);
	check(!child_sigbus(p2 + 2 * PG) && mmio_rd32(p2, 0) == 0x010000ed,
	      "decode on: the mapping works again", "");
	munmap(p2, 4 * PG);

	/* Unbinding zaps the mapping: even touched pages SIGBUS. */
	(void)mmio_rd32(bar, 3 * PG);
	err = write_file("/sys/bus/pci/drivers/passthru/unbind", bdf);
	check(!err && pt_self_sigbus(bar) && pt_self_sigbus(bar + 3 * PG),
	      "unbind: pages this process had mapped are revoked (SIGBUS)", "%s",
	      strerror(err));
	err = rd32(fd, BAR(0), &v);
	check(err == ENODEV, "unbind: pread is ENODEV", "%s", strerror(err));
	munmap(bar, 1 << 20);
	close(fd);
	err = write_file("/sys/bus/pci/drivers_probe", bdf);
	snprintf(path, sizeof(path), "/dev/passthru/%s", bdf);
	check(!err && !access(path, F_OK), "unbind: the function is claimed again",
	      "%s", strerror(err));
	return failures ? 1 : 0;
}

/* pci-testdev's protocol: select test 0, write its data at its offset. */
static void testdev_bar(int fd, unsigned int index, const char *what)
{
	uint32_t off, count0, count1;
	uint8_t width, data, sel = 0;
	char name[32] = "", label[96];
	int err;

	err = pwrite(fd, &sel, 1, BAR(index)) == 1 ? 0 : errno;
	err = err ?: (pread(fd, &width, 1, BAR(index) + 1) == 1 ? 0 : errno);
	err = err ?: rd32(fd, BAR(index) + 4, &off);
	err = err ?: (pread(fd, &data, 1, BAR(index) + 8) == 1 ? 0 : errno);
	err = err ?: rd32(fd, BAR(index) + 12, &count0);
	err = err ?: (pread(fd, name, sizeof(name) - 1, BAR(index) + 16) > 0 ?
		      0 : errno);
	snprintf(label, sizeof(label), "testdev: %s BAR%u header reads (test \"%s\")",
		 what, index, name);
	check(!err && strstr(name, "eventfd") &&
	      (width == 1 || width == 2 || width == 4),
	      label, "%s, width %u", strerror(err), width);
	if (err)
		return;
	{
		char part[4] = "";

		err = pread(fd, part, 3, BAR(index) + 17) == 3 ? 0 : errno;
		snprintf(label, sizeof(label),
			 "testdev: %s BAR%u: 3 unaligned bytes are split and land in order",
			 what, index);
		check(!err && !memcmp(part, name + 1, 3), label, "%s, \"%s\"",
		      strerror(err), part);
	}
	err = pwrite(fd, &data, width == 4 ? 4 : width, BAR(index) + off) > 0 ?
	      0 : errno;
	err = err ?: rd32(fd, BAR(index) + 12, &count1);
	snprintf(label, sizeof(label),
		 "testdev: %s BAR%u write at the test offset is counted", what,
		 index);
	check(!err && count1 == count0 + 1, label, "%s, count %u -> %u",
	      strerror(err), count0, count1);
}

static int cmd_testdev(const char *bdf)
{
	struct passthru_region_info info;
	unsigned int i, mem = 99, io = 99;
	void *p;
	int fd, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	for (i = 0; i < 2; i++) {
		err = region_info(fd, i, &info, NULL, 0);
		if (!err && info.caps & PASSTHRU_REGION_IO)
			io = i;
		else if (!err && info.caps)
			mem = i;
	}
	check(mem < 2 && io < 2, "testdev: one memory and one I/O BAR", "mem %u io %u",
	      mem, io);
	if (mem >= 2 || io >= 2)
		return 1;
	err = region_info(fd, io, &info, NULL, 0);
	check(!err && !(info.caps & PASSTHRU_REGION_MMAP) && info.region_size,
	      "testdev: the I/O BAR is not mappable", "caps %#x", info.caps);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, BAR(io));
	check(p == MAP_FAILED && errno == EINVAL,
	      "testdev: mmap of the I/O BAR is EINVAL", "%s", strerror(errno));
	testdev_bar(fd, mem, "memory");
	testdev_bar(fd, io, "I/O");
	close(fd);
	return failures ? 1 : 0;
}

#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)

static uint32_t sysfs_cfg32(const char *bdf, unsigned int off)
{
	char path[PATH_MAX];
	uint32_t v = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, &v, 4, off) != 4)
		die(path);
	close(fd);
	return v;
}

static int cmd_config(const char *bdf)
{
	struct passthru_region_info info;
	uint32_t v, bar0, real_bar0;
	uint16_t cmd;
	unsigned int msi;
	uint8_t *bar;
	int fd, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	err = region_info(fd, PASSTHRU_REGION_CONFIG, &info, NULL, 0);
	check(!err && (info.region_size == 256 || info.region_size == 4096) &&
	      !(info.caps & PASSTHRU_REGION_MMAP),
	      "config: region info, 256 or 4096 bytes, not mappable",
	      "%s, %llu", strerror(err), (unsigned long long)info.region_size);
	err = rd32(fd, CFG, &v);
	check(!err && v == sysfs_cfg32(bdf, 0), "config: vendor and device IDs",
	      "%s, %#x", strerror(err), v);
	err = rd32(fd, CFG + 8, &v);
	check(!err && v == sysfs_cfg32(bdf, 8), "config: class and revision",
	      "%s, %#x", strerror(err), v);
	err = wr32(fd, CFG, 0xdeadbeef);
	err = err ?: rd32(fd, CFG, &v);
	check(!err && v == sysfs_cfg32(bdf, 0),
	      "config: writing the IDs changes nothing", "%s, %#x",
	      strerror(err), v);

	real_bar0 = sysfs_cfg32(bdf, PCI_BASE_ADDRESS_0);
	err = rd32(fd, CFG + PCI_BASE_ADDRESS_0, &bar0);
	err = err ?: wr32(fd, CFG + PCI_BASE_ADDRESS_0, 0xffffffff);
	err = err ?: rd32(fd, CFG + PCI_BASE_ADDRESS_0, &v);
	check(!err && (v & ~0xfu) == 0xfff00000 && (v & 0xf) == (bar0 & 0xf),
	      "config: BAR0 sizing with all ones gives 1 MiB", "%s, %#x",
	      strerror(err), v);
	check(sysfs_cfg32(bdf, PCI_BASE_ADDRESS_0) == real_bar0,
	      "config: the real BAR0 did not move", "%#x -> %#x", real_bar0,
	      sysfs_cfg32(bdf, PCI_BASE_ADDRESS_0));
	err = wr32(fd, CFG + PCI_BASE_ADDRESS_0, bar0);
	err = err ?: rd32(fd, CFG + PCI_BASE_ADDRESS_0, &v);
	check(!err && v == bar0, "config: BAR0 takes its value back", "%#x", v);
	err = wr32(fd, CFG + PCI_BASE_ADDRESS_1, 0xffffffff);
	err = err ?: rd32(fd, CFG + PCI_BASE_ADDRESS_1, &v);
	check(!err && v == 0, "config: an unimplemented BAR sizes as 0", "%#x", v);

	bar = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, BAR(0));
	if (bar == MAP_FAILED)
		die("mmap BAR0");
	(void)mmio_rd32(bar, 0);
	err = pread(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno;
	cmd &= ~2;
	err = err ?: (pwrite(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno);
	check(!err && !(sysfs_cfg32(bdf, 4) & 2),
	      "config: clearing memory decode reaches the device", "%s",
	      strerror(err));
	check(pt_self_sigbus(bar),
	      "config: decode off zaps the page this process had mapped (SIGBUS)",
	      "no SIGBUS");
	err = rd32(fd, BAR(0), &v);
	check(err == EIO, "config: decode off makes pread EIO", "%s",
	      strerror(err));
	cmd |= 2;
	err = pwrite(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno;
	check(!err && !pt_self_sigbus(bar) && mmio_rd32(bar, 0) == 0x010000ed,
	      "config: decode back on, the mapping works again", "%s",
	      strerror(err));
	munmap(bar, 4 * PG);

	cmd |= 4;
	err = pwrite(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno;
	check(!err && !(sysfs_cfg32(bdf, 4) & 4),
	      "config: bus mastering stays off while the device is in no VM",
	      "%s, real %#x", strerror(err), sysfs_cfg32(bdf, 4));
	cmd &= ~4;
	cmd |= 0x400;
	err = pwrite(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno;
	err = err ?: (pread(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno);
	check(!err && (cmd & 0x400), "config: INTx-disable reads as written",
	      "%s, %#x", strerror(err), cmd);
	cmd &= ~0x400;
	err = pwrite(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno;
	err = err ?: (pread(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno);
	check(!err && !(cmd & 0x400) && (sysfs_cfg32(bdf, 4) & 0x400),
	      "config: INTx-disable is virtual; the host keeps INTx off while unused",
	      "%s, %#x / real %#x", strerror(err), cmd, sysfs_cfg32(bdf, 4));

	msi = pt_find_cap(fd, 0x05);
	check(msi, "config: the MSI capability is listed", "none");
	if (msi) {
		uint16_t flags;

		err = pread(fd, &flags, 2, CFG + msi + 2) == 2 ? 0 : errno;
		flags |= 1;
		err = err ?: (pwrite(fd, &flags, 2, CFG + msi + 2) == 2 ? 0 : errno);
		err = err ?: (pread(fd, &flags, 2, CFG + msi + 2) == 2 ? 0 : errno);
		check(!err && (flags & 1) && !(sysfs_cfg32(bdf, msi) & 0x10000),
		      "config: MSI enable is virtual", "%s, flags %#x",
		      strerror(err), flags);
	}
	close(fd);
	fd = node_open(bdf);
	err = fd < 0 ? errno : rd32(fd, CFG + PCI_BASE_ADDRESS_1, &v);
	err = err ?: (pread(fd, &cmd, 2, CFG + 4) == 2 ? 0 : errno);
	check(!err && !(cmd & 0x400), "config: a new open starts afresh", "%s, %#x",
	      strerror(err), cmd);
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_msix(const char *bdf)
{
	struct passthru_region_area areas[4];
	struct passthru_region_info info;
	char path[PATH_MAX];
	uint8_t cfg[256], cap;
	uint32_t table = 0, v = 0;
	unsigned int bir, off, i;
	int fd, cfd, err;
	void *p;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	cfd = open(path, O_RDONLY);
	if (cfd < 0 || pread(cfd, cfg, sizeof(cfg), 0) != sizeof(cfg))
		die(path);
	close(cfd);
	for (cap = cfg[0x34]; cap && cfg[cap] != 0x11; cap = cfg[cap + 1])
		;
	if (!cap) {
		check(0, "msix: the function has MSI-X", "no capability");
		return 1;
	}
	memcpy(&table, cfg + cap + 4, 4);
	bir = table & 7;
	off = table & ~7u;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	err = rd32(fd, BAR(bir) + off, &v);
	check(!err && v == 0xffffffff, "msix: the table reads as all ones",
	      "%s, %#x", strerror(err), v);
	err = wr32(fd, BAR(bir) + off, 0);
	err = err ?: rd32(fd, BAR(bir) + off, &v);
	check(!err && v == 0xffffffff, "msix: writes to the table are dropped",
	      "%s, %#x", strerror(err), v);
	err = region_info(fd, bir, &info, areas, 4);
	for (i = 0; !err && i < info.num_areas && i < 4; i++)
		if (off >= areas[i].offset && off < areas[i].offset + areas[i].size)
			err = EEXIST;
	check(!err && info.region_size, "msix: no mappable area holds the table",
	      "%s", strerror(err));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, BAR(bir) + (off & ~(PG - 1)));
	check(p == MAP_FAILED && errno == EINVAL,
	      "msix: mmap over the table page is EINVAL", "%s", strerror(errno));

	cap = pt_find_cap(fd, 0x10);
	check(cap, "pcie: the PCI Express capability is listed", "none");
	if (cap) {
		uint16_t devctl, real0 = sysfs_cfg32(bdf, cap + 8);

		err = pread(fd, &devctl, 2, CFG + cap + 8) == 2 ? 0 : errno;
		devctl |= 0x8000;
		err = err ?: (pwrite(fd, &devctl, 2, CFG + cap + 8) == 2 ? 0 : errno);
		err = err ?: (pread(fd, &devctl, 2, CFG + cap + 8) == 2 ? 0 : errno);
		check(!err && !(devctl & 0x8000) &&
		      (uint16_t)sysfs_cfg32(bdf, cap + 8) == real0,
		      "pcie: device control cannot start an FLR", "%s, %#x",
		      strerror(err), devctl);
	}
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_nvme(const char *bdf)
{
	uint32_t want[3], got[3];
	char path[PATH_MAX];
	unsigned int i;
	uint8_t *p;
	int fd;

	/* The reference: the host's own view, as a user-space driver has it. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	write_file(path, "1");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDONLY);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die(path);
	for (i = 0; i < 3; i++)
		want[i] = mmio_rd32(p, 4 * i);
	munmap(p, PG);
	close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	write_file(path, "0");

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	if (write_file(path, "passthru") ||
	    write_file("/sys/bus/pci/drivers_probe", bdf))
		die("bind nvme to passthru");
	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, BAR(0));
	if (p == MAP_FAILED)
		die("mmap BAR0");
	for (i = 0; i < 3; i++)
		got[i] = mmio_rd32(p, 4 * i);
	check(want[0] != 0xffffffff && !memcmp(want, got, 8),
	      "nvme: CAP through the mapping is what sysfs resource0 gave",
	      "%#x%08x, sysfs %#x%08x", got[1], got[0], want[1], want[0]);
	check(want[2] >= 0x10000 && got[2] == want[2],
	      "nvme: VS through the mapping is what sysfs resource0 gave",
	      "%#x, sysfs %#x", got[2], want[2]);
	munmap(p, PG);
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "nvme"))
		return cmd_nvme(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "edu"))
		return cmd_edu(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "testdev"))
		return cmd_testdev(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "msix"))
		return cmd_msix(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "config"))
		return cmd_config(argv[2]);
	fprintf(stderr, "usage: see the top of pt_region.c\n");
	return 2;
}
