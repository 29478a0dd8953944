// SPDX-License-Identifier: GPL-2.0
/*
 * pt_fuzz: a structured fuzzer of passthru's uAPI, with oracles, on the
 * kselftest harness (TAP out; exit status 0 when all passed): one test,
 * the run.
 *
 *   pt_fuzz BDF OPS [SEED [intx]]
 *
 * SEED 0 (or none) takes one from the clock.  INTx eventfds are set only
 * with "intx" (make check, make fuzz and pt_race kill pass it).
 *
 * It knows the shape of every call: which fields are sizes, flags,
 * reserved words, ranges, descriptors and user pointers, and it picks
 * each from edge values (0, 1, page and region boundaries, U64_MAX and
 * its neighbours, 2^63) or at random.  It opens and attaches the node
 * (an edu: INTx and MSI it can raise itself, DMA), then runs OPS
 * operations: every ioctl of both node types, mmap at any offset and
 * length, pread/pwrite anywhere (config space included, at random
 * offsets and values), SET_IRQS with interrupts really firing, unmask
 * eventfd writes, reopen and re-attach, and forked children that run
 * operations and are killed at random points.
 *
 * Oracles, beyond "the kernel did not crash" (the host judges splats):
 * - an accepted mmap lies inside one of the areas REGION_INFO reports;
 * - a read through an accepted mapping of BAR0 at offset 0 returns edu's
 *   identification register (or SIGBUS while decode is off or the
 *   function is in D3hot): no mapping reaches outside the BAR;
 * - no call returns an errno the header does not document for it;
 * - at the end, with every file closed, pins balance
 *   (nr_foll_pin_acquired == nr_foll_pin_released) and no interrupt is
 *   left requested.
 * The caller then checks that a normal map, DMA and interrupt still work.
 *
 * The seed is printed ("# pt_fuzz BDF OPS SEED ..."); the same BDF, OPS
 * and SEED replay the same run.  The test process, and each child it
 * forks, dies with its parent (PR_SET_PDEATHSIG): killing the harness's
 * process (pt_race kill) ends the whole run.
 */
#include <linux/pci_regs.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "BDF OPS [SEED [intx]]"
/* A run of 10^6 operations on the debug kernel takes up to two hours. */
#define FUZZ_TIMEOUT 7200
/* Where /init sends the results (tools/testing/guest/init). */
#define PG 4096ULL
#define EDU_ID 0x010000edU
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
/* edu's DMA registers: QEMU 7.2 aborts on some transfers (not ours). */
#define EDU_DMA_FIRST 0x80
#define EDU_DMA_LAST 0x9f

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* An edge value, or sometimes any value. */
static uint64_t edge(uint64_t around)
{
	static const int64_t delta[] = { 0, 1, -1, 4096, -4096, 4095, 8 };
	static const uint64_t fixed[] = { 0, 1, 4096, 1ULL << 63, UINT64_MAX,
					  UINT64_MAX - 4095, 0xfee00000,
					  1ULL << 39, 1ULL << 48, 0x80000000 };

	switch (below(4)) {
	case 0:
		return fixed[below(ARRAY_SIZE(fixed))];
	case 1:
		return rnd();
	default:
		return around + delta[below(ARRAY_SIZE(delta))];
	}
}

static uint32_t edge32(uint32_t around)
{
	return below(3) ? (uint32_t)edge(around) : around;
}

/* State of the run. */
static const char *bdf;
static int dev = -1, vm = -1;
static int efd[4] = { -1, -1, -1, -1 };
static struct passthru_region_area areas[PASSTHRU_NUM_REGIONS][8];
static unsigned int nareas[PASSTHRU_NUM_REGIONS];
static uint64_t rsize[PASSTHRU_NUM_REGIONS];
static uint8_t *mem;		/* 64 pages of memory to map for DMA */
static unsigned long ops, oracle_fail;
static int fuzz_intx;
static double start_ms;
static char first_fail[256];
/* The harness's process, and the test's: the fuzzer's children are not. */
static pid_t harness_pid, fuzz_pid;
/* A reopen that failed ends the run: its errno and what failed. */
static int fatal_err;
static const char *fatal_what;

static void oracle(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	if (!oracle_fail++) {
		va_start(ap, fmt);
		vsnprintf(first_fail, sizeof(first_fail), fmt, ap);
		va_end(ap);
	}
}

static int errno_in(int err, const int *allowed)
{
	if (!err)
		return 1;
	for (; *allowed; allowed++)
		if (err == *allowed)
			return 1;
	return 0;
}

