// SPDX-License-Identifier: GPL-2.0
/*
 * pt_bench: passthru against vfio-pci (vfio_iommu_type1), in one guest
 * boot, on the same PCI function, which is rebound between the two
 * drivers every round; the driver that goes first alternates between
 * rounds.  Each prints "speedup NAME X", X being vfio-pci's median time
 * divided by passthru's (X > 1: passthru is faster), then the medians.
 *
 *   pt_bench dma BDF ROUNDS SIZE_MIB
 *        for each backing (4 KiB pages, THP, 2 MiB hugetlbfs), one map and
 *        one unmap of SIZE_MIB of memory: "speedup dma-<backing> X"
 *   pt_bench dma-cold BDF ROUNDS SIZE_MIB
 *        the same with memory the VMM never touched, so that pinning
 *        faults it in: fresh memory every round, "speedup dma-<backing>-cold X"
 *   pt_bench dma-large BDF ROUNDS SIZE_MIB
 *        a large guest's start: from nothing mapped to all SIZE_MIB of
 *        (touched) 2 MiB hugetlbfs mapped, in one call, then its unmap:
 *        "speedup dma-large X" (map), "speedup dma-large-unmap X"
 *   pt_bench dma-many BDF ROUNDS COUNT
 *        COUNT separate 4 KiB mappings, mapped then unmapped one by one;
 *        vfio's type1 refuses more than its dma_entry_limit (65535 by
 *        default), so "speedup dma-many X" compares the first
 *        DMA_MANY_COMMON of each, and the lines after it say how far vfio
 *        got and how long passthru took for all COUNT
 *   pt_bench bar BDF ROUNDS INDEX
 *        first touch (one read) of every page of BAR INDEX, mapped whole,
 *        the best of 3 fresh mappings per round: "speedup bar-fault X"
 *   pt_bench nvme BDF ROUNDS SECONDS
 *        nvme-read --bench (4 KiB random reads at queue depth 8, polled,
 *        for SECONDS) through each driver: "speedup nvme-read X", X being
 *        passthru's median IOPS over vfio-pci's
 *   pt_bench open BDF ROUNDS
 *        from nothing to the first read of a mapped BAR0 page: passthru's
 *        VM, node, attach, region info and mmap; vfio's container, group,
 *        IOMMU, device, region info and mmap: "speedup open X"
 *   pt_bench irq BDF ROUNDS SAMPLES [same|cross|kernel]
 *        edu's interrupts, SAMPLES round trips per driver, kind and round,
 *        from the raise write (mapped BAR0) to the eventfd's read()
 *        returning; INTx also reads and acks edu's status and unmasks
 *        through the unmask eventfd: "speedup irq-msi X", "speedup
 *        irq-intx X" (medians), "speedup irq-msi-p99 X" and
 *        "speedup irq-intx-p99 X".  The program runs on CPU 0; the
 *        interrupt is steered to CPU 0 (same, the default), to CPU 1
 *        (cross), or left where the kernel put it (kernel)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <linux/vfio.h>

#include "pt_util.h"

#define MIB (1024UL * 1024)
#define IOVA 0x40000000ULL
/* Above 4 GiB: a large guest's memory must not cross the MSI window. */
#define IOVA_HIGH 0x100000000ULL
#define MAX_ROUNDS 32

enum backing { B_4K, B_THP, B_HUGETLB, NR_BACKINGS };
static const char * const backing_name[] = { "4k", "thp", "hugetlb" };
enum { PASSTHRU, VFIO, NR_DRIVERS };
static const char * const driver_name[] = { "passthru", "vfio-pci" };

static const char *bdf;
static size_t size;

/* @size bytes of memory with backing @b, every page written if @touch. */
static void *alloc_backing(enum backing b, bool touch)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t len = b == B_THP ? size + 2 * MIB : size;
	uint8_t *p;
	size_t i;

	if (b == B_HUGETLB)
		flags |= MAP_HUGETLB;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		die(b == B_HUGETLB ? "mmap hugetlb (nr_hugepages?)" : "mmap");
	if (b == B_THP) {
		p = (uint8_t *)(((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1));
		madvise(p, size, MADV_HUGEPAGE);
	} else if (b == B_4K) {
		madvise(p, size, MADV_NOHUGEPAGE);
	}
	for (i = 0; touch && i < size; i += 4096)
		p[i] = 1;
	return p;
}

/* Undo alloc_backing() (THP's alignment slack stays mapped: it is small). */
static void free_backing(enum backing b, void *p)
{
	munmap(p, size);
	(void)b;
}

/* How much of our memory THP backs: the thp case means nothing without. */
static void print_thp(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "AnonHugePages:", 14))
			printf("# %s", line);
	if (f)
		fclose(f);
}

static void rebind(const char *driver)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	write_file(path, bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	if (write_file(path, driver))
		die("driver_override");
	if (write_file("/sys/bus/pci/drivers_probe", bdf))
		die("drivers_probe");
}

struct session {
	int a, b;	/* passthru: vm, device; vfio: container, group */
	int dev;	/* the device: passthru's node, vfio's device fd */
};

