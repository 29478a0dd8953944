// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-read: a small userspace NVMe driver on libpassthru.  It takes an
 * NVMe controller that passthru holds, puts it in a VM of its own, and
 * reads a range of blocks with one I/O queue pair, by polling or by MSI-X
 * interrupt, checking every byte against the demo pattern.
 *
 *   nvme-read BDF [--irq] [--first LBA] [--blocks N] [--quiet] [--vfio]
 *   nvme-read BDF --bench SECONDS [--vfio]
 *   nvme-read --make-image FILE MIB     write the pattern into FILE
 *
 * --vfio drives the controller through vfio-pci instead, the same way, for
 * comparison; --bench issues 4 KiB random reads at queue depth 8, polled,
 * for SECONDS and prints "iops N".
 *
 * The pattern: the image is made of 32-byte records; the record at byte
 * offset o of block b (512-byte blocks) reads "lba BBBBBBBB byte OOO ok"
 * padded with spaces and ended by a newline, so any block says where it
 * came from.  Exit status 0 when every block read back right.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "libpassthru.h"

#define PG 4096u
#define QSIZE 16
#define IOVA_BASE 0x10000000ull
#define REC 32
#define SECTOR 512

/* Queue entries, from the NVMe base specification. */
struct sqe {
	uint8_t opcode, flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd, mptr, prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe {
	uint32_t result, rsvd;
	uint16_t sq_head, sq_id, cid, status;
};

struct queue {
	struct sqe *sq;
	struct cqe *cq;
	uint64_t sq_iova, cq_iova;
	unsigned int qid, tail, head, phase;
	int efd;		/* MSI-X eventfd, or -1 to poll */
};

struct ctrl {
	struct pt_dev dev;
	struct pt_vm vm;
	int vfio;		/* through vfio-pci: container, group, device */
	int container, group, vdev;
	uint8_t *regs;
	uint8_t *mem;		/* 4 queue pages, then the data pages */
	unsigned int dstrd;
	struct queue admin, io;
	uint16_t cid;
	int quiet;
};

#define QD 8
#define MEM_PAGES (4 + QD)
#define DATA_PAGE 4		/* the data buffers: pages 4 to 4 + QD - 1 */

static void record(uint8_t *buf, uint64_t byte)
{
	char rec[64];
	int n;

	n = snprintf(rec, sizeof(rec), "lba %08llu byte %03u ok",
		     (unsigned long long)(byte / SECTOR),
		     (unsigned int)(byte % SECTOR));
	memset(buf, ' ', REC - 1);
	memcpy(buf, rec, n < REC - 1 ? n : REC - 1);
	buf[REC - 1] = '\n';
}

static int make_image(const char *path, unsigned int mib)
{
	uint8_t buf[SECTOR];
	uint64_t b, o;
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return 1;
	}
	for (b = 0; b < (uint64_t)mib * 1024 * 1024 / SECTOR; b++) {
		for (o = 0; o < SECTOR; o += REC)
			record(buf + o, b * SECTOR + o);
		if (fwrite(buf, SECTOR, 1, f) != 1) {
			perror(path);
			return 1;
		}
	}
	return fclose(f) ? 1 : 0;
}

static uint32_t rd32(struct ctrl *c, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(c->regs + off), __ATOMIC_RELAXED);
}

static void wr32(struct ctrl *c, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(c->regs + off), v, __ATOMIC_RELAXED);
}

