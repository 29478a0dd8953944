// SPDX-License-Identifier: GPL-2.0
/*
 * pt_race: threads that race passthru's teardown and revocation paths, on
 * the kselftest harness (TAP out; exit status 0 when all passed).  One
 * race per call, for SECONDS (at most 600: RACE_MAX_S):
 *
 *   pt_race NAME BDF SECONDS
 *
 *   map-unmap    two threads map and unmap overlapping ranges of one VM
 *   fault-reset  a thread reads BAR0 through a mapping while others reset
 *                the function and toggle its memory decode; every read
 *                returns edu's identification register or SIGBUS
 *   irq-swap     threads swap the INTx and MSI eventfds, raise and
 *                acknowledge edu's interrupt, and write the unmask eventfd
 *   cmd-intx     a thread writes the command register while another raises
 *                edu's INTx, waits for its eventfd, acknowledges and
 *                unmasks: no interrupt may be lost, none left unhandled
 *   irq-close    SET_IRQS in a loop on a file that another thread closes,
 *                and in a child killed with SIGKILL meanwhile
 *   unbind       every ioctl, pread and BAR touch in a loop while the
 *                function is unbound and claimed again, over and over
 *   hotunplug    the same while QEMU unplugs the function's slot (QEMU id
 *                hp0 on root port rp2) and plugs it back: the requests go
 *                to the host as "PT-QMP" lines on the results port
 *                (scripts/qmp.py), at once
 *   kill         children running the fuzzer (/bin/pt_fuzz), killed with
 *                SIGKILL at random points, each with all its processes
 *                gone before the next starts
 *
 * NAME is the fixture (its '-' read as '_'), which holds one test: the
 * race, ending with every file closed, then its checks: only documented
 * errnos, the pins balance, no interrupt is left requested, and the
 * race's own check.  The host judges splats (the debug kernel: KASAN,
 * lockdep, kmemleak).
 */
#include <linux/pci_regs.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "map-unmap|fault-reset|irq-swap|cmd-intx|irq-close|unbind|hotunplug|kill BDF SECONDS"
/* The harness's timeout of a race, and the longest SECONDS it leaves room for. */
#define RACE_TIMEOUT 900
#define RACE_MAX_S 600

#define PG 4096UL
#define EDU_ID 0x010000edU
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)
/*
 * Where /init sends the results (tools/testing/guest/init), read by
 * scripts/qmp.py as they come.  The program's own output reaches it only
 * when the program has ended (lib.sh's ktap_sub).
 */
static const char *bdf;
static double deadline;
static int stop;
static unsigned long bad_values, odd_errors;
static char odd_first[160];

/* What a race holds; race_close() lets go of it. */
static int race_dev = -1, race_vm = -1;
static int race_efd[3] = { -1, -1, -1 };
static uint8_t *race_bar, *race_mem;
static size_t race_bar_len, race_mem_len;
static pid_t race_pid;

static int running(void)
{
	return !__atomic_load_n(&stop, __ATOMIC_RELAXED) && now_ms() < deadline;
}

static void odd(int err, const char *what)
{
	if (__atomic_fetch_add(&odd_errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(odd_first, sizeof(odd_first), "%s: %s", what,
			 strerror(err));
}

/* Allowed errnos of a call; anything else is counted as odd. */
static void expect_err(int err, const char *what, const int *ok)
{
	for (; err && *ok; ok++)
		if (err == *ok)
			return;
	if (err)
		odd(err, what);
}

static int attach(int dev, int vm)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = vm };

	return pt_ioctl(dev, PASSTHRU_DEVICE_ATTACH, &a);
}

/* Open the node and a VM and attach them: 0, or the errno that stopped it. */
static int open_attached(int *dev, int *vm)
{
	*dev = node_open(bdf);
	if (*dev < 0)
		return errno;
	*vm = open("/dev/passthru/vm", O_RDWR);
	if (*vm < 0)
		return errno;
	return attach(*dev, *vm);
}

