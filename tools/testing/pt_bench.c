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
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <linux/vfio.h>

#include "pt_util.h"

#define MIB (1024UL * 1024)
#define IOVA 0x40000000ULL
#define MAX_ROUNDS 32

enum backing { B_4K, B_THP, B_HUGETLB, NR_BACKINGS };
static const char * const backing_name[] = { "4k", "thp", "hugetlb" };
enum { PASSTHRU, VFIO, NR_DRIVERS };
static const char * const driver_name[] = { "passthru", "vfio-pci" };

static const char *bdf;
static size_t size;

static void *alloc_backing(enum backing b)
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
	for (i = 0; i < size; i += 4096)
		p[i] = 1;
	return p;
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
		mem[b] = alloc_backing(b);
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
