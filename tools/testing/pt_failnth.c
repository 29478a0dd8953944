// SPDX-License-Identifier: GPL-2.0
/*
 * pt_failnth: every unwind path, by fault injection, on the kselftest
 * harness (TAP out; exit status 0 when all passed).
 *
 *   pt_failnth BDF
 *
 * One test per call of passthru's uAPI (the opens, every ioctl of both
 * node types, pread/pwrite, mmap and its fault), each in its own process:
 * in a fresh state each time, make the N-th fault-injection site the call
 * reaches fail (slab and page allocations, user copies:
 * /proc/thread-self/fail-nth), for N = 1, 2, ... until the call runs
 * without reaching the N-th site.  After each try the state is torn down,
 * and the pins must balance; the host judges splats and the kmemleak scan
 * at the end of the run.  Each test logs the number of sites swept.  Needs
 * a kernel with CONFIG_FAULT_INJECTION and the failslab / fail_page_alloc
 * / fail_usercopy attributes set to reach GFP_KERNEL allocations (isol.sh
 * does that on the debug kernel); without fault injection every test is
 * skipped.
 *
 * Slab failures are limited to the accounted kmalloc caches (the debug
 * guest boots with slub_debug=A,kmalloc-cg-*, and failslab's cache-filter
 * is on): every allocation passthru makes for a user is
 * GFP_KERNEL_ACCOUNT, while Linux 6.1's /proc/irq registration, in
 * request_irq(), ignores its own (unaccounted) allocation failures and
 * WARNs when the interrupt is freed later: a kernel flaw this sweep would
 * otherwise report as passthru's.  Page allocations and user copies are
 * failed everywhere.
 */
#include <linux/pci_regs.h>
#include <sys/mman.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define PG 4096UL
#define MAX_SITES 5000
/* Seconds a sweep may take: the debug kernel (KASAN) is slow. */
#define SWEEP_TIMEOUT 600

/* The function under test and the memory mapped for DMA, set up per test. */
static const char *bdf;
static uint8_t *mem;

/* The files a case works on: two eventfds, and what its setup opens. */
struct state {
	int dev, vm, efd, extra;
	void *map;
};

static int open_vm(void)
{
	return open("/dev/passthru/vm", O_RDWR);
}

static int do_attach(struct state *s)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = s->vm };

	return pt_ioctl(s->dev, PASSTHRU_DEVICE_ATTACH, &a);
}

static int do_map(struct state *s, uint64_t iova, size_t len)
{
	struct passthru_dma_map m = { .size = sizeof(m),
				      .flags = PASSTHRU_DMA_READ |
					       PASSTHRU_DMA_WRITE,
				      .iova = iova, .vaddr = (uintptr_t)mem,
				      .length = len };

	return pt_ioctl(s->vm, PASSTHRU_VM_MAP_DMA, &m);
}

/* Setups: what a case needs before its call, without fault injection. */
static int setup_none(struct state *s)
{
	(void)s;
	return 0;
}

static int setup_dev(struct state *s)
{
	s->dev = node_open(bdf);
	return s->dev < 0 ? errno : 0;
}

static int setup_vm(struct state *s)
{
	s->vm = open_vm();
	return s->vm < 0 ? errno : 0;
}

static int setup_both(struct state *s)
{
	return setup_dev(s) ?: setup_vm(s);
}

static int setup_attached(struct state *s)
{
	return setup_both(s) ?: do_attach(s);
}

static int setup_mapped(struct state *s)
{
	return setup_attached(s) ?: do_map(s, 1 << 20, 2 << 20);
}

static int setup_intx(struct state *s)
{
	return setup_attached(s) ?:
	       set_fds(s->dev, PASSTHRU_IRQ_INTX, 0, 1, &s->efd);
}

/* Calls: the one under fault injection; 0 or an errno. */
static int call_open_vm(struct state *s)
{
	s->vm = open_vm();
	return s->vm < 0 ? errno : 0;
}

static int call_open_dev(struct state *s)
{
	return setup_dev(s);
}

static int call_attach(struct state *s)
{
	return do_attach(s);
}

static int call_device_info(struct state *s)
{
	struct passthru_device_info i = { .size = sizeof(i) };

	return pt_ioctl(s->dev, PASSTHRU_DEVICE_INFO, &i);
}

static int call_region_info(struct state *s)
{
	struct passthru_region_area a[4];
	struct passthru_region_info i = { .size = sizeof(i), .num_areas = 4,
					  .areas = (uintptr_t)a };

	return pt_ioctl(s->dev, PASSTHRU_REGION_INFO, &i);
}

static int call_reset(struct state *s)
{
	struct passthru_device_reset r = { .size = sizeof(r) };

	return pt_ioctl(s->dev, PASSTHRU_DEVICE_RESET, &r);
}

