// SPDX-License-Identifier: GPL-2.0
/*
 * pt_bench: DMA map + unmap throughput of passthru against vfio-pci
 * (vfio_iommu_type1), in one guest boot, on the same PCI function, which
 * is rebound between the two drivers every round.
 *
 *   pt_bench BDF ROUNDS SIZE_MIB
 *
 * Each round, for each backing (4 KiB pages, THP, 2 MiB hugetlbfs), times
 * one map and one unmap of SIZE_MIB of memory through each driver; the
 * driver that goes first alternates between rounds.  Prints, per backing,
 * "speedup dma-<backing> X" where X is vfio-pci's median map+unmap time
 * divided by passthru's (X > 1: passthru is faster), then the medians.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

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

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

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
}

static void open_vfio(struct session *s)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	rebind("vfio-pci");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die(path);
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	s->a = open("/dev/vfio/vfio", O_RDWR);
	s->b = open(path, O_RDWR);
	if (s->a < 0 || s->b < 0)
		die("open vfio nodes");
	if (ioctl(s->b, VFIO_GROUP_SET_CONTAINER, &s->a))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(s->a, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
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

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static double total[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	static double maps[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	static double unmaps[NR_BACKINGS][NR_DRIVERS][MAX_ROUNDS];
	void *mem[NR_BACKINGS];
	int rounds, r, i, b, d;

	if (argc != 4) {
		fprintf(stderr, "usage: pt_bench BDF ROUNDS SIZE_MIB\n");
		return 2;
	}
	bdf = argv[1];
	rounds = atoi(argv[2]);
	size = strtoul(argv[3], NULL, 0) * MIB;
	if (rounds < 1 || rounds > MAX_ROUNDS || !size)
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
			close(s.b);
			close(s.a);
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
