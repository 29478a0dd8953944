/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal NVMe admin queue through passthru, for the tests: the
 * controller is enabled with a 16-entry admin queue pair in memory mapped
 * for DMA, and admin commands are submitted and reaped by polling or by
 * interrupt.  Register layout from the NVMe base specification.
 */
#ifndef PT_NVME_H
#define PT_NVME_H

#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "pt_util.h"

#define NVME_CAP 0x00
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_DOORBELLS 0x1000
#define NVME_QSIZE 16

/* Submission and completion queue entries. */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t result;
	uint32_t rsvd;
	uint16_t sq_head;
	uint16_t sq_id;
	uint16_t cid;
	uint16_t status;	/* bit 0: phase */
};

/* One controller: its registers, and 3 pages of DMA memory. */
struct pt_nvme {
	int dev, vm;
	uint8_t *regs;		/* BAR0, 2 pages: registers and doorbells */
	uint8_t *mem;		/* SQ page, CQ page, data page */
	uint64_t iova;		/* IOVA of @mem */
	unsigned int dstrd;	/* doorbell stride, bytes */
	unsigned int sq_tail, cq_head, phase;
};

static inline uint32_t nvme_rd32(struct pt_nvme *n, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(n->regs + off), __ATOMIC_RELAXED);
}

static inline void nvme_wr32(struct pt_nvme *n, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(n->regs + off), v, __ATOMIC_RELAXED);
}

static inline void nvme_wr64(struct pt_nvme *n, unsigned int off, uint64_t v)
{
	nvme_wr32(n, off, (uint32_t)v);
	nvme_wr32(n, off + 4, v >> 32);
}

/* Wait up to @ms for CSTS.RDY to be @rdy: 0, or an errno. */
static inline int nvme_wait_ready(struct pt_nvme *n, int rdy, int ms)
{
	struct timespec ts = { 0, 1000000 };

	while (ms-- > 0) {
		if ((nvme_rd32(n, NVME_CSTS) & 1) == (uint32_t)rdy)
			return 0;
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return errno;
}

/*
 * Open @bdf, attach it to a new VM, map its registers and 3 pages of
 * memory at @iova and turn bus mastering on.  Returns 0 or an errno.
 * Set up MSI-X before nvme_enable(): QEMU's nvme binds a queue's vector
 * when the queue is created.
 */
static inline int nvme_open(struct pt_nvme *n, const char *bdf, uint64_t iova)
{
	struct passthru_device_attach at = { .size = sizeof(at) };
	struct passthru_dma_map map = {
		.size = sizeof(map),
		.flags = PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE,
		.iova = iova, .length = 3 * 4096,
	};
	uint64_t cfg = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG);
	uint16_t cmd;
	int err;

	memset(n, 0, sizeof(*n));
	n->iova = iova;
	n->phase = 1;
	n->dev = node_open(bdf);
	n->vm = open("/dev/passthru/vm", O_RDWR);
	if (n->dev < 0 || n->vm < 0)
		return errno;
	at.vm_fd = n->vm;
	err = pt_ioctl(n->dev, PASSTHRU_DEVICE_ATTACH, &at);
	if (err)
		return err;
	n->regs = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		       n->dev, PASSTHRU_REGION_OFFSET(0));
	n->mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->regs == MAP_FAILED || n->mem == MAP_FAILED)
		return errno;
	memset(n->mem, 0, 3 * 4096);
	map.vaddr = (uintptr_t)n->mem;
	err = pt_ioctl(n->vm, PASSTHRU_VM_MAP_DMA, &map);
	if (err)
		return err;
	if (pread(n->dev, &cmd, 2, cfg + 4) != 2)
		return errno;
	cmd |= 4;
	if (pwrite(n->dev, &cmd, 2, cfg + 4) != 2)
		return errno;
	return 0;
}

/* Enable the controller with the admin queue pair.  0 or an errno. */
static inline int nvme_enable(struct pt_nvme *n)
{
	uint64_t iova = n->iova;
	int err;

	n->dstrd = 4 << (nvme_rd32(n, NVME_CAP + 4) & 0xf);	/* CAP.DSTRD */
	nvme_wr32(n, NVME_CC, 0);
	err = nvme_wait_ready(n, 0, 2000);
	if (err)
		return err;
	nvme_wr32(n, NVME_AQA, (NVME_QSIZE - 1) << 16 | (NVME_QSIZE - 1));
	nvme_wr64(n, NVME_ASQ, iova);
	nvme_wr64(n, NVME_ACQ, iova + 4096);
	/* 64-byte SQ entries, 16-byte CQ entries, 4 KiB pages, enable. */
	nvme_wr32(n, NVME_CC, 6 << 16 | 4 << 20 | 1);
	return nvme_wait_ready(n, 1, 2000);
}

/* Submit an Identify (CNS @cns) into the data page; returns its cid. */
static inline uint16_t nvme_identify(struct pt_nvme *n, uint32_t cns)
{
	struct nvme_sqe *sq = (struct nvme_sqe *)n->mem;
	struct nvme_sqe *e = &sq[n->sq_tail];
	static uint16_t cid;

	memset(e, 0, sizeof(*e));
	e->opcode = 0x06;
	e->cid = ++cid;
	e->prp1 = n->iova + 2 * 4096;
	e->cdw10 = cns;
	n->sq_tail = (n->sq_tail + 1) % NVME_QSIZE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	nvme_wr32(n, NVME_DOORBELLS, n->sq_tail);
	return cid;
}

/*
 * Reap the next completion if there is one: returns 1 and fills @cqe,
 * or 0.  The head doorbell is rung.
 */
static inline int nvme_reap(struct pt_nvme *n, struct nvme_cqe *cqe)
{
	struct nvme_cqe *cq = (struct nvme_cqe *)(n->mem + 4096);
	struct nvme_cqe *e = &cq[n->cq_head];

	if ((__atomic_load_n(&e->status, __ATOMIC_ACQUIRE) & 1) != n->phase)
		return 0;
	*cqe = *e;
	if (++n->cq_head == NVME_QSIZE) {
		n->cq_head = 0;
		n->phase ^= 1;
	}
	nvme_wr32(n, NVME_DOORBELLS + n->dstrd, n->cq_head);
	return 1;
}

static inline void nvme_close(struct pt_nvme *n)
{
	if (n->regs && n->regs != MAP_FAILED) {
		nvme_wr32(n, NVME_CC, 0);
		munmap(n->regs, 2 * 4096);
	}
	if (n->dev >= 0)
		close(n->dev);
	if (n->vm >= 0)
		close(n->vm);
	if (n->mem && n->mem != MAP_FAILED)
		munmap(n->mem, 3 * 4096);
}

#endif /* PT_NVME_H */