/*
 * (Re)open the node and a VM and attach them: 0, or the errno that
 * stopped it, with *@what saying where.
 */
static int open_attached(const char **what)
{
	struct passthru_device_attach a = { .size = sizeof(a) };

	if (dev >= 0)
		close(dev);
	if (vm >= 0)
		close(vm);
	*what = "open node and VM";
	dev = node_open(bdf);
	vm = open("/dev/passthru/vm", O_RDWR);
	if (dev < 0 || vm < 0)
		return errno;
	*what = "attach";
	a.vm_fd = vm;
	return pt_ioctl(dev, PASSTHRU_DEVICE_ATTACH, &a);
}

/* REGION_INFO of every region: 0, or its errno. */
static int learn_regions(void)
{
	struct passthru_region_info info;
	unsigned int r;
	int err;

	for (r = 0; r < PASSTHRU_NUM_REGIONS; r++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.index = r;
		info.num_areas = 8;
		info.areas = (uintptr_t)areas[r];
		err = pt_ioctl(dev, PASSTHRU_REGION_INFO, &info);
		if (err)
			return err;
		nareas[r] = info.num_areas;
		rsize[r] = info.region_size;
	}
	return 0;
}

/* A struct size: the right one mostly, else an edge of the rules. */
static uint32_t pick_size(uint32_t size)
{
	static const uint32_t odd[] = { 0, 4, 7, 8, 4096, 4097, 0xffffffff };

	switch (below(8)) {
	case 0:
		return odd[below(ARRAY_SIZE(odd))];
	case 1:
		return size + 8;
	case 2:
		return size - 4;
	default:
		return size;
	}
}

/* A user pointer: to good data mostly, else NULL, unmapped or kernel. */
static uint64_t pick_ptr(void *good)
{
	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		return 0xffff888000000000ULL;
	case 2:
		return 16;
	default:
		return (uintptr_t)good;
	}
}

static int32_t pick_fd(void)
{
	switch (below(6)) {
	case 0:
		return -1;
	case 1:
		return dev;
	case 2:
		return (int32_t)edge(3);
	default:
		return efd[below(4)];
	}
}

/* A struct of up to 64 bytes plus a tail, zero past @size mostly. */
union arg {
	struct passthru_device_info info;
	struct passthru_device_attach attach;
	struct passthru_region_info region;
	struct passthru_device_reset reset;
	struct passthru_irq_info irq;
	struct passthru_irq_set set;
	struct passthru_vm_info vminfo;
	struct passthru_dma_map map;
	struct passthru_dma_unmap unmap;
	uint8_t bytes[128];
};

static void dirty_tail(union arg *a, uint32_t size)
{
	if (size < sizeof(*a) - 8 && !below(8))
		a->bytes[size + below(8)] = 1;
}

static void op_device_ioctl(void)
{
	static const int allowed[] = { EFAULT, EINVAL, E2BIG, ENODEV, EBADF,
				       EBUSY, EPERM, ENOSPC, EOPNOTSUPP, EAGAIN,
				       EIO, EADDRINUSE, EXDEV, ENOTTY, ENOMEM,
				       0 };
	struct passthru_region_area out[8];
	int32_t fds[8];
	union arg a;
	unsigned long cmd;
	unsigned int i, which = below(7);
	int err;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < 8; i++)
		fds[i] = pick_fd();
	switch (which) {
	case 0:
		cmd = PASSTHRU_DEVICE_INFO;
		a.info.size = pick_size(sizeof(a.info));
		break;
	case 1:
		cmd = PASSTHRU_DEVICE_ATTACH;
		a.attach.size = pick_size(sizeof(a.attach));
		a.attach.vm_fd = below(2) ? vm : pick_fd();
		break;
	case 2:
		cmd = PASSTHRU_REGION_INFO;
		a.region.size = pick_size(sizeof(a.region));
		a.region.index = edge32(below(PASSTHRU_NUM_REGIONS));
		a.region.num_areas = edge32(below(9));
		a.region.areas = pick_ptr(out);
		break;
	case 3:
		cmd = PASSTHRU_DEVICE_RESET;
		a.reset.size = pick_size(sizeof(a.reset));
		break;
	case 4:
		cmd = PASSTHRU_IRQ_INFO;
		a.irq.size = pick_size(sizeof(a.irq));
		a.irq.index = edge32(below(PASSTHRU_NUM_IRQS));
		break;
	case 5:
		cmd = PASSTHRU_SET_IRQS;
		a.set.size = pick_size(sizeof(a.set));
		a.set.flags = below(6) ? 1u << below(5) : (uint32_t)rnd();
		a.set.index = edge32(below(PASSTHRU_NUM_IRQS));
		a.set.start = edge32(below(2));
		a.set.count = edge32(below(3));
		a.set.data = pick_ptr(fds);
		break;
	default:
		cmd = below(2) ? (unsigned long)rnd() :
		      _IO(PASSTHRU_TYPE, 0x40 + below(32));
		a.info.size = pick_size(16);
		break;
	}
	if (!below(10))
		a.info.flags = (uint32_t)rnd();
	dirty_tail(&a, a.info.size);
	err = pt_ioctl(dev, cmd, &a);
	oracle(errno_in(err, allowed), "device ioctl %#lx: undocumented %s",
	       cmd, strerror(err));
	if (which == 1 && !err)
		oracle(0, "a second attach succeeded");
	if (which == 2 && !err && a.region.index < PASSTHRU_NUM_REGIONS)
		oracle(a.region.num_areas == nareas[a.region.index] &&
		       a.region.region_size == rsize[a.region.index],
		       "REGION_INFO %u changed", a.region.index);
}