static void open_passthru(struct session *s)
{
	struct passthru_device_attach at = { .size = sizeof(at) };

	rebind("passthru");
	s->a = open("/dev/passthru/vm", O_RDWR);
	s->b = node_open(bdf);
	if (s->a < 0 || s->b < 0)
		die("open passthru nodes");
	at.vm_fd = s->a;
	if (ioctl(s->b, PASSTHRU_DEVICE_ATTACH, &at))
		die("PASSTHRU_DEVICE_ATTACH");
	s->dev = s->b;
}

/* The group node of the function, for vfio. */
static void vfio_group_path(char *path, size_t len)
{
	char link[PATH_MAX];
	ssize_t n;

	snprintf(path, len, "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die(path);
	link[n] = '\0';
	snprintf(path, len, "/dev/vfio/%s", strrchr(link, '/') + 1);
}

static void open_vfio(struct session *s)
{
	char path[PATH_MAX];

	rebind("vfio-pci");
	vfio_group_path(path, sizeof(path));
	s->a = open("/dev/vfio/vfio", O_RDWR);
	s->b = open(path, O_RDWR);
	if (s->a < 0 || s->b < 0)
		die("open vfio nodes");
	if (ioctl(s->b, VFIO_GROUP_SET_CONTAINER, &s->a))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(s->a, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	s->dev = ioctl(s->b, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (s->dev < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
}

static void close_session(int drv, struct session *s)
{
	if (drv == VFIO)
		close(s->dev);
	close(s->b);
	close(s->a);
}

/* Offset and size of region @index of an open device. */
static void region(int drv, struct session *s, unsigned int index,
		   uint64_t *offset, uint64_t *len)
{
	if (drv == PASSTHRU) {
		struct passthru_region_info ri = {
			.size = sizeof(ri), .index = index,
		};

		if (ioctl(s->dev, PASSTHRU_REGION_INFO, &ri))
			die("PASSTHRU_REGION_INFO");
		*offset = ri.offset;
		*len = ri.region_size;
	} else {
		struct vfio_region_info ri = {
			.argsz = sizeof(ri), .index = index,
		};

		if (ioctl(s->dev, VFIO_DEVICE_GET_REGION_INFO, &ri))
			die("VFIO_DEVICE_GET_REGION_INFO");
		*offset = ri.offset;
		*len = ri.size;
	}
}

static uint32_t touch(const uint8_t *p)
{
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
}

/* One map and one unmap; times in ms. */
static void measure(int drv, struct session *s, void *mem, double *map_ms,
		    double *unmap_ms)
{
	double t0, t1, t2;

	if (drv == PASSTHRU) {
		struct passthru_dma_map m = {
			.size = sizeof(m),
			.flags = PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE,
			.iova = IOVA, .vaddr = (uintptr_t)mem, .length = size,
		};
		struct passthru_dma_unmap u = {
			.size = sizeof(u), .iova = IOVA, .length = size,
		};

		t0 = now_ms();
		if (ioctl(s->a, PASSTHRU_VM_MAP_DMA, &m))
			die("PASSTHRU_VM_MAP_DMA");
		t1 = now_ms();
		if (ioctl(s->a, PASSTHRU_VM_UNMAP_DMA, &u) || u.length != size)
			die("PASSTHRU_VM_UNMAP_DMA");
		t2 = now_ms();
	} else {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)mem, .iova = IOVA, .size = size,
		};
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = IOVA, .size = size,
		};

		t0 = now_ms();
		if (ioctl(s->a, VFIO_IOMMU_MAP_DMA, &m))
			die("VFIO_IOMMU_MAP_DMA");
		t1 = now_ms();
		if (ioctl(s->a, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != size)
			die("VFIO_IOMMU_UNMAP_DMA");
		t2 = now_ms();
	}
	*map_ms = t1 - t0;
	*unmap_ms = t2 - t1;
}

/* Map @len bytes at @vaddr to @iova; 0 or an errno. */
static int map_dma(int drv, struct session *s, uint64_t iova, void *vaddr,
		   size_t len)
{
	if (drv == PASSTHRU) {
		struct passthru_dma_map m = {
			.size = sizeof(m),
			.flags = PASSTHRU_DMA_READ | PASSTHRU_DMA_WRITE,
			.iova = iova, .vaddr = (uintptr_t)vaddr, .length = len,
		};

		return ioctl(s->a, PASSTHRU_VM_MAP_DMA, &m) ? errno : 0;
	}
	struct vfio_iommu_type1_dma_map v = {
		.argsz = sizeof(v),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr, .iova = iova, .size = len,
	};

	return ioctl(s->a, VFIO_IOMMU_MAP_DMA, &v) ? errno : 0;
}

/* Unmap what lies in @len bytes at @iova; dies unless exactly @len did. */
static void unmap_dma(int drv, struct session *s, uint64_t iova, size_t len)
{
	if (drv == PASSTHRU) {
		struct passthru_dma_unmap u = {
			.size = sizeof(u), .iova = iova, .length = len,
		};

		if (ioctl(s->a, PASSTHRU_VM_UNMAP_DMA, &u) || u.length != len)
			die("PASSTHRU_VM_UNMAP_DMA");
	} else {
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = iova, .size = len,
		};

		if (ioctl(s->a, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != len)
			die("VFIO_IOMMU_UNMAP_DMA");
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of @n values (at most MAX_ROUNDS), which stay in order. */
static double median(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * Per round, the two drivers' figures and their ratio (X as in the
 * speedup line, for that round alone): how far the rounds spread, which
 * the medians do not show.
 */
static void print_rounds(const char *name, const char *unit,
			 double v[NR_DRIVERS][MAX_ROUNDS], int rounds,
			 int higher_is_better)
{
	double ratio[MAX_ROUNDS];
	int r, d;

	for (d = 0; d < NR_DRIVERS; d++) {
		printf("# %s %s per round (%s):", name, driver_name[d], unit);
		for (r = 0; r < rounds; r++)
			printf(" %.1f", v[d][r]);
		printf("\n");
	}
	for (r = 0; r < rounds; r++)
		ratio[r] = higher_is_better ? v[PASSTHRU][r] / v[VFIO][r] :
			   v[VFIO][r] / v[PASSTHRU][r];
	qsort(ratio, rounds, sizeof(*ratio), cmp_double);
	printf("# %s ratio per round: min %.2f, median %.2f, max %.2f\n", name,
	       ratio[0], median(ratio, rounds), ratio[rounds - 1]);
}

static int bench_dma(int rounds)
{
	static double total[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	static double maps[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	static double unmaps[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	void *mem[NR_BACKINGS];
	int r, i, b, d;

	if (!size)
		return 2;
	for (b = 0; b < NR_BACKINGS; b++)
		mem[b] = alloc_backing(b, true);
	print_thp();

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			struct session s;

			d = (r + i) % NR_DRIVERS;
			if (d == PASSTHRU)
				open_passthru(&s);
			else
				open_vfio(&s);
			for (b = 0; b < NR_BACKINGS; b++) {
				measure(d, &s, mem[b], &maps[b][d][r],
					&unmaps[b][d][r]);
				total[b][d][r] = maps[b][d][r] + unmaps[b][d][r];
			}
			close_session(d, &s);
		}
	}
	rebind("\n");

	for (b = 0; b < NR_BACKINGS; b++) {
		double t[NR_DRIVERS];

		for (d = 0; d < NR_DRIVERS; d++)
			t[d] = median(total[b][d], rounds);
		printf("speedup dma-%s %.2f\n", backing_name[b], t[VFIO] / t[PASSTHRU]);
	}
	for (b = 0; b < NR_BACKINGS; b++) {
		for (d = 0; d < NR_DRIVERS; d++) {
			printf("median dma-%s %s: map+unmap %.1f ms ",
			       backing_name[b], driver_name[d],
			       median(total[b][d], rounds));
			printf("(map %.1f, unmap %.1f), %zu MiB, %d rounds\n",
			       median(maps[b][d], rounds),
			       median(unmaps[b][d], rounds), size / MIB, rounds);
		}
	}
	for (b = 0; b < NR_BACKINGS; b++) {
		char name[32];

		snprintf(name, sizeof(name), "dma-%s", backing_name[b]);
		print_rounds(name, "ms", total[b], rounds, 0);
	}
	return 0;
}

/* Open either driver's session: rebinding is not timed, the rest is. */
static void open_session(int drv, struct session *s)
{
	if (drv == PASSTHRU)
		open_passthru(s);
	else
		open_vfio(s);
}

/*
 * Memory the VMM never touched: every round maps fresh memory, so that
 * pinning faults it in (zeroing included, the same work for both
 * drivers), as a VMM's first map of guest RAM it did not preallocate.
 */
static int bench_dma_cold(int rounds)
{
	static double t[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	int r, i, b, d;

	if (!size)
		return 2;
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			struct session s;

			d = (r + i) % NR_DRIVERS;
			open_session(d, &s);
			for (b = 0; b < NR_BACKINGS; b++) {
				void *mem = alloc_backing(b, false);
				double t0 = now_ms();

				if (map_dma(d, &s, IOVA, mem, size))
					die("map untouched memory");
				unmap_dma(d, &s, IOVA, size);
				t[b][d][r] = now_ms() - t0;
				free_backing(b, mem);
			}
			close_session(d, &s);
		}
	}
	rebind("\n");
	for (b = 0; b < NR_BACKINGS; b++)
		printf("speedup dma-%s-cold %.2f\n", backing_name[b],
		       median(t[b][VFIO], rounds) / median(t[b][PASSTHRU], rounds));
	for (b = 0; b < NR_BACKINGS; b++) {
		char name[32];

		for (d = 0; d < NR_DRIVERS; d++)
			printf("median dma-%s-cold %s: map+unmap %.1f ms, %zu MiB, %d rounds\n",
			       backing_name[b], driver_name[d],
			       median(t[b][d], rounds), size / MIB, rounds);
		snprintf(name, sizeof(name), "dma-%s-cold", backing_name[b]);
		print_rounds(name, "ms", t[b], rounds, 0);
	}
	return 0;
}

/*
 * A large guest's start: all of its (preallocated, hugetlbfs) memory
 * mapped in one call, from nothing mapped; then its unmap, as at the VM's
 * end.
 */
static int bench_dma_large(int rounds)
{
	static double map[NR_DRIVERS][MAX_ROUNDS], unmap[NR_DRIVERS][MAX_ROUNDS];
	void *mem;
	int r, i, d;

	if (!size)
		return 2;
	mem = alloc_backing(B_HUGETLB, true);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			struct session s;
			double t0, t1;

			d = (r + i) % NR_DRIVERS;
			open_session(d, &s);
			t0 = now_ms();
			if (map_dma(d, &s, IOVA_HIGH, mem, size))
				die("map the large guest");
			t1 = now_ms();
			unmap_dma(d, &s, IOVA_HIGH, size);
			map[d][r] = t1 - t0;
			unmap[d][r] = now_ms() - t1;
			close_session(d, &s);
		}
	}
	rebind("\n");
	printf("speedup dma-large %.2f\n",
	       median(map[VFIO], rounds) / median(map[PASSTHRU], rounds));
	printf("speedup dma-large-unmap %.2f\n",
	       median(unmap[VFIO], rounds) / median(unmap[PASSTHRU], rounds));
	for (d = 0; d < NR_DRIVERS; d++) {
		printf("median dma-large %s: map %.1f ms, unmap %.1f ms, ",
		       driver_name[d], median(map[d], rounds),
		       median(unmap[d], rounds));
		printf("%zu MiB of hugetlbfs in one mapping, %d rounds\n",
		       size / MIB, rounds);
	}
	print_rounds("dma-large", "ms", map, rounds, 0);
	print_rounds("dma-large-unmap", "ms", unmap, rounds, 0);
	return 0;
}

/* vfio type1's default dma_entry_limit: the mappings both drivers take. */
#define DMA_MANY_COMMON 65535UL

/*
 * Many small mappings: @count separate 4 KiB mappings of touched memory,
 * mapped one by one, then unmapped one by one.  Times for the first
 * DMA_MANY_COMMON of each go into @common, those for all @count into
 * @all; returns how many were mapped, and the errno of the first refusal
 * in @err.
 */
static unsigned long many_once(int drv, uint8_t *mem, unsigned long count,
			       double *common, double *all, int *err)
{
	unsigned long n, k;
	struct session s;
	double t0, tm, tc;

	open_session(drv, &s);
	*err = 0;
	t0 = now_ms();
	tm = 0;
	for (n = 0; n < count; n++) {
		if (n == DMA_MANY_COMMON)
			tm = now_ms() - t0;
		*err = map_dma(drv, &s, IOVA + n * 4096, mem + n * 4096, 4096);
		if (*err)
			break;
	}
	if (!tm)
		tm = now_ms() - t0;
	*all = now_ms() - t0;
	t0 = now_ms();
	tc = 0;
	for (k = 0; k < n; k++) {
		if (k == DMA_MANY_COMMON)
			tc = now_ms() - t0;
		unmap_dma(drv, &s, IOVA + k * 4096, 4096);
	}
	if (!tc)
		tc = now_ms() - t0;
	*all += now_ms() - t0;
	*common = tm + tc;
	close_session(drv, &s);
	return n;
}

static int bench_dma_many(int rounds, unsigned long count)
{
	static double common[NR_DRIVERS][MAX_ROUNDS], all[NR_DRIVERS][MAX_ROUNDS];
	unsigned long mapped[NR_DRIVERS] = { 0 };
	int err[NR_DRIVERS] = { 0 };
	uint8_t *mem;
	int r, i, d;

	if (count < DMA_MANY_COMMON) {
		fprintf(stderr, "dma-many needs at least %lu mappings\n",
			DMA_MANY_COMMON);
		return 2;
	}
	size = count * 4096;
	mem = alloc_backing(B_4K, true);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			d = (r + i) % NR_DRIVERS;
			mapped[d] = many_once(d, mem, count, &common[d][r],
					      &all[d][r], &err[d]);
		}
	}
	rebind("\n");
	printf("speedup dma-many %.2f\n",
	       median(common[VFIO], rounds) / median(common[PASSTHRU], rounds));
	for (d = 0; d < NR_DRIVERS; d++) {
		printf("median dma-many %s: %lu 4 KiB mappings, ", driver_name[d],
		       DMA_MANY_COMMON);
		printf("mapped and unmapped one by one in %.1f ms",
		       median(common[d], rounds));
		if (mapped[d] == count)
			printf("; all %lu in %.1f ms", count, median(all[d], rounds));
		else
			printf("; mapping %lu refused (%s)", mapped[d] + 1,
			       strerror(err[d]));
		printf(", %d rounds\n", rounds);
	}
	print_rounds("dma-many", "ms", common, rounds, 0);
	/* passthru has no limit of its own: each mapping pins a page. */
	return mapped[PASSTHRU] == count ? 0 : 1;
}

