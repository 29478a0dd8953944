// SPDX-License-Identifier: GPL-2.0
/*
 * pt_uapi: the rules every passthru ioctl shares ("General ioctl format"
 * in include/uapi/linux/passthru.h), checked on every ioctl of both files
 * from one table, on the kselftest harness.  The fixture is a device
 * attached to a VM; its variants are the devices of make check's test bed
 * (edu, nvme, e1000e), each skipped when passthru does not hold it.
 *
 *   pt_uapi [harness options]    (e.g. -v edu to run one variant)
 *
 * For each ioctl: a size of 0, or one byte short of the first version, is
 * EINVAL; past 4096 bytes E2BIG; a larger struct is accepted when what
 * this kernel does not know is zero, and E2BIG when it is not; an unknown
 * flag bit, a reserved member not zero are EINVAL; a pointer to nothing,
 * or a struct running into an unmapped page, EFAULT; an ioctl of the
 * other file type ENOTTY; a successful call of a larger struct writes back
 * the size this kernel filled.  "Accepted" means: the same result as the
 * exact struct gives, so the rules hold whatever the call then does.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/passthru.h>

#include "libpassthru.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define PG 4096
#define MAX_STRUCT 4096

/* A member that must be zero: its offset and width in bytes. */
struct reserved {
	uint32_t off;
	uint32_t width;
};

struct ctx;

/* One ioctl and the rules of its struct. */
struct rule {
	const char *name;
	int on_vm;		/* an ioctl of the VM's file, else the device's */
	unsigned long cmd;
	uint32_t size;		/* sizeof() the struct this program knows */
	uint32_t min_size;	/* offsetofend() the first version's last member */
	uint32_t valid_flags;
	struct reserved reserved[2];
	/* Make @buf a valid call; undo what a successful one did. */
	void (*fill)(const struct ctx *c, void *buf);
	void (*undo)(const struct ctx *c);
};

/* What a call needs: the two files, memory to map, an IOVA to map it at. */
struct ctx {
	int dev_fd;
	int vm_fd;
	void *page;
	uint64_t iova;
};

static void fill_attach(const struct ctx *c, void *buf)
{
	((struct passthru_device_attach *)buf)->vm_fd = c->vm_fd;
}

static void fill_set_irqs(const struct ctx *c, void *buf)
{
	struct passthru_irq_set *set = buf;

	(void)c;
	/* Clear the request notification: valid on every function. */
	set->flags = PASSTHRU_IRQ_SET_EVENTFD;
	set->index = PASSTHRU_IRQ_REQUEST;
}

static void fill_map(const struct ctx *c, void *buf)
{
	struct passthru_dma_map *map = buf;

	map->flags = PASSTHRU_DMA_READ;
	map->iova = c->iova;
	map->vaddr = (uintptr_t)c->page;
	map->length = PG;
}

static void undo_map(const struct ctx *c)
{
	struct passthru_dma_unmap unmap = {
		.size = sizeof(unmap), .flags = PASSTHRU_DMA_UNMAP_ALL,
	};

	ioctl(c->vm_fd, PASSTHRU_VM_UNMAP_DMA, &unmap);
}

static void fill_unmap(const struct ctx *c, void *buf)
{
	struct passthru_dma_unmap *unmap = buf;

	unmap->iova = c->iova;
	unmap->length = PG;
}

/*
 * _min: the size of the struct's first version.  Each struct is still at
 * its first version but DEVICE_INFO, which gained reset_methods.
 */
#define RULE(_name, _vm, _cmd, _struct, _min, _flags, ...)		\
	{ .name = _name, .on_vm = _vm, .cmd = _cmd,			\
	  .size = sizeof(_struct), .min_size = _min,			\
	  .valid_flags = _flags, __VA_ARGS__ }