static void op_vm_ioctl(void)
{
	static const int allowed[] = { EFAULT, EINVAL, E2BIG, EOVERFLOW,
				       ERANGE, EEXIST, EOPNOTSUPP, ENOMEM,
				       ENOENT, ENOTTY, EPERM, 0 };
	struct passthru_iova_range ranges[8];
	union arg a;
	unsigned long cmd;
	int err;

	memset(&a, 0, sizeof(a));
	switch (below(4)) {
	case 0:
		cmd = PASSTHRU_VM_INFO;
		a.vminfo.size = pick_size(sizeof(a.vminfo));
		a.vminfo.num_ranges = edge32(below(9));
		a.vminfo.ranges = pick_ptr(ranges);
		break;
	case 1:
	case 2:
		cmd = PASSTHRU_VM_MAP_DMA;
		a.map.size = pick_size(sizeof(a.map));
		a.map.flags = below(8) ? 1 + below(3) : (uint32_t)rnd();
		a.map.iova = below(2) ? (1 << 20) + below(64) * PG :
			     edge(1ULL << 20);
		a.map.vaddr = below(2) ? (uintptr_t)mem + below(64) * PG :
			      edge((uintptr_t)mem);
		a.map.length = below(2) ? (1 + below(8)) * PG : edge(PG);
		break;
	default:
		cmd = PASSTHRU_VM_UNMAP_DMA;
		a.unmap.size = pick_size(sizeof(a.unmap));
		a.unmap.flags = below(4) ? 0 : below(2) ? 1 : (uint32_t)rnd();
		a.unmap.iova = below(2) ? (1 << 20) + below(64) * PG :
			       edge(1ULL << 20);
		a.unmap.length = below(2) ? (1 + below(8)) * PG : edge(PG);
		break;
	}
	dirty_tail(&a, a.map.size);
	err = pt_ioctl(vm, cmd, &a);
	oracle(errno_in(err, allowed), "VM ioctl %#lx: undocumented %s", cmd,
	       strerror(err));
}

static int in_areas(unsigned int r, uint64_t pos, uint64_t len)
{
	unsigned __int128 end = (unsigned __int128)pos + len;
	unsigned int i;

	for (i = 0; i < nareas[r] && i < 8; i++)
		if (pos >= areas[r][i].offset &&
		    end <= (unsigned __int128)areas[r][i].offset +
			   areas[r][i].size)
			return 1;
	return 0;
}

static void op_mmap(void)
{
	unsigned int r = below(PASSTHRU_NUM_REGIONS);
	uint64_t pos, len, off;
	void *p;

	pos = below(2) ? below(rsize[r] / PG + 2) * PG : edge(rsize[r]);
	len = below(2) ? (1 + below(4)) * PG : edge(rsize[r]);
	if (len > (1ULL << 40))
		len = 1ULL << 40;
	off = below(8) ? PASSTHRU_REGION_OFFSET(r) + pos : edge(0) & ~(PG - 1);
	p = mmap(NULL, len, below(4) ? PROT_READ : PROT_READ | PROT_WRITE,
		 below(10) ? MAP_SHARED : MAP_PRIVATE, dev, off);
	if (p == MAP_FAILED)
		return;
	/* The region and position the kernel took from the offset. */
	r = off / PASSTHRU_REGION_OFFSET(1);
	pos = off % PASSTHRU_REGION_OFFSET(1);
	oracle(r < PASSTHRU_NUM_REGIONS && in_areas(r, pos, len),
	       "mmap of %#llx bytes at %#llx accepted outside the areas",
	       (unsigned long long)len, (unsigned long long)off);
	if (r == 0 && pos == 0 && !pt_self_sigbus(p))
		oracle(__atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED) ==
		       EDU_ID, "BAR0 through a mapping reads %#x",
		       __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED));
	if (len >= PG && !below(2))
		pt_self_sigbus((uint8_t *)p + len - PG);
	munmap(p, len);
}