struct bar_times {
	double first;	/* the first page: the fault that fills the mapping */
	double all;	/* every page, the first included */
	double again;	/* every page again, all mapped: the floor */
	long faults;
};

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Map the BAR, touch every page twice, unmap. */
static void bar_pass(struct session *s, uint64_t offset, uint64_t len,
		     struct bar_times *bt)
{
	uint32_t sum = 0;
	uint64_t pos;
	uint8_t *p;
	double t0;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, s->dev, offset);
	if (p == MAP_FAILED)
		die("mmap BAR");
	bt->faults = -minor_faults();
	t0 = now_ms();
	sum += touch(p);
	bt->first = now_ms() - t0;
	for (pos = 4096; pos < len; pos += 4096)
		sum += touch(p + pos);
	bt->all = now_ms() - t0;
	bt->faults += minor_faults();
	t0 = now_ms();
	for (pos = 0; pos < len; pos += 4096)
		sum += touch(p + pos);
	bt->again = now_ms() - t0;
	munmap(p, len);
	(void)sum;
}

/*
 * One round of one driver: a session, and in it the best of BAR_PASSES
 * fresh mappings (the host's other work can double a single pass).
 */
#define BAR_PASSES 3
static void bar_once(int drv, unsigned int index, uint64_t *len,
		     struct bar_times *best)
{
	struct bar_times bt;
	struct session s;
	uint64_t offset;
	int i;