static int call_irq_info(struct state *s)
{
	struct passthru_irq_info i = { .size = sizeof(i),
				       .index = PASSTHRU_IRQ_MSI };

	return pt_ioctl(s->dev, PASSTHRU_IRQ_INFO, &i);
}

static int call_msi(struct state *s)
{
	return set_fds(s->dev, PASSTHRU_IRQ_MSI, 0, 1, &s->efd);
}

static int call_intx(struct state *s)
{
	return set_fds(s->dev, PASSTHRU_IRQ_INTX, 0, 1, &s->efd);
}

static int call_unmask_efd(struct state *s)
{
	return set_irqs(s->dev, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
			PASSTHRU_IRQ_INTX, 0, 1, &s->extra);
}

static int call_request(struct state *s)
{
	return set_fds(s->dev, PASSTHRU_IRQ_REQUEST, 0, 1, &s->efd);
}

static int call_vm_info(struct state *s)
{
	struct passthru_iova_range r[4];
	struct passthru_vm_info i = { .size = sizeof(i), .num_ranges = 4,
				      .ranges = (uintptr_t)r };

	return pt_ioctl(s->vm, PASSTHRU_VM_INFO, &i);
}

static int call_map(struct state *s)
{
	return do_map(s, 1 << 20, 2 << 20);
}

static int call_unmap(struct state *s)
{
	struct passthru_dma_unmap u = { .size = sizeof(u), .iova = 1 << 20,
					.length = 2 << 20 };

	return pt_ioctl(s->vm, PASSTHRU_VM_UNMAP_DMA, &u);
}

static int call_pread_config(struct state *s)
{
	uint8_t buf[256];

	return pread(s->dev, buf, sizeof(buf),
		     PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)) < 0 ?
	       errno : 0;
}

static int call_pwrite_command(struct state *s)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	return pwrite(s->dev, &cmd, 2,
		      PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG) +
		      PCI_COMMAND) < 0 ? errno : 0;
}

static int call_pread_bar(struct state *s)
{
	uint8_t buf[64];

	return pread(s->dev, buf, sizeof(buf), PASSTHRU_REGION_OFFSET(0)) < 0 ?
	       errno : 0;
}

static int call_mmap_fault(struct state *s)
{
	uint8_t *p = mmap(NULL, 16 * PG, PROT_READ, MAP_SHARED, s->dev,
			  PASSTHRU_REGION_OFFSET(0));

	if (p == MAP_FAILED)
		return errno;
	/* Unmapped by the teardown: munmap() can fail under injection. */
	s->map = p;
	return pt_self_sigbus(p + 8 * PG) ? EFAULT : 0;
}

/*
 * A call and what it needs first.  @min_sites: the sites it must reach
 * at least, when its own allocations are known: a check that slab
 * injection reaches passthru at all (without it, SET_IRQS MSI reaches
 * only its 3 user copies).
 */
struct failnth_case {
	const char *name;
	int (*setup)(struct state *s);
	int (*call)(struct state *s);
	unsigned int min_sites;
};

static void teardown(struct state *s)
{
	if (s->map)
		munmap(s->map, 16 * PG);
	if (s->dev >= 0)
		close(s->dev);
	if (s->vm >= 0)
		close(s->vm);
	if (s->efd >= 0)
		close(s->efd);
	if (s->extra >= 0)
		close(s->extra);
}

static int32_t efd_new(struct __test_metadata *_metadata)
{
	int32_t efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd) TH_LOG("eventfd: %s", strerror(errno));
	return efd;
}

/* Pages pinned system-wide, or the test fails. */
static long pins(struct __test_metadata *_metadata)
{
	long n = 0;
	int err = pt_pin_count(&n);

	ASSERT_EQ(0, err) TH_LOG("pinned pages (/proc/vmstat): %s", strerror(-err));
	return n;
}

static void arm(struct __test_metadata *_metadata, int failnth, unsigned int n)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", n);
	ASSERT_LE(0, pwrite(failnth, text, strlen(text), 0))
		TH_LOG("write fail-nth: %s", strerror(errno));
}

/*
 * 0 once the armed fault was injected, else how far it still was.  With
 * user-copy injection, reading and writing fail-nth are sites too: the
 * read reports the count from before its own copy, whose failure (EFAULT)
 * means the count was 1; the write of 0 disarms whether its copy fails
 * or not.
 */
static long disarm(struct __test_metadata *_metadata, int failnth)
{
	char text[16] = "";
	long left;
	int err;

	if (pread(failnth, text, sizeof(text) - 1, 0) < 0) {
		ASSERT_EQ(EFAULT, errno) TH_LOG("read fail-nth: %s", strerror(errno));
		left = 1;
	} else {
		left = atol(text);
	}
	err = pwrite(failnth, "0", 1, 0) < 0 ? errno : 0;
	ASSERT_TRUE(!err || err == EFAULT) TH_LOG("write fail-nth: %s", strerror(err));
	return left;
}