static void op_rw(void)
{
	unsigned int r = below(PASSTHRU_NUM_REGIONS);
	uint8_t buf[8192];
	uint64_t pos, off;
	size_t len;
	ssize_t n;

	pos = below(2) ? below(rsize[r] + 16) : edge(rsize[r]);
	len = below(2) ? below(9) : below(sizeof(buf) + 1);
	off = below(8) ? PASSTHRU_REGION_OFFSET(r) + pos : edge(0);
	if (below(2)) {
		n = pread(dev, buf, len, off);
		oracle(n < 0 || (size_t)n <= len, "pread returned %zd of %zu", n,
		       len);
		return;
	}
	memset(buf, (int)rnd(), sizeof(buf));
	if (r == PASSTHRU_REGION_CONFIG && !below(4)) {
		/* Often the command register. */
		off = PASSTHRU_REGION_OFFSET(r) + PCI_COMMAND;
		len = 2;
	}
	/* Keep clear of edu's DMA engine (see EDU_DMA_FIRST). */
	pos = off % PASSTHRU_REGION_OFFSET(1);
	if (off < PASSTHRU_REGION_OFFSET(1) && pos <= EDU_DMA_LAST &&
	    pos + len > EDU_DMA_FIRST)
		return;
	n = pwrite(dev, buf, len, off);
	oracle(n < 0 || (size_t)n <= len, "pwrite returned %zd of %zu", n, len);
}

static void op_irq(void)
{
	static const int allowed[] = { EINVAL, EBADF, ENOSPC, EIO, EBUSY,
				       ENODEV, EFAULT, 0 };
	int32_t fds[2] = { pick_fd(), pick_fd() };
	uint32_t v = 1;
	unsigned int index = below(3) ? below(2) : below(PASSTHRU_NUM_IRQS);
	uint64_t one = 1;
	int err;

	if (index == PASSTHRU_IRQ_INTX && !fuzz_intx)
		index = PASSTHRU_IRQ_MSI;
	switch (below(5)) {
	case 0:
		err = set_fds(dev, index, 0, below(3) ? 1 : below(3), fds);
		break;
	case 1:
		err = set_irqs(dev, 1u << (1 + below(4)), index, 0, 1, fds);
		break;
	case 2:
		/* A real interrupt: edu raises INTx or MSI, whichever. */
		err = pwrite(dev, &v, 4, PASSTHRU_REGION_OFFSET(0) +
			     (below(2) ? EDU_RAISE : EDU_ACK)) == 4 ? 0 : 0;
		break;
	case 3:
		err = write(efd[below(4)], &one, sizeof(one)) < 0 ? 0 : 0;
		break;
	default:
		err = 0;
		wait_efd(efd[below(4)], 0);
		break;
	}
	oracle(errno_in(err, allowed), "SET_IRQS: undocumented %s",
	       strerror(err));
}

static void run_ops(unsigned long n);