	open_session(drv, &s);
	region(drv, &s, index, &offset, len);
	for (i = 0; i < BAR_PASSES; i++) {
		bar_pass(&s, offset, *len, &bt);
		if (!i || bt.all < best->all)
			*best = bt;
	}
	close_session(drv, &s);
}

static int bench_bar(int rounds, unsigned int index)
{
	static double t[NR_DRIVERS][MAX_ROUNDS], again[NR_DRIVERS][MAX_ROUNDS];
	static double first[NR_DRIVERS][MAX_ROUNDS];
	long faults[NR_DRIVERS] = { 0 };
	struct bar_times bt;
	uint64_t len = 0;
	int r, i, d;

	/*
	 * Untimed, once through each driver: the first touch of the BAR
	 * in a boot also makes QEMU allocate its backing (near a second).
	 */
	for (d = 0; d < NR_DRIVERS; d++)
		bar_once(d, index, &len, &bt);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			d = (r + i) % NR_DRIVERS;
			bar_once(d, index, &len, &bt);
			first[d][r] = bt.first;
			t[d][r] = bt.all;
			again[d][r] = bt.again;
			faults[d] += bt.faults;
		}
	}
	rebind("\n");
	printf("speedup bar-fault %.2f\n",
	       median(t[VFIO], rounds) / median(t[PASSTHRU], rounds));
	for (d = 0; d < NR_DRIVERS; d++) {
		printf("median bar-fault %s: %.1f ms to touch %llu pages of BAR%u ",
		       driver_name[d], median(t[d], rounds),
		       (unsigned long long)(len / 4096), index);
		printf("(first page %.2f ms, %.1f ms once mapped; %ld faults), %d rounds\n",
		       median(first[d], rounds), median(again[d], rounds),
		       faults[d], rounds);
	}
	print_rounds("bar-fault", "ms", t, rounds, 0);
	return 0;
}