static const struct rule rules[] = {
	RULE("DEVICE_INFO", 0, PASSTHRU_DEVICE_INFO,
	     struct passthru_device_info,
	     offsetof(struct passthru_device_info, reset_methods), 0,
	     .reserved = {
		{ offsetof(struct passthru_device_info, __reserved), 2 },
		{ offsetof(struct passthru_device_info, __reserved2), 4 } }),
	RULE("DEVICE_ATTACH", 0, PASSTHRU_DEVICE_ATTACH,
	     struct passthru_device_attach,
	     sizeof(struct passthru_device_attach), 0,
	     .reserved = {
		{ offsetof(struct passthru_device_attach, __reserved), 4 } },
	     .fill = fill_attach),
	RULE("REGION_INFO", 0, PASSTHRU_REGION_INFO,
	     struct passthru_region_info, sizeof(struct passthru_region_info),
	     0, .reserved = {
		{ offsetof(struct passthru_region_info, __reserved), 4 } }),
	RULE("DEVICE_RESET", 0, PASSTHRU_DEVICE_RESET,
	     struct passthru_device_reset, sizeof(struct passthru_device_reset),
	     0),
	RULE("IRQ_INFO", 0, PASSTHRU_IRQ_INFO, struct passthru_irq_info,
	     sizeof(struct passthru_irq_info), 0),
	RULE("SET_IRQS", 0, PASSTHRU_SET_IRQS, struct passthru_irq_set,
	     sizeof(struct passthru_irq_set),
	     PASSTHRU_IRQ_SET_EVENTFD | PASSTHRU_IRQ_SET_MASK |
	     PASSTHRU_IRQ_SET_UNMASK | PASSTHRU_IRQ_SET_UNMASK_EVENTFD |
	     PASSTHRU_IRQ_SET_TRIGGER,
	     .reserved = { { offsetof(struct passthru_irq_set, __reserved), 4 } },
	     .fill = fill_set_irqs),
	RULE("VM_INFO", 1, PASSTHRU_VM_INFO, struct passthru_vm_info,
	     sizeof(struct passthru_vm_info), 0,
	     .reserved = { { offsetof(struct passthru_vm_info, __reserved), 4 } }),
	RULE("VM_MAP_DMA", 1, PASSTHRU_VM_MAP_DMA, struct passthru_dma_map,
	     sizeof(struct passthru_dma_map),
	     PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE,
	     .fill = fill_map, .undo = undo_map),
	RULE("VM_UNMAP_DMA", 1, PASSTHRU_VM_UNMAP_DMA,
	     struct passthru_dma_unmap, sizeof(struct passthru_dma_unmap),
	     PASSTHRU_DMA_UNMAP_ALL, .fill = fill_unmap),
};

static const struct rule *const rules_end = rules + ARRAY_SIZE(rules);

/*
 * Call @r with a struct whose size member says @usize, valid but for what
 * @tweak (if set) changes, in a buffer of @buflen bytes (0: the larger of
 * @usize and the struct) that ends where an unmapped page begins.
 * Returns 0 or -errno.
 */
static int call(const struct ctx *c, const struct rule *r, uint32_t usize,
		size_t buflen, void (*tweak)(uint8_t *buf, const struct rule *r,
					     unsigned long arg),
		unsigned long arg)
{
	size_t len = buflen ? buflen : (usize > r->size ? usize : r->size);
	size_t maplen = ((len + PG - 1) / PG + 1) * PG;
	uint8_t *map, *buf;
	int ret;

	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	/* The struct ends where the unmapped page begins. */
	munmap(map + maplen - PG, PG);
	buf = map + maplen - PG - len;
	memset(buf, 0, len);
	memcpy(buf, &usize, sizeof(usize));
	/* A buffer shorter than the struct is only ever a fault. */
	if (r->fill && len >= r->size)
		r->fill(c, buf);
	if (tweak)
		tweak(buf, r, arg);
	ret = ioctl(r->on_vm ? c->vm_fd : c->dev_fd, r->cmd, buf) ? -errno : 0;
	if (!ret && r->undo)
		r->undo(c);
	munmap(map, maplen - PG);
	return ret;
}

static int exact(const struct ctx *c, const struct rule *r)
{
	return call(c, r, r->size, 0, NULL, 0);
}

static void set_flags(uint8_t *buf, const struct rule *r, unsigned long bit)
{
	uint32_t flags;

	(void)r;
	memcpy(&flags, buf + 4, 4);
	flags |= 1u << bit;
	memcpy(buf + 4, &flags, 4);
}