static int new_eventfd(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

static unsigned int seedp(void)
{
	return (unsigned int)(now_ms() * 1000) ^ (unsigned int)pthread_self();
}

/* Wait for every child, and for what they left (reparented here), to exit. */
static void reap_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Every file and mapping of the race closed, its children gone. */
static void race_close(void)
{
	unsigned int i;

	if (race_pid > 0) {
		kill(race_pid, SIGKILL);
		reap_all();
		race_pid = 0;
	}
	if (race_bar)
		munmap(race_bar, race_bar_len);
	race_bar = NULL;
	if (race_mem)
		munmap(race_mem, race_mem_len);
	race_mem = NULL;
	close_fd(&race_dev);
	close_fd(&race_vm);
	for (i = 0; i < ARRAY_SIZE(race_efd); i++)
		close_fd(&race_efd[i]);
}

/*
 * What every race's setup does first: the arguments, the pins before,
 * and the deadline.
 */
static void race_setup(struct __test_metadata *_metadata, long *pins)
{
	const char *secs = pt_arg(1, NULL);

	bdf = pt_arg(0, NULL);
	ASSERT_TRUE(bdf && secs) TH_LOG("usage: pt_race %s", USAGE);
	ASSERT_TRUE(atof(secs) >= 0 && atof(secs) <= RACE_MAX_S)
		TH_LOG("SECONDS %s: 0 to %d (the harness's timeout is %d s)",
		       secs, RACE_MAX_S, RACE_TIMEOUT);
	/* The test ends with _exit(): no buffered line may be left. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	*pins = pt_pins();
	deadline = now_ms() + atof(secs) * 1e3;
}

/*
 * What every race checks at the end, with its files closed: only
 * documented errnos, every pin released, no interrupt left requested.
 */
static void race_end(struct __test_metadata *_metadata, long before)
{
	unsigned int w;

	EXPECT_EQ(0UL, odd_errors)
		TH_LOG("only documented errnos: %lu others, first %s",
		       odd_errors, odd_first);
	/* Processes killed last may still be exiting: give them 3 s. */
	for (w = 0; w < 30 && pt_pins() != before; w++)
		usleep(100000);
	EXPECT_EQ(before, pt_pins())
		TH_LOG("every pin released: %ld pages still pinned",
		       pt_pins() - before);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("no interrupt left requested");
}

/* map-unmap */
static void *mapper(void *arg)
{
	static const int ok[] = { EEXIST, ENOENT, EINVAL, 0 };
	unsigned int seed = seedp() + (uintptr_t)arg;

	while (running()) {
		uint64_t iova = (1 << 20) + (rand_r(&seed) % 64) * PG;
		uint64_t len = (1 + rand_r(&seed) % 16) * PG;
		struct passthru_dma_map m = {
			.size = sizeof(m), .flags = PASSTHRU_DMA_READ,
			.iova = iova, .vaddr = (uintptr_t)race_mem, .length = len,
		};
		struct passthru_dma_unmap u = { .size = sizeof(u), .iova = iova,
						.length = len };

		if (rand_r(&seed) % 2)
			expect_err(pt_ioctl(race_vm, PASSTHRU_VM_MAP_DMA, &m),
				   "map", ok);
		else
			expect_err(pt_ioctl(race_vm, PASSTHRU_VM_UNMAP_DMA, &u),
				   "unmap", ok);
	}
	return NULL;
}

FIXTURE(map_unmap) {
	long pins;
};

FIXTURE_SETUP(map_unmap)
{
	int err;

	race_setup(_metadata, &self->pins);
	err = open_attached(&race_dev, &race_vm);
	ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf, strerror(err));
	race_mem_len = 16 * PG;
	race_mem = mmap(NULL, race_mem_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, race_mem) {
		race_mem = NULL;
		TH_LOG("mmap memory: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(map_unmap)
{
	race_close();
}

TEST_F_TIMEOUT(map_unmap, overlapping_maps_and_unmaps_end_clean, RACE_TIMEOUT)
{
	struct passthru_dma_unmap all = { .size = sizeof(all),
					  .flags = PASSTHRU_DMA_UNMAP_ALL };
	pthread_t t[2];
	int i, err;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, mapper, (void *)(uintptr_t)i);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	err = pt_ioctl(race_vm, PASSTHRU_VM_UNMAP_DMA, &all);
	EXPECT_EQ(0, err) TH_LOG("unmap all afterwards: %s", strerror(err));
	race_close();
	race_end(_metadata, self->pins);
}

/* fault-reset */
static __thread sigjmp_buf fault_jmp;
static unsigned long fault_reads, fault_sigbus;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Read *@p into *@v; 1 if that got SIGBUS. */
static int read_or_fault(const uint32_t *p, uint32_t *v)
{
	if (sigsetjmp(fault_jmp, 1))
		return 1;
	*v = __atomic_load_n(p, __ATOMIC_RELAXED);
	return 0;
}

static void *bar_reader(void *arg)
{
	unsigned long reads = 0, faults = 0;
	uint32_t v;

	(void)arg;
	while (running()) {
		if (read_or_fault((uint32_t *)race_bar, &v)) {
			faults++;
			continue;
		}
		if (v != EDU_ID)
			__atomic_fetch_add(&bad_values, 1, __ATOMIC_RELAXED);
		reads++;
	}
	fault_reads = reads;
	fault_sigbus = faults;
	return NULL;
}

static void *resetter(void *arg)
{
	static const int ok[] = { EOPNOTSUPP, EAGAIN, 0 };
	struct passthru_device_reset r = { .size = sizeof(r) };

	(void)arg;
	while (running())
		expect_err(pt_ioctl(race_dev, PASSTHRU_DEVICE_RESET, &r),
			   "reset", ok);
	return NULL;
}

static void *decoder(void *arg)
{
	uint16_t cmd;

	(void)arg;
	while (running()) {
		if (pread(race_dev, &cmd, 2, CFG + PCI_COMMAND) != 2)
			odd(errno, "read command");
		cmd ^= PCI_COMMAND_MEMORY;
		if (pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND) != 2)
			odd(errno, "write command");
		usleep(1000);
	}
	return NULL;
}

FIXTURE(fault_reset) {
	long pins;
};

FIXTURE_SETUP(fault_reset)
{
	struct sigaction sa = { .sa_handler = on_fault, .sa_flags = SA_NODEFER };
	uint16_t cmd = PCI_COMMAND_MEMORY;
	int err;

	race_setup(_metadata, &self->pins);
	sigaction(SIGBUS, &sa, NULL);
	err = open_attached(&race_dev, &race_vm);
	ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf, strerror(err));
	race_bar_len = 1 << 20;
	race_bar = mmap(NULL, race_bar_len, PROT_READ, MAP_SHARED, race_dev,
			PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, race_bar) {
		race_bar = NULL;
		TH_LOG("mmap BAR0: %s", strerror(errno));
	}
	ASSERT_EQ(2, pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND))
		TH_LOG("write command: %s", strerror(errno));
}