/* From nothing to the first read of a mapped BAR0 page. */
static double open_once(int drv)
{
	char path[PATH_MAX];
	struct session s;
	uint64_t offset, len;
	uint8_t *p;
	double t0, t1;

	/* Bind first: a driver's probe is not what a VMM waits for. */
	rebind(driver_name[drv]);
	if (drv == VFIO)
		vfio_group_path(path, sizeof(path));
	t0 = now_ms();
	if (drv == PASSTHRU) {
		struct passthru_device_attach at = { .size = sizeof(at) };

		s.a = open("/dev/passthru/vm", O_RDWR);
		s.b = node_open(bdf);
		at.vm_fd = s.a;
		if (s.a < 0 || s.b < 0 ||
		    ioctl(s.b, PASSTHRU_DEVICE_ATTACH, &at))
			die("passthru open");
		s.dev = s.b;
	} else {
		s.a = open("/dev/vfio/vfio", O_RDWR);
		s.b = open(path, O_RDWR);
		if (s.a < 0 || s.b < 0 ||
		    ioctl(s.b, VFIO_GROUP_SET_CONTAINER, &s.a) ||
		    ioctl(s.a, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
			die("vfio open");
		s.dev = ioctl(s.b, VFIO_GROUP_GET_DEVICE_FD, bdf);
		if (s.dev < 0)
			die("VFIO_GROUP_GET_DEVICE_FD");
	}
	region(drv, &s, 0, &offset, &len);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, s.dev, offset);
	if (p == MAP_FAILED)
		die("mmap BAR0");
	(void)touch(p);
	t1 = now_ms();
	munmap(p, 4096);
	close_session(drv, &s);
	return t1 - t0;
}

static int bench_open(int rounds)
{
	static double t[NR_DRIVERS][MAX_ROUNDS];
	int r, i, d;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			d = (r + i) % NR_DRIVERS;
			t[d][r] = open_once(d);
		}
	}
	rebind("\n");
	printf("speedup open %.2f\n",
	       median(t[VFIO], rounds) / median(t[PASSTHRU], rounds));
	for (d = 0; d < NR_DRIVERS; d++)
		printf("median open %s: %.2f ms, %d rounds\n", driver_name[d],
		       median(t[d], rounds), rounds);
	print_rounds("open", "ms", t, rounds, 0);
	return 0;
}