static void set_reserved(uint8_t *buf, const struct rule *r, unsigned long i)
{
	memset(buf + r->reserved[i].off, 0xff, r->reserved[i].width);
}

/* Byte @at of the struct (past what this program knows) set. */
static void set_byte(uint8_t *buf, const struct rule *r, unsigned long at)
{
	(void)r;
	buf[at] = 1;
}

FIXTURE(attached) {
	struct pt_vm vm;
	struct pt_dev dev;
	struct ctx c;
};

FIXTURE_VARIANT(attached) {
	unsigned int vendor;
	unsigned int device;
};

FIXTURE_VARIANT_ADD(attached, edu) { .vendor = 0x1234, .device = 0x11e8 };
FIXTURE_VARIANT_ADD(attached, nvme) { .vendor = 0x1b36, .device = 0x0010 };
FIXTURE_VARIANT_ADD(attached, e1000e) { .vendor = 0x8086, .device = 0x10d3 };

FIXTURE_SETUP(attached)
{
	struct passthru_iova_range range;
	char bdf[16];
	int n;

	find_held(variant->vendor, variant->device, bdf, sizeof(bdf));
	/* The harness of 6.1 runs the test after a SKIP here: each returns. */
	if (!bdf[0])
		SKIP(return, "passthru holds no %04x:%04x here", variant->vendor,
		     variant->device);
	ASSERT_EQ(0, pt_vm_open(&self->vm));
	ASSERT_EQ(0, pt_dev_open(&self->dev, bdf)) TH_LOG("open %s", bdf);
	ASSERT_EQ(0, pt_dev_attach(&self->dev, &self->vm));
	n = pt_vm_ranges(&self->vm, &range, 1);
	ASSERT_LT(0, n);
	self->c.dev_fd = self->dev.fd;
	self->c.vm_fd = self->vm.fd;
	self->c.iova = (range.start + PG - 1) & ~(uint64_t)(PG - 1);
	self->c.page = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->c.page);
	memset(self->c.page, 0x5a, PG);
}

FIXTURE_TEARDOWN(attached)
{
	if (self->dev.fd > 0)
		pt_dev_close(&self->dev);
	if (self->vm.fd > 0)
		pt_vm_close(&self->vm);
}

/*
 * The exact struct: every valid call of the table succeeds or fails only
 * as the call itself may, not with one of the rules' errnos.
 */
TEST_F(attached, exact_size_is_not_refused)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		int ret = exact(&self->c, r);

		EXPECT_TRUE(ret != -EINVAL && ret != -E2BIG && ret != -EFAULT &&
			    ret != -ENOTTY) TH_LOG("%s: %s", r->name, strerror(-ret));
	}
}

TEST_F(attached, size_zero_is_einval)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		int ret = call(&self->c, r, 0, 0, NULL, 0);

		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s", r->name);
	}
}

TEST_F(attached, one_short_of_first_version_is_einval)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		EXPECT_EQ(-EINVAL, call(&self->c, r, r->min_size - 1, 0, NULL, 0))
			TH_LOG("%s: size %u", r->name, r->min_size - 1);
	}
}

TEST_F(attached, past_4096_is_e2big)
{
	static const uint32_t sizes[] = { MAX_STRUCT + 1, 0x80000000u, UINT32_MAX };
	const struct rule *r;
	unsigned int i;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			/* Only the size word is read: a small buffer will do. */
			EXPECT_EQ(-E2BIG, call(&self->c, r, sizes[i], r->size, NULL, 0))
				TH_LOG("%s: size %u", r->name, sizes[i]);
		}
	}
}

TEST_F(attached, larger_struct_with_zero_tail_is_accepted)
{
	static const uint32_t extra[] = { 1, 4, 8, 64 };
	const struct rule *r;
	unsigned int i;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		int want = exact(&self->c, r);

		for (i = 0; i < ARRAY_SIZE(extra); i++) {
			EXPECT_EQ(want, call(&self->c, r, r->size + extra[i], 0, NULL, 0))
				TH_LOG("%s: size %u", r->name, r->size + extra[i]);
		}
		EXPECT_EQ(want, call(&self->c, r, MAX_STRUCT, 0, NULL, 0))
			TH_LOG("%s: size 4096", r->name);
	}
}