static int wait_ready(struct ctrl *c, uint32_t rdy)
{
	struct timespec ts = { 0, 1000000 };
	int ms;

	for (ms = 0; ms < 5000; ms++) {
		if ((rd32(c, 0x1c) & 1) == rdy)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

static void queue_init(struct ctrl *c, struct queue *q, unsigned int qid,
		       unsigned int page)
{
	q->qid = qid;
	q->sq = (struct sqe *)(c->mem + page * PG);
	q->cq = (struct cqe *)(c->mem + (page + 1) * PG);
	q->sq_iova = IOVA_BASE + page * PG;
	q->cq_iova = IOVA_BASE + (page + 1) * PG;
	q->tail = 0;
	q->head = 0;
	q->phase = 1;
	q->efd = -1;
}

/* Submit @e on @q and wait for its completion; returns the status. */
static int submit(struct ctrl *c, struct queue *q, struct sqe *e,
		  uint32_t *result)
{
	struct cqe *done;
	struct timespec t0, t;
	uint16_t status;

	e->cid = ++c->cid;
	q->sq[q->tail] = *e;
	q->tail = (q->tail + 1) % QSIZE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr32(c, 0x1000 + (2 * q->qid) * c->dstrd, q->tail);

	done = &q->cq[q->head];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if ((__atomic_load_n(&done->status, __ATOMIC_ACQUIRE) & 1) ==
		    q->phase)
			break;
		if (q->efd >= 0)
			pt_irq_wait(q->efd, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 5)
			return -ETIMEDOUT;
	}
	status = done->status >> 1;
	if (result)
		*result = done->result;
	if (++q->head == QSIZE) {
		q->head = 0;
		q->phase ^= 1;
	}
	wr32(c, 0x1000 + (2 * q->qid + 1) * c->dstrd, q->head);
	return status;
}

static int admin(struct ctrl *c, uint8_t opcode, uint32_t nsid, uint64_t prp1,
		 uint32_t cdw10, uint32_t cdw11, uint32_t *result)
{
	struct sqe e = { .opcode = opcode, .nsid = nsid, .prp1 = prp1,
			 .cdw10 = cdw10, .cdw11 = cdw11 };

	return submit(c, &c->admin, &e, result);
}

static void say(struct ctrl *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static int fail(const char *what, enum pt_op op, int err)
{
	fprintf(stderr, "nvme-read: %s: %s\n", what, pt_strerror(op, err));
	return 1;
}

/*
 * The two ways to the device.  passthru: libpassthru.  vfio-pci: the
 * container, group and device descriptors of the vfio API.
 */
static int vfio_region(struct ctrl *c, unsigned int index, uint64_t *offset)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(c->vdev, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return -errno;
	*offset = ri.offset;
	return 0;
}

static int be_open(struct ctrl *c, const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX], full[32];
	ssize_t n;
	int ret;

	if (!c->vfio) {
		ret = pt_dev_open(&c->dev, bdf);
		if (ret)
			return fail("open the function", PT_OP_DEV_OPEN, ret);
		ret = pt_vm_open(&c->vm);
		if (ret)
			return fail("create a VM", PT_OP_VM_OPEN, ret);
		ret = pt_dev_attach(&c->dev, &c->vm);
		if (ret)
			return fail("attach the function to the VM", PT_OP_ATTACH,
				    ret);
		return 0;
	}
	if (strlen(bdf) != 7 && strlen(bdf) != 12)
		return fail("the address", PT_OP_OTHER, -EINVAL);
	snprintf(full, sizeof(full), "%s%s", strlen(bdf) == 7 ? "0000:" : "", bdf);
	memcpy(c->dev.bdf, full, 13);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", full);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return fail("find the IOMMU group", PT_OP_OTHER, -errno);
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	c->container = open("/dev/vfio/vfio", O_RDWR);
	c->group = open(path, O_RDWR);
	if (c->container < 0 || c->group < 0)
		return fail("open the vfio nodes", PT_OP_OTHER, -errno);
	if (ioctl(c->group, VFIO_GROUP_SET_CONTAINER, &c->container) ||
	    ioctl(c->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return fail("set up the vfio container", PT_OP_OTHER, -errno);
	c->vdev = ioctl(c->group, VFIO_GROUP_GET_DEVICE_FD, full);
	if (c->vdev < 0)
		return fail("get the vfio device", PT_OP_OTHER, -errno);
	return 0;
}

static uint8_t *be_bar0(struct ctrl *c)
{
	struct pt_region bar0;
	uint64_t offset;
	void *p;
	int ret;

	if (c->vfio) {
		ret = vfio_region(c, VFIO_PCI_BAR0_REGION_INDEX, &offset);
		if (ret)
			return NULL;
		p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			 c->vdev, offset);
		return p == MAP_FAILED ? NULL : p;
	}
	ret = pt_region_info(&c->dev, 0, &bar0);
	if (ret || !bar0.num_areas)
		return NULL;
	return pt_region_mmap(&c->dev, &bar0, 0, 2 * PG, PROT_READ | PROT_WRITE);
}

static int be_map(struct ctrl *c, void *mem, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)mem, .iova = iova, .size = len,
	};

	if (!c->vfio)
		return pt_vm_map(&c->vm, iova, mem, len,
				 PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE);
	return ioctl(c->container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

static int be_bus_master(struct ctrl *c)
{
	uint64_t cfg;
	uint16_t cmd;
	int ret;

	if (!c->vfio)
		return pt_bus_master(&c->dev, 1);
	ret = vfio_region(c, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (ret)
		return ret;
	if (pread(c->vdev, &cmd, 2, cfg + 4) != 2)
		return -errno;
	cmd |= 6;
	return pwrite(c->vdev, &cmd, 2, cfg + 4) == 2 ? 0 : -errno;
}

/* Eventfds on MSI-X vectors 0 and 1. */
static int be_msix(struct ctrl *c, int32_t *fds)
{
	struct {
		struct vfio_irq_set set;
		int32_t fds[2];
	} s = {
		.set = {
			.argsz = sizeof(s),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_MSIX_IRQ_INDEX, .count = 2,
		},
	};

	if (!c->vfio)
		return pt_irq_eventfds(&c->dev, PASSTHRU_IRQ_MSIX, 0, 2, fds);
	memcpy(s.fds, fds, sizeof(s.fds));
	return ioctl(c->vdev, VFIO_DEVICE_SET_IRQS, &s) ? -errno : 0;
}

static void be_close(struct ctrl *c)
{
	if (!c->vfio) {
		pt_dev_close(&c->dev);
		pt_vm_close(&c->vm);
		return;
	}
	close(c->vdev);
	close(c->group);
	close(c->container);
}

/* Queue a 4 KiB read of block @lba into data buffer @slot (command id). */
static void queue_read(struct ctrl *c, unsigned int slot, uint64_t lba)
{
	struct sqe *e = &c->io.sq[c->io.tail];

	memset(e, 0, sizeof(*e));
	e->opcode = 0x02;
	e->cid = slot;
	e->nsid = 1;
	e->prp1 = IOVA_BASE + (DATA_PAGE + slot) * PG;
	e->cdw10 = (uint32_t)lba;
	e->cdw11 = lba >> 32;
	e->cdw12 = PG / SECTOR - 1;
	c->io.tail = (c->io.tail + 1) % QSIZE;
}

/*
 * Random 4 KiB reads at queue depth QD for @secs seconds; the IOPS.  The
 * clock is read every 64 completions (or 65536 empty polls), not at every
 * poll: without a TSC it is a system call and a timer read that the
 * emulated controller would compete with.
 */
static double bench(struct ctrl *c, uint64_t nsze, double secs)
{
	struct timespec t0, t;
	uint32_t rng = 2463534242u;
	uint64_t done = 0, spins = 0;
	unsigned int slot;
	double elapsed;

	for (slot = 0; slot < QD; slot++) {
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		queue_read(c, slot, (rng % (nsze / 8)) * 8);
	}
	wr32(c, 0x1000 + 2 * c->dstrd, c->io.tail);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct cqe *e = &c->io.cq[c->io.head];

		if ((__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) & 1) ==
		    c->io.phase) {
			if (e->status >> 1)
				return -1;
			slot = e->cid;
			if (++c->io.head == QSIZE) {
				c->io.head = 0;
				c->io.phase ^= 1;
			}
			wr32(c, 0x1000 + 3 * c->dstrd, c->io.head);
			done++;
			rng ^= rng << 13;
			rng ^= rng >> 17;
			rng ^= rng << 5;
			queue_read(c, slot, (rng % (nsze / 8)) * 8);
			wr32(c, 0x1000 + 2 * c->dstrd, c->io.tail);
			if (done % 64)
				continue;
		} else if (++spins % 65536) {
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		elapsed = (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
		if (elapsed >= secs)
			return done / elapsed;
	}
}

int main(int argc, char **argv)
{
	uint64_t first = 0, blocks = 2048, lba, nsze, mismatches = 0;
	struct ctrl c = { .dev.fd = -1, .vm.fd = -1 };
	uint8_t *data, expect[REC];
	char head[REC] = "";
	unsigned int lbads, i, per_read;
	char model[41], serial[21];
	int irq = 0, ret, st;
	int32_t fds[2];
	double bench_secs = 0;
	const char *bdf = NULL;
	struct timespec t0, t1;
	double ms;

	if (argc == 4 && !strcmp(argv[1], "--make-image"))
		return make_image(argv[2], atoi(argv[3]));
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--irq"))
			irq = 1;
		else if (!strcmp(argv[i], "--quiet"))
			c.quiet = 1;
		else if (!strcmp(argv[i], "--vfio"))
			c.vfio = 1;
		else if (!strcmp(argv[i], "--bench") && i + 1 < (unsigned int)argc)
			bench_secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--first") && i + 1 < (unsigned int)argc)
			first = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--blocks") && i + 1 < (unsigned int)argc)
			blocks = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !bdf)
			bdf = argv[i];
		else
			bdf = NULL, i = argc;
	}
	if (!bdf) {
		fprintf(stderr,
			"usage: nvme-read BDF [--irq] [--first LBA] [--blocks N] [--quiet] [--vfio]\n"
			"       nvme-read BDF --bench SECONDS [--vfio]\n"
			"       nvme-read --make-image FILE MIB\n");
		return 2;
	}

	if (be_open(&c, bdf))
		return 1;
	say(&c, "attached %s to a new VM: its DMA now goes through the IOMMU\n",
	    c.dev.bdf);
	c.regs = be_bar0(&c);
	if (!c.regs)
		return fail("map BAR0", PT_OP_REGION, -errno);
	c.mem = mmap(NULL, MEM_PAGES * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.mem == MAP_FAILED)
		return fail("allocate queue memory", PT_OP_OTHER, -errno);
	memset(c.mem, 0, MEM_PAGES * PG);
	ret = be_map(&c, c.mem, IOVA_BASE, MEM_PAGES * PG);
	if (ret)
		return fail("map queue memory for DMA", PT_OP_MAP, ret);
	data = c.mem + DATA_PAGE * PG;
	say(&c, "mapped %u KiB of queue and buffer memory at IOVA %#llx\n",
	    MEM_PAGES * PG / 1024, IOVA_BASE);
	ret = be_bus_master(&c);
	if (ret)
		return fail("turn bus mastering on", PT_OP_REGION, ret);

	queue_init(&c, &c.admin, 0, 0);
	queue_init(&c, &c.io, 1, 2);
	if (irq) {
		/* Before enabling: a queue's vector is bound at its creation. */
		c.admin.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		c.io.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		fds[0] = c.admin.efd;
		fds[1] = c.io.efd;
		ret = c.io.efd < 0 ? -errno : be_msix(&c, fds);
		if (ret)
			return fail("MSI-X eventfds", PT_OP_IRQ, ret);
		say(&c, "interrupts: MSI-X vectors 0 (admin) and 1 (I/O) signal eventfds\n");
	}

	c.dstrd = 4 << (rd32(&c, 4) & 0xf);
	wr32(&c, 0x14, 0);
	if (wait_ready(&c, 0))
		return fail("disable the controller", PT_OP_OTHER, -ETIMEDOUT);
	wr32(&c, 0x24, (QSIZE - 1) << 16 | (QSIZE - 1));
	wr32(&c, 0x28, (uint32_t)c.admin.sq_iova);
	wr32(&c, 0x2c, c.admin.sq_iova >> 32);
	wr32(&c, 0x30, (uint32_t)c.admin.cq_iova);
	wr32(&c, 0x34, c.admin.cq_iova >> 32);
	wr32(&c, 0x14, 6 << 16 | 4 << 20 | 1);
	if (wait_ready(&c, 1))
		return fail("enable the controller (CSTS.RDY)", PT_OP_OTHER,
			    -ETIMEDOUT);

	st = admin(&c, 0x06, 0, IOVA_BASE + DATA_PAGE * PG, 1, 0, NULL);
	if (st)
		return fail("Identify Controller", PT_OP_OTHER, st < 0 ? st : -EIO);
	memcpy(serial, data + 4, 20);
	serial[20] = '\0';
	for (i = 19; i > 0 && serial[i] == ' '; i--)
		serial[i] = '\0';
	memcpy(model, data + 24, 40);
	model[40] = '\0';
	for (i = 39; i > 0 && model[i] == ' '; i--)
		model[i] = '\0';
	say(&c, "Identify Controller: model \"%s\", serial \"%s\"\n", model,
	    serial);

	st = admin(&c, 0x06, 1, IOVA_BASE + DATA_PAGE * PG, 0, 0, NULL);
	if (st)
		return fail("Identify Namespace 1", PT_OP_OTHER, st < 0 ? st : -EIO);
	memcpy(&nsze, data, 8);
	lbads = data[128 + 4 * (data[26] & 0xf) + 2];
	say(&c, "namespace 1: %llu blocks of %u bytes\n",
	    (unsigned long long)nsze, 1u << lbads);
	if (lbads != 9)
		return fail("block size", PT_OP_OTHER, -EINVAL);

	/*
	 * One I/O queue pair.  With --irq its CQ interrupts on vector 1;
	 * polled, it names vector 0 (a controller without MSI-X accepts no
	 * other) with interrupts off.
	 */
	st = admin(&c, 0x05, 0, c.io.cq_iova, (QSIZE - 1) << 16 | 1,
		   (irq ? 1 << 16 | 2 : 0) | 1, NULL);
	st = st ?: admin(&c, 0x01, 0, c.io.sq_iova, (QSIZE - 1) << 16 | 1,
			 1 << 16 | 1, NULL);
	if (st)
		return fail("create the I/O queues", PT_OP_OTHER, st < 0 ? st : -EIO);
	say(&c, "created I/O queue pair 1 (completions by %s)\n",
	    irq ? "MSI-X interrupt" : "polling");

	if (bench_secs > 0) {
		double iops = bench(&c, nsze, bench_secs);

		if (iops < 0)
			return fail("read", PT_OP_OTHER, -EIO);
		printf("iops %.0f\n", iops);
		wr32(&c, 0x14, 0);
		munmap(c.regs, 2 * PG);
		be_close(&c);
		return 0;
	}
	if (first >= nsze)
		return fail("the first block", PT_OP_OTHER, -ERANGE);
	if (first + blocks > nsze)
		blocks = nsze - first;
	per_read = PG / SECTOR;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (lba = first; lba < first + blocks; lba += per_read) {
		unsigned int n = first + blocks - lba < per_read ?
				 first + blocks - lba : per_read;
		struct sqe e = { .opcode = 0x02, .nsid = 1,
				 .prp1 = IOVA_BASE + DATA_PAGE * PG,
				 .cdw10 = (uint32_t)lba, .cdw11 = lba >> 32,
				 .cdw12 = n - 1 };
		uint64_t o;

		memset(data, 0, PG);
		st = submit(&c, &c.io, &e, NULL);
		if (st)
			return fail("read", PT_OP_OTHER, st < 0 ? st : -EIO);
		if (lba == first)
			memcpy(head, data, REC - 1);
		for (o = 0; o < (uint64_t)n * SECTOR; o += REC) {
			record(expect, lba * SECTOR + o);
			if (memcmp(data + o, expect, REC) && !mismatches++)
				fprintf(stderr, "nvme-read: block %llu byte %llu differs\n",
					(unsigned long long)(lba + o / SECTOR),
					(unsigned long long)(o % SECTOR));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (!c.quiet) {
		printf("block %llu begins \"%s\"\n", (unsigned long long)first,
		       head);
		printf("read %llu blocks (%llu KiB) in %.1f ms; %llu bytes differ from the image\n",
		       (unsigned long long)blocks,
		       (unsigned long long)blocks * SECTOR / 1024, ms,
		       (unsigned long long)mismatches * REC);
	}
	wr32(&c, 0x14, 0);
	munmap(c.regs, 2 * PG);
	be_close(&c);
	return mismatches ? 1 : 0;
}