FIXTURE_TEARDOWN(fault_reset)
{
	race_close();
	signal(SIGBUS, SIG_DFL);
}

TEST_F_TIMEOUT(fault_reset, bar_reads_see_the_id_or_sigbus_during_resets,
	       RACE_TIMEOUT)
{
	pthread_t t[3];
	int i;

	pthread_create(&t[0], NULL, bar_reader, NULL);
	pthread_create(&t[1], NULL, resetter, NULL);
	pthread_create(&t[2], NULL, decoder, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("# fault-reset: %lu reads, %lu SIGBUS\n", fault_reads,
	       fault_sigbus);
	EXPECT_EQ(0UL, bad_values)
		TH_LOG("every read of BAR0 is edu's ID or SIGBUS: %lu other values",
		       bad_values);
	race_close();
	race_end(_metadata, self->pins);
}

/* irq-swap */
static void *swapper(void *arg)
{
	static const int ok[] = { EINVAL, ENOSPC, EBUSY, 0 };
	unsigned int seed = seedp();

	(void)arg;
	while (running()) {
		int32_t fd = rand_r(&seed) % 4 ? race_efd[rand_r(&seed) % 2] : -1;
		unsigned int index = rand_r(&seed) % 3 ? PASSTHRU_IRQ_INTX :
				     PASSTHRU_IRQ_MSI;

		expect_err(set_fds(race_dev, index, 0, 1, &fd), "swap", ok);
		if (index == PASSTHRU_IRQ_INTX && rand_r(&seed) % 2)
			expect_err(set_irqs(race_dev,
					    PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
					    PASSTHRU_IRQ_INTX, 0, 1,
					    &race_efd[2]), "unmask eventfd", ok);
	}
	return NULL;
}

static void *raiser(void *arg)
{
	uint32_t one = 1;

	(void)arg;
	while (running()) {
		if (pwrite(race_dev, &one, 4, PASSTHRU_REGION_OFFSET(0) +
			   EDU_RAISE) != 4)
			odd(errno, "raise");
		usleep(200);
		if (pwrite(race_dev, &one, 4, PASSTHRU_REGION_OFFSET(0) +
			   EDU_ACK) != 4)
			odd(errno, "ack");
	}
	return NULL;
}

static void *unmasker(void *arg)
{
	static const int ok[] = { EINVAL, 0 };
	uint64_t one = 1;
	unsigned int i;

	(void)arg;
	while (running()) {
		if (write(race_efd[2], &one, sizeof(one)) != sizeof(one))
			odd(errno, "unmask write");
		expect_err(set_irqs(race_dev, PASSTHRU_IRQ_SET_UNMASK,
				    PASSTHRU_IRQ_INTX, 0, 1, NULL), "unmask", ok);
		for (i = 0; i < 2; i++)
			wait_efd(race_efd[i], 0);
	}
	return NULL;
}

FIXTURE(irq_swap) {
	long pins;
};

FIXTURE_SETUP(irq_swap)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	int i, err;

	race_setup(_metadata, &self->pins);
	err = open_attached(&race_dev, &race_vm);
	ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf, strerror(err));
	ASSERT_EQ(2, pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND))
		TH_LOG("write command: %s", strerror(errno));
	for (i = 0; i < 3; i++) {
		race_efd[i] = new_eventfd();
		ASSERT_LE(0, race_efd[i]) TH_LOG("eventfd: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(irq_swap)
{
	race_close();
}

TEST_F_TIMEOUT(irq_swap, eventfd_swaps_under_firing_interrupts_end_clean,
	       RACE_TIMEOUT)
{
	pthread_t t[3];
	int i;

	pthread_create(&t[0], NULL, swapper, NULL);
	pthread_create(&t[1], NULL, raiser, NULL);
	pthread_create(&t[2], NULL, unmasker, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	race_close();
	race_end(_metadata, self->pins);
}

/* cmd-intx */
static unsigned long cmd_lost;

static void *commander(void *arg)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	(void)arg;
	while (running()) {
		/* SERR# is in the second byte, beside INTx-disable. */
		cmd ^= PCI_COMMAND_SERR;
		if (pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND) != 2)
			odd(errno, "write command");
	}
	return NULL;
}

static void *intx_cycler(void *arg)
{
	static const int ok[] = { 0 };
	uint32_t one = 1;

	(void)arg;
	/* Through the mapping, as a guest does: no passthru lock taken. */
	while (running()) {
		__atomic_store_n((uint32_t *)(race_bar + EDU_RAISE), one,
				 __ATOMIC_RELEASE);
		if (!wait_efd(race_efd[0], 1000))
			cmd_lost++;
		__atomic_store_n((uint32_t *)(race_bar + EDU_ACK), one,
				 __ATOMIC_RELEASE);
		expect_err(set_irqs(race_dev, PASSTHRU_IRQ_SET_UNMASK,
				    PASSTHRU_IRQ_INTX, 0, 1, NULL), "unmask", ok);
	}
	return NULL;
}

FIXTURE(cmd_intx) {
	long pins;
};

FIXTURE_SETUP(cmd_intx)
{
	int err;

	race_setup(_metadata, &self->pins);
	err = open_attached(&race_dev, &race_vm);
	ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf, strerror(err));
	race_efd[0] = new_eventfd();
	ASSERT_LE(0, race_efd[0]) TH_LOG("eventfd: %s", strerror(errno));
	err = set_fds(race_dev, PASSTHRU_IRQ_INTX, 0, 1, &race_efd[0]);
	ASSERT_EQ(0, err) TH_LOG("INTx eventfd: %s", strerror(err));
	race_bar_len = PG;
	race_bar = mmap(NULL, race_bar_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			race_dev, PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, race_bar) {
		race_bar = NULL;
		TH_LOG("mmap BAR0: %s", strerror(errno));
	}
}