/* A caller that knows a larger struct learns how much of it was filled. */
TEST_F(attached, larger_struct_reports_the_size_filled)
{
	uint8_t buf[MAX_STRUCT];
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		uint32_t usize = r->size + 16, back;
		int fd = r->on_vm ? self->c.vm_fd : self->c.dev_fd;

		if (exact(&self->c, r))
			continue;	/* only a call that succeeds copies out */
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &usize, sizeof(usize));
		if (r->fill)
			r->fill(&self->c, buf);
		EXPECT_EQ(0, ioctl(fd, r->cmd, buf)) TH_LOG("%s", r->name);
		if (r->undo)
			r->undo(&self->c);
		memcpy(&back, buf, sizeof(back));
		EXPECT_EQ(r->size, back) TH_LOG("%s", r->name);
	}
}

TEST_F(attached, larger_struct_with_nonzero_tail_is_e2big)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		EXPECT_EQ(-E2BIG, call(&self->c, r, r->size + 8, 0, set_byte, r->size))
			TH_LOG("%s: first byte past", r->name);
		EXPECT_EQ(-E2BIG, call(&self->c, r, MAX_STRUCT, 0, set_byte,
				       MAX_STRUCT - 1))
			TH_LOG("%s: last byte of 4096", r->name);
	}
}

TEST_F(attached, unknown_flag_bits_are_einval)
{
	const struct rule *r;
	unsigned int bit;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		for (bit = 0; bit < 32; bit++) {
			if (r->valid_flags & (1u << bit))
				continue;
			EXPECT_EQ(-EINVAL, call(&self->c, r, r->size, 0, set_flags, bit))
				TH_LOG("%s: flag bit %u", r->name, bit);
		}
	}
}

TEST_F(attached, reserved_members_not_zero_are_einval)
{
	const struct rule *r;
	unsigned int i;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		for (i = 0; i < 2 && r->reserved[i].width; i++) {
			EXPECT_EQ(-EINVAL, call(&self->c, r, r->size, 0,
						set_reserved, i))
				TH_LOG("%s: reserved member at %u", r->name,
				       r->reserved[i].off);
		}
	}
}

TEST_F(attached, pointers_to_nothing_are_efault)
{
	static const uintptr_t bad[] = { 0, 8, (uintptr_t)-PG, (uintptr_t)-1 };
	const struct rule *r;
	unsigned int i;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			int fd = r->on_vm ? self->c.vm_fd : self->c.dev_fd;

			EXPECT_EQ(-1, ioctl(fd, r->cmd, (void *)bad[i]))
				TH_LOG("%s at %#lx", r->name, (unsigned long)bad[i]);
			EXPECT_EQ(EFAULT, errno)
				TH_LOG("%s at %#lx", r->name, (unsigned long)bad[i]);
		}
	}
}

TEST_F(attached, struct_running_into_an_unmapped_page_is_efault)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	/* One byte of the struct its size word claims lies in the hole. */
	for (r = rules; r < rules_end; r++) {
		EXPECT_EQ(-EFAULT, call(&self->c, r, r->size, r->size - 1, NULL, 0))
			TH_LOG("%s", r->name);
	}
}

TEST_F(attached, other_files_ioctls_are_enotty)
{
	const struct rule *r;

	if (_metadata->skip)
		return;
	for (r = rules; r < rules_end; r++) {
		int fd = r->on_vm ? self->c.dev_fd : self->c.vm_fd;
		uint8_t buf[MAX_STRUCT] = { 0 };

		memcpy(buf, &r->size, sizeof(r->size));
		EXPECT_EQ(-1, ioctl(fd, r->cmd, buf)) TH_LOG("%s", r->name);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("%s on the %s file", r->name,
						r->on_vm ? "device" : "VM");
	}
	/* And a number no passthru file knows, on both. */
	EXPECT_EQ(-1, ioctl(self->c.dev_fd, _IO(PASSTHRU_TYPE, 0x7f), NULL));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->c.vm_fd, _IO(PASSTHRU_TYPE, 0x7f), NULL));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