/* This task's fail-nth, and the memory the DMA cases map. */
FIXTURE(failnth) {
	int failnth;
	uint8_t *mem;
};

FIXTURE_SETUP(failnth)
{
	self->failnth = -1;
	self->mem = MAP_FAILED;
	bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, bdf) TH_LOG("usage: pt_failnth BDF");
	/* Per task: opened here, in the test's own process. */
	self->failnth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (self->failnth < 0)
		SKIP(return, "this kernel has no fault injection");
	self->mem = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem) TH_LOG("mmap: %s", strerror(errno));
	mem = self->mem;
}

FIXTURE_TEARDOWN(failnth)
{
	if (self->mem != MAP_FAILED)
		munmap(self->mem, 2 << 20);
	if (self->failnth >= 0)
		close(self->failnth);
}

/*
 * The sweep of one call: N = 1, 2, ... until the call no longer reaches
 * its N-th site; every try from a fresh state, torn down after.
 */
static void sweep(struct __test_metadata *_metadata, int failnth,
		  const struct failnth_case *c)
{
	long before, now, leaked = 0, left = 0;
	int err = 0, serr = 0;
	unsigned int n;

	/* The harness of 6.1 runs the test after a SKIP in the setup. */
	if (_metadata->skip)
		return;
	before = pins(_metadata);
	for (n = 1; n <= MAX_SITES; n++) {
		struct state s = { -1, -1, efd_new(_metadata),
				   efd_new(_metadata), NULL };

		serr = c->setup(&s);
		if (serr) {
			teardown(&s);
			break;
		}
		arm(_metadata, failnth, n);
		err = c->call(&s);
		left = disarm(_metadata, failnth);
		teardown(&s);
		now = pins(_metadata);
		if (now != before && !leaked)
			leaked = now - before;
		if (left)
			break;
	}
	TH_LOG("%s: %u sites failed in turn, then %s", c->name, n - 1,
	       strerror(err));
	EXPECT_EQ(0, serr) TH_LOG("%s: setup: %s", c->name, strerror(serr));
	EXPECT_NE(0, left)
		TH_LOG("%s: still reaching its sites after %u: not swept to the end",
		       c->name, n - 1);
	EXPECT_EQ(0, leaked) TH_LOG("%s: %ld pages left pinned", c->name, leaked);
	if (c->min_sites) {
		EXPECT_LE(c->min_sites, n - 1)
			TH_LOG("%s: its own %u allocation and copy sites are swept",
			       c->name, c->min_sites);
	}
}

TEST_F_TIMEOUT(failnth, open_vm_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"open /dev/passthru/vm", setup_none, call_open_vm, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, open_the_device_node_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"open the device node", setup_none, call_open_dev, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, device_attach_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"DEVICE_ATTACH", setup_both, call_attach, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, device_info_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"DEVICE_INFO", setup_dev, call_device_info, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, region_info_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"REGION_INFO", setup_dev, call_region_info, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, device_reset_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"DEVICE_RESET", setup_attached, call_reset, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, irq_info_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"IRQ_INFO", setup_dev, call_irq_info, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, set_irqs_msi_eventfd_unwinds_cleanly, SWEEP_TIMEOUT)
{
	/* struct, descriptors (copy, buffer), 2 arrays, vectors, name, out */
	static const struct failnth_case c = {
		"SET_IRQS MSI eventfd", setup_attached, call_msi, 8,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, set_irqs_intx_eventfd_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"SET_IRQS INTx eventfd", setup_attached, call_intx, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, set_irqs_intx_unmask_eventfd_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"SET_IRQS INTx unmask eventfd", setup_intx, call_unmask_efd, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, set_irqs_request_eventfd_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"SET_IRQS request eventfd", setup_attached, call_request, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, vm_info_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"VM_INFO", setup_attached, call_vm_info, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, vm_map_dma_unwinds_cleanly, SWEEP_TIMEOUT)
{
	/* struct, mapping, pin batch page, runs, copy out */
	static const struct failnth_case c = {
		"VM_MAP_DMA", setup_attached, call_map, 5,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, vm_unmap_dma_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"VM_UNMAP_DMA", setup_mapped, call_unmap, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, pread_config_space_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"pread config space", setup_attached, call_pread_config, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, pwrite_the_command_register_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"pwrite the command register", setup_attached,
		call_pwrite_command, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, pread_bar0_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"pread BAR0", setup_attached, call_pread_bar, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

TEST_F_TIMEOUT(failnth, mmap_bar0_and_fault_unwinds_cleanly, SWEEP_TIMEOUT)
{
	static const struct failnth_case c = {
		"mmap BAR0 and fault", setup_attached, call_mmap_fault, 0,
	};

	sweep(_metadata, self->failnth, &c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pt_failnth BDF\n");
		return 2;
	}
	return pt_harness_main_all(argc, argv);
}