FIXTURE_TEARDOWN(cmd_intx)
{
	race_close();
}

TEST_F_TIMEOUT(cmd_intx, command_writes_lose_no_intx, RACE_TIMEOUT)
{
	pthread_t t[2];
	int i;

	pthread_create(&t[0], NULL, commander, NULL);
	pthread_create(&t[1], NULL, intx_cycler, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0UL, cmd_lost)
		TH_LOG("no INTx lost to a command write: %lu interrupts never signalled",
		       cmd_lost);
	race_close();
	race_end(_metadata, self->pins);
}

/* irq-close */
static int closing_fd = -1;

static void *irq_looper(void *arg)
{
	int32_t efd = new_eventfd();
	int fd = (intptr_t)arg;

	if (efd < 0) {
		odd(errno, "eventfd");
		return NULL;
	}
	while (running() && __atomic_load_n(&closing_fd, __ATOMIC_RELAXED) >= 0)
		set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, &efd);
	close(efd);
	return NULL;
}

FIXTURE(irq_close) {
	long pins;
};

FIXTURE_SETUP(irq_close)
{
	race_setup(_metadata, &self->pins);
}

FIXTURE_TEARDOWN(irq_close)
{
	race_close();
}

TEST_F_TIMEOUT(irq_close, set_irqs_against_close_and_sigkill_ends_clean,
	       RACE_TIMEOUT)
{
	unsigned int seed = seedp(), rounds = 0;

	while (running()) {
		pthread_t t;
		int status, err;

		err = open_attached(&race_dev, &race_vm);
		ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf,
					 strerror(err));
		closing_fd = race_dev;
		pthread_create(&t, NULL, irq_looper, (void *)(intptr_t)race_dev);
		usleep(rand_r(&seed) % 2000);
		/* The file goes while the other thread's SET_IRQS runs. */
		close_fd(&race_dev);
		close_fd(&race_vm);
		__atomic_store_n(&closing_fd, -1, __ATOMIC_RELAXED);
		pthread_join(t, NULL);

		err = open_attached(&race_dev, &race_vm);
		ASSERT_EQ(0, err) TH_LOG("open and attach %s: %s", bdf,
					 strerror(err));
		race_efd[0] = new_eventfd();
		ASSERT_LE(0, race_efd[0]) TH_LOG("eventfd: %s", strerror(errno));
		race_pid = fork();
		ASSERT_LE(0, race_pid) TH_LOG("fork: %s", strerror(errno));
		if (!race_pid) {
			for (;;)
				set_fds(race_dev, rand_r(&seed) % 2 ?
					PASSTHRU_IRQ_MSI : PASSTHRU_IRQ_INTX,
					0, 1, &race_efd[0]);
		}
		close_fd(&race_dev);
		close_fd(&race_vm);
		close_fd(&race_efd[0]);
		usleep(rand_r(&seed) % 3000);
		kill(race_pid, SIGKILL);
		waitpid(race_pid, &status, 0);
		race_pid = 0;
		rounds++;
	}
	printf("# irq-close: %u rounds\n", rounds);
	race_close();
	race_end(_metadata, self->pins);
}