/* A child that works on the same files, killed at a random point. */
static void op_child(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return;
	if (!pid) {
		/* Gone with the fuzzer, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != fuzz_pid)
			_exit(0);
		rng ^= (uint64_t)getpid() << 17;
		run_ops(50);
		_exit(0);
	}
	if (below(2)) {
		usleep(below(3000));
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
}

static void run_ops(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n && !fatal_err; i++, ops++) {
		if (ops && !(ops % 10000) && getpid() == fuzz_pid)
			printf("# %lu operations, %.1f s\n", ops,
			       (now_ms() - start_ms) / 1e3);
		switch (below(100)) {
		case 0 ... 24:
			op_device_ioctl();
			break;
		case 25 ... 44:
			op_vm_ioctl();
			break;
		case 45 ... 59:
			op_mmap();
			break;
		case 60 ... 79:
			op_rw();
			break;
		case 80 ... 97:
			op_irq();
			break;
		case 98:
			if (getpid() == fuzz_pid)
				op_child();
			break;
		default:
			if (getpid() == fuzz_pid)
				fatal_err = open_attached(&fatal_what);
			break;
		}
	}
}

/*
 * @line also goes to the results port at once when stdout is a file, which
 * reaches the results only once the program has ended (lib.sh's
 * ktap_sub): the seed of a run that crashes or hangs the guest is not
 * lost with it.  Not when stdout is /dev/null (pt_race kill) or the port
 * itself.
 */
static void to_results_port(const char *line)
{
	struct stat st;
	int err;

	if (fstat(STDOUT_FILENO, &st) || !S_ISREG(st.st_mode))
		return;
	err = pt_results_line(line);
	if (err && err != ENOENT)
		fprintf(stderr, "%s: %s\n", PT_RESULTS_PORT, strerror(err));
}

/* Every file and mapping of the run closed. */
static void fuzz_close(void)
{
	int i;

	if (dev >= 0)
		close(dev);
	if (vm >= 0)
		close(vm);
	dev = -1;
	vm = -1;
	for (i = 0; i < 4; i++) {
		if (efd[i] >= 0)
			close(efd[i]);
		efd[i] = -1;
	}
	if (mem)
		munmap(mem, 64 * PG);
	mem = NULL;
}

FIXTURE(fuzz) {
	unsigned long n;	/* operations to run */
	long pins;		/* pages pinned before the run */
};

FIXTURE_SETUP(fuzz)
{
	const char *ops_arg = pt_arg(1, NULL), *what;
	uint64_t seed = strtoull(pt_arg(2, "0"), NULL, 0);
	char line[256];
	int i, err;

	/* Killed with the harness's process, as pt_race kill does it. */
	ASSERT_EQ(0, prctl(PR_SET_PDEATHSIG, SIGKILL))
		TH_LOG("PR_SET_PDEATHSIG: %s", strerror(errno));
	ASSERT_EQ(harness_pid, getppid()) TH_LOG("the harness is gone");
	fuzz_pid = getpid();
	bdf = pt_arg(0, NULL);
	ASSERT_TRUE(bdf && ops_arg) TH_LOG("usage: pt_fuzz %s", USAGE);
	self->n = strtoul(ops_arg, NULL, 0);
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761ULL;
	fuzz_intx = !strcmp(pt_arg(3, ""), "intx");
	/* The test ends with _exit(): no buffered line may be left. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng = seed | 1;
	snprintf(line, sizeof(line),
		 "# pt_fuzz %s %lu %#llx%s (rerun with these arguments)\n", bdf,
		 self->n, (unsigned long long)seed, fuzz_intx ? " intx" : "");
	fputs(line, stdout);
	to_results_port(line);
	signal(SIGPIPE, SIG_IGN);
	self->pins = pt_pins();
	mem = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem) {
		mem = NULL;
		TH_LOG("mmap memory: %s", strerror(errno));
	}
	for (i = 0; i < 4; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ASSERT_LE(0, efd[i]) TH_LOG("eventfd: %s", strerror(errno));
	}
	err = open_attached(&what);
	ASSERT_EQ(0, err) TH_LOG("%s %s: %s", what, bdf, strerror(err));
	err = learn_regions();
	ASSERT_EQ(0, err) TH_LOG("REGION_INFO: %s", strerror(err));
}

FIXTURE_TEARDOWN(fuzz)
{
	fuzz_close();
}

/*
 * One run: the oracles judge each operation; once every file is closed,
 * the pins balance and no interrupt is left requested.
 */
TEST_F_TIMEOUT(fuzz, every_oracle_holds_and_the_run_leaves_no_pin_or_interrupt,
	       FUZZ_TIMEOUT)
{
	double t0 = now_ms();

	start_ms = t0;
	run_ops(self->n);
	fuzz_close();
	printf("# %lu operations in %.1f s\n", ops, (now_ms() - t0) / 1e3);
	EXPECT_EQ(0, fatal_err)
		TH_LOG("reopen: %s: %s", fatal_what, strerror(fatal_err));
	EXPECT_EQ(0UL, oracle_fail)
		TH_LOG("every oracle held: %lu violations, first: %s",
		       oracle_fail, first_fail);
	EXPECT_EQ(self->pins, pt_pins())
		TH_LOG("every pin released once the files closed: %ld pages still pinned",
		       pt_pins() - self->pins);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("no interrupt left requested");
}

int main(int argc, char **argv)
{
	harness_pid = getpid();
	return pt_harness_main_all(argc, argv);
}
