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
 */
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
usage:
	fprintf(stderr, "usage: see the top of pt_bench.c\n");
	return 2;
}