/* unbind and hotunplug */
static void *ioctl_looper(void *arg)
{
	static const int ok[] = { ENODEV, EBUSY, EPERM, EINVAL, EOPNOTSUPP,
				  EAGAIN, ENOENT, EIO, ENOSPC, EEXIST, ERANGE,
				  EXDEV, EADDRINUSE, 0 };
	uint8_t *mem = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unsigned int seed = seedp();
	int dev = -1, vm = -1;

	(void)arg;
	while (running()) {
		struct passthru_device_info di = { .size = sizeof(di) };
		struct passthru_region_info ri = { .size = sizeof(ri) };
		struct passthru_irq_info ii = { .size = sizeof(ii) };
		struct passthru_device_reset rs = { .size = sizeof(rs) };
		struct passthru_dma_map m = {
			.size = sizeof(m), .flags = PASSTHRU_DMA_READ,
			.iova = 1 << 20, .vaddr = (uintptr_t)mem,
			.length = 4 * PG,
		};
		struct passthru_dma_unmap u = { .size = sizeof(u),
						.flags = PASSTHRU_DMA_UNMAP_ALL };
		int32_t none = -1;
		uint8_t buf[16];
		void *p;

		if (dev < 0) {
			dev = node_open(bdf);
			if (dev < 0) {
				usleep(1000);
				continue;
			}
			vm = open("/dev/passthru/vm", O_RDWR);
			expect_err(attach(dev, vm), "attach", ok);
		}
		switch (rand_r(&seed) % 9) {
		case 0:
			expect_err(pt_ioctl(dev, PASSTHRU_DEVICE_INFO, &di),
				   "info", ok);
			break;
		case 1:
			expect_err(pt_ioctl(dev, PASSTHRU_REGION_INFO, &ri),
				   "region info", ok);
			break;
		case 2:
			expect_err(pt_ioctl(dev, PASSTHRU_IRQ_INFO, &ii),
				   "irq info", ok);
			break;
		case 3:
			expect_err(pt_ioctl(dev, PASSTHRU_DEVICE_RESET, &rs),
				   "reset", ok);
			break;
		case 4:
			expect_err(set_fds(dev, PASSTHRU_IRQ_MSI, 0, 1, &none),
				   "set irqs", ok);
			break;
		case 5:
			expect_err(pt_ioctl(vm, PASSTHRU_VM_MAP_DMA, &m), "map",
				   ok);
			expect_err(pt_ioctl(vm, PASSTHRU_VM_UNMAP_DMA, &u),
				   "unmap", ok);
			break;
		case 6:
			if (pread(dev, buf, sizeof(buf), CFG) < 0 &&
			    errno != ENODEV)
				odd(errno, "pread");
			break;
		case 7:
			p = mmap(NULL, PG, PROT_READ, MAP_SHARED, dev,
				 PASSTHRU_REGION_OFFSET(0));
			if (p != MAP_FAILED) {
				pt_self_sigbus(p);
				munmap(p, PG);
			} else if (errno != ENODEV) {
				odd(errno, "mmap");
			}
			break;
		default:
			/* Removed: let go and open the new node. */
			if (pread(dev, buf, 1, CFG) < 0 && errno == ENODEV) {
				close(dev);
				close(vm);
				dev = -1;
			}
			break;
		}
	}
	if (dev >= 0) {
		close(dev);
		close(vm);
	}
	munmap(mem, 4 * PG);
	return NULL;
}