/*
 * NVMe: the demo's driver, nvme-read, in its benchmark mode (4 KiB random
 * reads at queue depth 8, polled) through each driver.
 */
static double nvme_once(int drv, double secs)
{
	char cmd[256], line[128];
	double iops = -1;
	FILE *p;

	rebind(driver_name[drv]);
	snprintf(cmd, sizeof(cmd), "nvme-read %s --quiet --bench %.1f%s", bdf,
		 secs, drv == VFIO ? " --vfio" : "");
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p))
		if (sscanf(line, "iops %lf", &iops) != 1)
			fputs(line, stdout);
	if (!p || pclose(p) || iops < 0)
		die(cmd);
	return iops;
}

static int bench_nvme(int rounds, double secs)
{
	static double iops[NR_DRIVERS][MAX_ROUNDS];
	int r, i, d;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			d = (r + i) % NR_DRIVERS;
			iops[d][r] = nvme_once(d, secs);
		}
	}
	rebind("\n");
	printf("speedup nvme-read %.2f\n",
	       median(iops[PASSTHRU], rounds) / median(iops[VFIO], rounds));
	for (d = 0; d < NR_DRIVERS; d++) {
		printf("median nvme-read %s: %.0f IOPS, ", driver_name[d],
		       median(iops[d], rounds));
		printf("4 KiB random reads, QD 8, polled, %.1f s x %d rounds\n",
		       secs, rounds);
	}
	print_rounds("nvme-read", "IOPS", iops, rounds, 1);
	return 0;
}

/*
 * Interrupts: edu's MSI and INTx, as a VMM's vCPU thread sees them.  One
 * sample is the time from the raise write (through the mapped BAR0) to
 * the eventfd's read() returning; for INTx it goes on to what the guest's
 * driver and the VMM must do before the next interrupt: read edu's status,
 * ack it, and unmask INTx by writing the unmask eventfd (passthru's
 * PASSTHRU_IRQ_SET_UNMASK_EVENTFD, vfio's VFIO_IRQ_SET_ACTION_UNMASK with
 * an eventfd: both unmask inside that write(), the path KVM's resampler
 * takes).
 */
#define EDU_STATUS 0x24
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define IRQ_WARMUP 200
#define IRQ_TIMEOUT_S 60

enum irq_kind { K_MSI, K_INTX, NR_KINDS };
static const char * const kind_name[] = { "irq-msi", "irq-intx" };
enum irq_place { P_SAME, P_CROSS, P_KERNEL };
static const char * const place_name[] = { "same", "cross", "kernel" };

struct irq_session {
	struct session s;
	uint8_t *bar0;
	int efd, ufd;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void edu_wr(struct irq_session *is, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(is->bar0 + off), v, __ATOMIC_RELAXED);
}

static uint32_t edu_rd(struct irq_session *is, unsigned int off)
{
	return __atomic_load_n((uint32_t *)(is->bar0 + off), __ATOMIC_RELAXED);
}

static void on_alarm(int sig)
{
	static const char msg[] = "irq: no interrupt within the timeout\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* Bus mastering on, as the guest's driver does: an MSI is a DMA write. */
static void irq_master(int drv, struct irq_session *is)
{
	uint64_t cfg, len;
	uint16_t cmd;

	region(drv, &is->s, drv == PASSTHRU ? PASSTHRU_REGION_CONFIG :
	       VFIO_PCI_CONFIG_REGION_INDEX, &cfg, &len);
	if (pread(is->s.dev, &cmd, 2, cfg + PCI_COMMAND) != 2)
		die("read the command register");
	cmd |= PCI_COMMAND_MASTER;
	if (pwrite(is->s.dev, &cmd, 2, cfg + PCI_COMMAND) != 2)
		die("write the command register");
}

static void irq_open(int drv, struct irq_session *is)
{
	uint64_t offset, len;
	void *p;

	open_session(drv, &is->s);
	region(drv, &is->s, 0, &offset, &len);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, is->s.dev,
		 offset);
	if (p == MAP_FAILED)
		die("mmap BAR0");
	is->bar0 = p;
	irq_master(drv, is);
	is->efd = eventfd(0, EFD_CLOEXEC);
	is->ufd = eventfd(0, EFD_CLOEXEC);
	if (is->efd < 0 || is->ufd < 0)
		die("eventfd");
}

static void irq_close(int drv, struct irq_session *is)
{
	munmap(is->bar0, 4096);
	close(is->efd);
	close(is->ufd);
	close_session(drv, &is->s);
}

