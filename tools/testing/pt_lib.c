// SPDX-License-Identifier: GPL-2.0
/*
 * pt_lib: libpassthru's own tests, on the edu function.  One line per
 * check; exit 1 if any failed.
 *
 *   pt_lib BDF      BDF: an edu function bound to passthru, not open
 */
#include <stdint.h>
#include <sys/mman.h>

#include "libpassthru.h"
#include "pt_util.h"

static uint32_t rd(uint8_t *p, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(p + off), __ATOMIC_RELAXED);
}

static void wr(uint8_t *p, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(p + off), v, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	struct passthru_iova_range ranges[8];
	struct passthru_device_info info;
	struct passthru_irq_info ii;
	struct pt_dev dev, dev2, byfd;
	struct pt_region bar0;
	struct pt_vm vm;
	uint32_t id = 0, live = 0;
	int64_t n;
	uint8_t *p, *mem;
	int ret, efd, fd;

	if (argc != 2 || strlen(argv[1]) != 12) {
		fprintf(stderr, "usage: pt_lib DDDD:BB:DD.F\n");
		return 2;
	}

	check(strstr(pt_strerror(PT_OP_ATTACH, -EBUSY), "host driver") &&
	      strstr(pt_strerror(PT_OP_MAP, -ENOMEM), "RLIMIT_MEMLOCK") &&
	      strstr(pt_strerror(PT_OP_DEV_OPEN, -ENOENT), "bind") &&
	      !strcmp(pt_strerror(PT_OP_OTHER, -EINTR), strerror(EINTR)),
	      "lib: error strings say what to do, and fall back to strerror",
	      "");

	ret = pt_dev_open(&dev, argv[1] + 5);
	check(!ret && !strcmp(dev.bdf, argv[1]),
	      "lib: open by the short address BB:DD.F", "%s, %s",
	      pt_strerror(PT_OP_DEV_OPEN, ret), dev.bdf);
	ret = pt_dev_open(&dev2, argv[1]);
	check(ret == -EBUSY, "lib: a second open is -EBUSY", "%d", ret);
	ret = pt_dev_open(&dev2, "0000:7f:1f.7");
	check(ret == -ENOENT, "lib: a function passthru does not hold is -ENOENT",
	      "%d", ret);
	fd = open("/dev/null", O_RDWR);
	ret = pt_dev_from_fd(&byfd, fd);
	check(ret == -ENOTTY, "lib: a descriptor that is no device is -ENOTTY",
	      "%d", ret);
	close(fd);
	ret = pt_dev_info(&dev, &info);
	check(!ret && info.vendor == 0x1234 && info.device == 0x11e8,
	      "lib: device info", "%d, %04x:%04x", ret, info.vendor, info.device);

	ret = pt_vm_open(&vm);
	check(!ret, "lib: VM opened", "%s", pt_strerror(PT_OP_VM_OPEN, ret));
	ret = pt_dev_attach(&dev, &vm);
	check(!ret, "lib: attached", "%s", pt_strerror(PT_OP_ATTACH, ret));
	ret = pt_vm_ranges(&vm, ranges, 8);
	check(ret >= 1 && ranges[0].start == 0, "lib: usable IOVA ranges",
	      "%d", ret);
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ret = pt_vm_map(&vm, 0x100000, mem, 8192,
			PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE);
	check(!ret, "lib: map", "%s", pt_strerror(PT_OP_MAP, ret));
	ret = pt_vm_map(&vm, 0x100000, mem, 8192, PASSTHRU_DMA_READ);
	check(ret == -EEXIST, "lib: an overlapping map is -EEXIST", "%d", ret);
	n = pt_vm_unmap(&vm, 0x100000, 8192);
	check(n == 8192, "lib: unmap returns the bytes unmapped", "%lld",
	      (long long)n);
	n = pt_vm_unmap(&vm, 0x100000, 8192);
	check(n == -ENOENT, "lib: unmapping nothing is -ENOENT", "%lld",
	      (long long)n);

	ret = pt_region_info(&dev, 0, &bar0);
	check(!ret && bar0.size == 1 << 20 && bar0.num_areas == 1,
	      "lib: BAR0 region info", "%d, %llu", ret,
	      (unsigned long long)bar0.size);
	ret = pt_region_read(&dev, 0, 0, &id, 4);
	check(!ret && id == 0x010000ed, "lib: region read (edu ID)", "%d, %#x",
	      ret, id);
	live = 0x12345678;
	ret = pt_region_write(&dev, 0, 4, &live, 4);
	ret = ret ?: pt_region_read(&dev, 0, 4, &live, 4);
	check(!ret && live == ~0x12345678u, "lib: region write (edu liveness)",
	      "%d, %#x", ret, live);
	p = pt_region_mmap(&dev, &bar0, 0, 4096, PROT_READ | PROT_WRITE);
	check(p && rd(p, 0) == 0x010000ed, "lib: region mmap",
	      "%s", strerror(errno));

	ret = pt_bus_master(&dev, 1);
	check(!ret, "lib: bus master on", "%d", ret);
	ret = pt_irq_info(&dev, PASSTHRU_IRQ_MSI, &ii);
	check(!ret && ii.count == 1, "lib: irq info (one MSI)", "%d, %u", ret,
	      ii.count);
	efd = pt_irq_eventfd(&dev, PASSTHRU_IRQ_MSI, 0);
	check(efd >= 0, "lib: an eventfd for MSI vector 0", "%s",
	      pt_strerror(PT_OP_IRQ, efd));
	if (p && efd >= 0) {
		wr(p, 0x60, 1);
		check(pt_irq_wait(efd, 2000) == 1, "lib: the MSI arrives",
		      "nothing");
		wr(p, 0x64, 1);
		ret = pt_irq_mask(&dev, PASSTHRU_IRQ_MSI, 0, 1, 1);
		wr(p, 0x60, 1);
		check(!ret && pt_irq_wait(efd, 300) == 0,
		      "lib: masked, it does not", "%d", ret);
		wr(p, 0x64, 1);
		ret = pt_irq_mask(&dev, PASSTHRU_IRQ_MSI, 0, 1, 0);
		check(!ret && pt_irq_wait(efd, 1000) == 1,
		      "lib: unmasked, the pending one does", "%d", ret);
	}
	ret = pt_dev_reset(&dev);
	check(ret == -EOPNOTSUPP &&
	      strstr(pt_strerror(PT_OP_RESET, ret), "reset_method"),
	      "lib: reset without a method is -EOPNOTSUPP, explained", "%d", ret);
	if (p)
		munmap(p, 4096);
	pt_dev_close(&dev);
	pt_vm_close(&vm);
	if (efd >= 0)
		close(efd);

	fd = node_open(argv[1]);
	ret = pt_dev_from_fd(&byfd, fd);
	check(!ret, "lib: a node descriptor handed over by a manager works",
	      "%d", ret);
	pt_dev_close(&byfd);
	return failures ? 1 : 0;
}