/* Whether the node of the function is there (@present) within @ms. */
static int wait_node(int present, int ms)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/dev/passthru/%s", bdf);
	for (;; ms -= 100) {
		int there = access(path, F_OK) == 0;

		if (there == present)
			return 1;
		if (ms <= 0)
			return 0;
		usleep(100000);
	}
}

FIXTURE(unbind) {
	long pins;
};

FIXTURE_SETUP(unbind)
{
	race_setup(_metadata, &self->pins);
}

FIXTURE_TEARDOWN(unbind)
{
	/* Claimed again, as the race found it, whatever happened. */
	if (!wait_node(1, 0))
		write_file("/sys/bus/pci/drivers_probe", bdf);
}

TEST_F_TIMEOUT(unbind, calls_during_unbind_end_clean_and_claimed, RACE_TIMEOUT)
{
	pthread_t t[2];
	unsigned int rounds = 0;
	int i, fd;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, ioctl_looper, NULL);
	while (running()) {
		usleep(100000);
		write_file("/sys/bus/pci/drivers/passthru/unbind", bdf);
		usleep(20000);
		write_file("/sys/bus/pci/drivers_probe", bdf);
		rounds++;
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("# unbind: %u unbinds\n", rounds);
	EXPECT_EQ(0, access("/sys/bus/pci/drivers/passthru", F_OK))
		TH_LOG("passthru's driver is there at the end: %s",
		       strerror(errno));
	fd = node_open(bdf);
	EXPECT_LE(0, fd) TH_LOG("the function is claimed at the end: %s",
				strerror(errno));
	if (fd >= 0)
		close(fd);
	race_end(_metadata, self->pins);
}

