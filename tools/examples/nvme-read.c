// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-read: a small userspace NVMe driver on libpassthru.  It takes an
 * NVMe controller that passthru holds, puts it in a VM of its own, and
 * reads a range of blocks with one I/O queue pair, by polling or by MSI-X
 * interrupt, checking every byte against the demo pattern.
 *
 *   nvme-read BDF [--irq] [--first LBA] [--blocks N] [--quiet]
 *   nvme-read --make-image FILE MIB     write the pattern into FILE
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
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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
	uint8_t *regs;
	uint8_t *mem;		/* 4 queue pages, then the data pages */
	unsigned int dstrd;
	struct queue admin, io;
	uint16_t cid;
	int quiet;
};

#define MEM_PAGES 6
#define DATA_PAGE 4		/* the data buffer: pages 4 and 5 */

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

int main(int argc, char **argv)
{
	uint64_t first = 0, blocks = 2048, lba, nsze, mismatches = 0;
	struct ctrl c = { .dev.fd = -1, .vm.fd = -1 };
	uint8_t *data, expect[REC];
	char head[REC] = "";
	struct pt_region bar0;
	unsigned int lbads, i, per_read;
	char model[41], serial[21];
	int irq = 0, ret, st;
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
			"usage: nvme-read BDF [--irq] [--first LBA] [--blocks N] [--quiet]\n"
			"       nvme-read --make-image FILE MIB\n");
		return 2;
	}

	ret = pt_dev_open(&c.dev, bdf);
	if (ret)
		return fail("open the function", PT_OP_DEV_OPEN, ret);
	ret = pt_vm_open(&c.vm);
	if (ret)
		return fail("create a VM", PT_OP_VM_OPEN, ret);
	ret = pt_dev_attach(&c.dev, &c.vm);
	if (ret)
		return fail("attach the function to the VM", PT_OP_ATTACH, ret);
	say(&c, "attached %s to a new VM: its DMA now goes through the IOMMU\n",
	    c.dev.bdf);

	ret = pt_region_info(&c.dev, 0, &bar0);
	if (ret || !bar0.num_areas)
		return fail("BAR0", PT_OP_REGION, ret ? ret : -EINVAL);
	c.regs = pt_region_mmap(&c.dev, &bar0, 0, 2 * PG, PROT_READ | PROT_WRITE);
	if (!c.regs)
		return fail("map BAR0", PT_OP_REGION, -errno);
	c.mem = mmap(NULL, MEM_PAGES * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.mem == MAP_FAILED)
		return fail("allocate queue memory", PT_OP_OTHER, -errno);
	memset(c.mem, 0, MEM_PAGES * PG);
	ret = pt_vm_map(&c.vm, IOVA_BASE, c.mem, MEM_PAGES * PG,
			PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE);
	if (ret)
		return fail("map queue memory for DMA", PT_OP_MAP, ret);
	data = c.mem + DATA_PAGE * PG;
	say(&c, "mapped %u KiB of queue and buffer memory at IOVA %#llx\n",
	    MEM_PAGES * PG / 1024, IOVA_BASE);
	ret = pt_bus_master(&c.dev, 1);
	if (ret)
		return fail("turn bus mastering on", PT_OP_REGION, ret);

	queue_init(&c, &c.admin, 0, 0);
	queue_init(&c, &c.io, 1, 2);
	if (irq) {
		/* Before enabling: a queue's vector is bound at its creation. */
		c.admin.efd = pt_irq_eventfd(&c.dev, PASSTHRU_IRQ_MSIX, 0);
		c.io.efd = c.admin.efd < 0 ? c.admin.efd :
			   pt_irq_eventfd(&c.dev, PASSTHRU_IRQ_MSIX, 1);
		if (c.io.efd < 0)
			return fail("MSI-X eventfds", PT_OP_IRQ, c.io.efd);
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
	pt_dev_close(&c.dev);
	pt_vm_close(&c.vm);
	return mismatches ? 1 : 0;
}