/* One action of SET_IRQS on vector 0 of @kind; @fd < -1: none (count 0). */
static void irq_set(int drv, struct irq_session *is, enum irq_kind kind,
		    int unmask, int32_t fd)
{
	if (drv == PASSTHRU) {
		struct passthru_irq_set set = {
			.size = sizeof(set),
			.flags = unmask ? PASSTHRU_IRQ_SET_UNMASK_EVENTFD :
				 PASSTHRU_IRQ_SET_EVENTFD,
			.index = kind == K_MSI ? PASSTHRU_IRQ_MSI :
				 PASSTHRU_IRQ_INTX,
			.count = fd < -1 ? 0 : 1,
			.data = (uintptr_t)&fd,
		};

		if (ioctl(is->s.dev, PASSTHRU_SET_IRQS, &set))
			die("PASSTHRU_SET_IRQS");
	} else {
		struct {
			struct vfio_irq_set set;
			int32_t fd;
		} a = {
			.set = {
				.argsz = sizeof(a),
				.flags = (fd < -1 ? VFIO_IRQ_SET_DATA_NONE :
					  VFIO_IRQ_SET_DATA_EVENTFD) |
					 (unmask ? VFIO_IRQ_SET_ACTION_UNMASK :
					  VFIO_IRQ_SET_ACTION_TRIGGER),
				.index = kind == K_MSI ? VFIO_PCI_MSI_IRQ_INDEX :
					 VFIO_PCI_INTX_IRQ_INDEX,
				.count = fd < -1 ? 0 : 1,
			},
			.fd = fd,
		};

		if (ioctl(is->s.dev, VFIO_DEVICE_SET_IRQS, &a))
			die("VFIO_DEVICE_SET_IRQS");
	}
}

/* The Linux interrupt of the function's @kind, as sysfs tells it. */
static int irq_number(enum irq_kind kind)
{
	char path[PATH_MAX], buf[32];
	struct dirent *e;
	int irq = -1;
	FILE *f;
	DIR *d;

	if (kind == K_INTX) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/irq", bdf);
		f = fopen(path, "r");
		if (!f || !fgets(buf, sizeof(buf), f))
			die(path);
		fclose(f);
		return atoi(buf);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/msi_irqs", bdf);
	d = opendir(path);
	if (!d)
		die(path);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			irq = atoi(e->d_name);
	closedir(d);
	if (irq < 0)
		die("no MSI in msi_irqs");
	return irq;
}

/* The CPU interrupt @irq is delivered to (the first, if several). */
static int irq_cpu(int irq)
{
	char path[64], buf[64];
	FILE *f;
	int cpu = -1;

	snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", irq);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		cpu = atoi(buf);
	if (f)
		fclose(f);
	return cpu;
}

/*
 * Steer @irq to @cpu, for both drivers alike; returns the CPU the kernel
 * had chosen.
 */
static int irq_steer(int irq, enum irq_place place)
{
	char path[64];
	int was = irq_cpu(irq);

	if (place == P_KERNEL)
		return was;
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	if (write_file(path, place == P_SAME ? "0" : "1"))
		die(path);
	return was;
}

/* @n timed round trips of @kind (after IRQ_WARMUP untimed), in µs. */
static void irq_samples(struct irq_session *is, enum irq_kind kind,
			double *v, int n)
{
	uint64_t cnt, one = 1;
	double t0, t1;
	uint32_t st;
	int i;

	alarm(IRQ_TIMEOUT_S);
	for (i = -IRQ_WARMUP; i < n; i++) {
		t0 = now_us();
		edu_wr(is, EDU_RAISE, 1);
		if (read(is->efd, &cnt, sizeof(cnt)) != sizeof(cnt))
			die("read the eventfd");
		if (kind == K_MSI) {
			t1 = now_us();
			edu_wr(is, EDU_ACK, 1);
		} else {
			st = edu_rd(is, EDU_STATUS);
			edu_wr(is, EDU_ACK, st);
			if (write(is->ufd, &one, sizeof(one)) != sizeof(one))
				die("write the unmask eventfd");
			t1 = now_us();
		}
		if (cnt != 1) {
			fprintf(stderr, "%s: the eventfd counted %llu for one raise\n",
				kind_name[kind], (unsigned long long)cnt);
			exit(1);
		}
		if (i >= 0)
			v[i] = t1 - t0;
	}
	alarm(0);
}

/* Percentile @p (0..1) of @n sorted values. */
static double pct(const double *s, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return s[i];
}