/*
 * Ask the host to run a QEMU monitor command (scripts/qmp.py) while this
 * program waits.  Where that fails the unplug or plug does not happen,
 * and the test's own checks of the slot say so.
 */
static void qmp(const char *execute, const char *arguments)
{
	int err = pt_qmp(execute, arguments);

	if (err)
		fprintf(stderr, "# ask the host for %s: %s: %s\n", execute,
			PT_RESULTS_PORT, strerror(err));
}

/*
 * Plug the edu back.  QEMU drops the old device a little after the guest
 * let go of it, and refuses a new one with its id until then: try again.
 */
static void plug(void)
{
	int i;

	for (i = 0; i < 5 && !wait_node(1, 0); i++) {
		usleep(1000000);
		qmp("device_add", "{\"driver\": \"edu\", \"bus\": \"rp2\", \"id\": \"hp0\"}");
		wait_node(1, 10000);
	}
}

FIXTURE(hotunplug) {
	long pins;
};

FIXTURE_SETUP(hotunplug)
{
	race_setup(_metadata, &self->pins);
	if (!wait_node(1, 0))
		plug();
}

FIXTURE_TEARDOWN(hotunplug)
{
	/* Plugged, as the race found it, whatever happened. */
	if (!wait_node(1, 0))
		plug();
}

TEST_F_TIMEOUT(hotunplug, calls_during_hot_unplug_end_clean_and_replugged,
	       RACE_TIMEOUT)
{
	pthread_t t[2];
	unsigned int rounds = 0, lost = 0;
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, ioctl_looper, NULL);
	do {
		usleep(500000);
		qmp("device_del", "{\"id\": \"hp0\"}");
		lost += !wait_node(0, 20000);
		plug();
		lost += !wait_node(1, 0);
		rounds++;
	} while (running());
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("# hotunplug: %u unplugs\n", rounds);
	EXPECT_EQ(0U, lost)
		TH_LOG("each unplug and plug took effect: %u of %u did not",
		       lost, 2 * rounds);
	race_end(_metadata, self->pins);
}

/*
 * kill: /bin/pt_fuzz is on the harness too, which forks each test: the
 * process killed here is its harness, whose test child dies with it
 * (PR_SET_PDEATHSIG, set by pt_fuzz), as do the test's own children.  As
 * a subreaper this process gets what outlives its parent, and waits for
 * all of it before the next fuzzer starts.
 */
FIXTURE(kill) {
	long pins;
};

FIXTURE_SETUP(kill)
{
	race_setup(_metadata, &self->pins);
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1))
		TH_LOG("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
}

FIXTURE_TEARDOWN(kill)
{
	race_close();
}

TEST_F_TIMEOUT(kill, sigkilled_fuzzers_end_clean, RACE_TIMEOUT)
{
	unsigned int seed = seedp(), rounds = 0;
	pid_t me = getpid();
	char seedtext[32];

	while (running()) {
		race_pid = fork();
		ASSERT_LE(0, race_pid) TH_LOG("fork: %s", strerror(errno));
		if (!race_pid) {
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

			/* Gone with this process, should it end first. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me)
				_exit(127);
			dup2(null, 1);
			dup2(null, 2);
			snprintf(seedtext, sizeof(seedtext), "%u", rand_r(&seed));
			execl("/bin/pt_fuzz", "pt_fuzz", bdf, "100000", seedtext,
			      "intx", (char *)NULL);
			_exit(127);
		}
		usleep(rand_r(&seed) % 300000);
		kill(race_pid, SIGKILL);
		reap_all();
		race_pid = 0;
		rounds++;
	}
	printf("# kill: %u fuzzers killed\n", rounds);
	race_end(_metadata, self->pins);
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