static int bench_irq(int rounds, int n, enum irq_place place)
{
	static double med[NR_KINDS][NR_DRIVERS][MAX_ROUNDS];
	static double p99[NR_KINDS][NR_DRIVERS][MAX_ROUNDS];
	static int was[NR_KINDS][NR_DRIVERS][MAX_ROUNDS];
	static int went[NR_KINDS][NR_DRIVERS][MAX_ROUNDS];
	double *all[NR_KINDS][NR_DRIVERS];
	double m[NR_KINDS][NR_DRIVERS], q[NR_KINDS][NR_DRIVERS];
	struct sigaction sa = { .sa_handler = on_alarm };
	cpu_set_t cpus;
	int r, i, d, k, irq;

	if (n < 100 || (place != P_KERNEL && place != P_SAME &&
			sysconf(_SC_NPROCESSORS_ONLN) < 2))
		return 2;
	sigaction(SIGALRM, &sa, NULL);
	/* The vCPU thread of a VMM is pinned: ours is, to CPU 0, for both. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		die("sched_setaffinity");
	for (k = 0; k < NR_KINDS; k++)
		for (d = 0; d < NR_DRIVERS; d++) {
			all[k][d] = calloc((size_t)rounds * n, sizeof(double));
			if (!all[k][d])
				die("calloc");
		}

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < NR_DRIVERS; i++) {
			struct irq_session is;

			d = (r + i) % NR_DRIVERS;
			irq_open(d, &is);
			for (k = 0; k < NR_KINDS; k++) {
				double *v = all[k][d] + (size_t)r * n;
				double *s = malloc(n * sizeof(*s));

				if (!s)
					die("malloc");
				irq_set(d, &is, k, 0, is.efd);
				if (k == K_INTX)
					irq_set(d, &is, k, 1, is.ufd);
				irq = irq_number(k);
				was[k][d][r] = irq_steer(irq, place);
				irq_samples(&is, k, v, n);
				/* Some moves wait for the next interrupt. */
				went[k][d][r] = irq_cpu(irq);
				irq_set(d, &is, k, 0, -2);
				memcpy(s, v, n * sizeof(*s));
				qsort(s, n, sizeof(*s), cmp_double);
				med[k][d][r] = pct(s, n, 0.5);
				p99[k][d][r] = pct(s, n, 0.99);
				free(s);
			}
			irq_close(d, &is);
		}
	}
	rebind("\n");

	for (k = 0; k < NR_KINDS; k++)
		for (d = 0; d < NR_DRIVERS; d++) {
			qsort(all[k][d], (size_t)rounds * n, sizeof(double),
			      cmp_double);
			m[k][d] = pct(all[k][d], rounds * n, 0.5);
			q[k][d] = pct(all[k][d], rounds * n, 0.99);
		}
	for (k = 0; k < NR_KINDS; k++)
		printf("speedup %s %.2f\n", kind_name[k],
		       m[k][VFIO] / m[k][PASSTHRU]);
	for (k = 0; k < NR_KINDS; k++)
		printf("speedup %s-p99 %.2f\n", kind_name[k],
		       q[k][VFIO] / q[k][PASSTHRU]);
	for (k = 0; k < NR_KINDS; k++) {
		for (d = 0; d < NR_DRIVERS; d++) {
			printf("median %s %s: %.1f µs, p99 %.1f µs, ",
			       kind_name[k], driver_name[d], m[k][d], q[k][d]);
			printf("%d rounds x %d samples, program on CPU 0, irq %s\n",
			       rounds, n, place == P_SAME ? "on CPU 0" :
			       place == P_CROSS ? "on CPU 1" : "where the kernel put it");
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		char name[32];

		for (d = 0; d < NR_DRIVERS; d++) {
			printf("# %s %s: the interrupt's CPU per round, ",
			       kind_name[k], driver_name[d]);
			printf("the kernel's choice -> measured on:");
			for (r = 0; r < rounds; r++)
				printf(" %d->%d", was[k][d][r], went[k][d][r]);
			printf("\n");
		}
		print_rounds(kind_name[k], "µs, median", med[k], rounds, 0);
		snprintf(name, sizeof(name), "%s-p99", kind_name[k]);
		print_rounds(name, "µs", p99[k], rounds, 0);
	}
	printf("# irq placement: %s\n", place_name[place]);
	for (k = 0; k < NR_KINDS; k++)
		for (d = 0; d < NR_DRIVERS; d++)
			free(all[k][d]);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds;

	if (argc < 4)
		goto usage;
	bdf = argv[2];
	rounds = atoi(argv[3]);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		goto usage;
	if (argc == 5 && !strcmp(argv[1], "dma")) {
		size = strtoul(argv[4], NULL, 0) * MIB;
		return bench_dma(rounds);
	}
	if (argc == 5 && !strcmp(argv[1], "dma-cold")) {
		size = strtoul(argv[4], NULL, 0) * MIB;
		return bench_dma_cold(rounds);
	}
	if (argc == 5 && !strcmp(argv[1], "dma-large")) {
		size = strtoul(argv[4], NULL, 0) * MIB;
		return bench_dma_large(rounds);
	}
	if (argc == 5 && !strcmp(argv[1], "dma-many"))
		return bench_dma_many(rounds, strtoul(argv[4], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "bar"))
		return bench_bar(rounds, atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "open"))
		return bench_open(rounds);
	if (argc == 5 && !strcmp(argv[1], "nvme"))
		return bench_nvme(rounds, atof(argv[4]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "irq")) {
		enum irq_place p = P_SAME;

		while (argc == 6 && p < P_KERNEL && strcmp(argv[5], place_name[p]))
			p++;
		if (argc == 6 && strcmp(argv[5], place_name[p]))
			goto usage;
		return bench_irq(rounds, atoi(argv[4]), p);
	}
usage:
	fprintf(stderr, "usage: see the top of pt_bench.c\n");
	return 2;
}
