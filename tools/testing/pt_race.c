// SPDX-License-Identifier: GPL-2.0
/*
 * pt_race: threads that race passthru's teardown and revocation paths.
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
 *                hp0 on root port rp2) and plugs it back
 *   kill         children running the fuzzer, killed with SIGKILL at
 *                random points
 *
 * Each ends with every file closed and checks that the pins balance and
 * no interrupt is left requested; the host judges splats (the debug
 * kernel: KASAN, lockdep, kmemleak).
 */
#include <linux/pci_regs.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "pt_util.h"

#define PG 4096UL
#define EDU_ID 0x010000edU
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)

static const char *bdf;
static double deadline;
static int stop;
static unsigned long bad_values, odd_errors;
static char odd_first[160];

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

static int open_attached(int *vm)
{
	int dev = node_open(bdf);

	*vm = open("/dev/passthru/vm", O_RDWR);
	if (dev < 0 || *vm < 0 || attach(dev, *vm))
		die("open and attach");
	return dev;
}

static unsigned int seedp(void)
{
	return (unsigned int)(now_ms() * 1000) ^ (unsigned int)pthread_self();
}

/* map-unmap */
static int race_vm;
static uint8_t *race_mem;

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

static void race_map_unmap(void)
{
	struct passthru_dma_unmap all = { .size = sizeof(all),
					  .flags = PASSTHRU_DMA_UNMAP_ALL };
	pthread_t t[2];
	int dev, i;

	dev = open_attached(&race_vm);
	race_mem = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, mapper, (void *)(uintptr_t)i);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check(!pt_ioctl(race_vm, PASSTHRU_VM_UNMAP_DMA, &all),
	      "race map-unmap: unmap all afterwards", "%s", strerror(errno));
	close(dev);
	close(race_vm);
	munmap(race_mem, 16 * PG);
}

/* fault-reset */
static __thread sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

static int race_dev;
static uint8_t *race_bar;

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
	printf("# fault-reset: %lu reads, %lu SIGBUS\n", reads, faults);
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

static void race_fault_reset(void)
{
	struct sigaction sa = { .sa_handler = on_fault, .sa_flags = SA_NODEFER };
	pthread_t t[3];
	uint16_t cmd = PCI_COMMAND_MEMORY;
	int vm, i;

	sigaction(SIGBUS, &sa, NULL);
	race_dev = open_attached(&vm);
	race_bar = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, race_dev,
			PASSTHRU_REGION_OFFSET(0));
	if (race_bar == MAP_FAILED)
		die("mmap BAR0");
	if (pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND) != 2)
		die("write command");
	pthread_create(&t[0], NULL, bar_reader, NULL);
	pthread_create(&t[1], NULL, resetter, NULL);
	pthread_create(&t[2], NULL, decoder, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	check(!bad_values, "race fault-reset: every read of BAR0 is edu's ID or SIGBUS",
	      "%lu other values", bad_values);
	munmap(race_bar, 1 << 20);
	close(race_dev);
	close(vm);
	signal(SIGBUS, SIG_DFL);
}

/* irq-swap */
static int race_efd[3];

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

static void race_irq_swap(void)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pthread_t t[3];
	int vm, i;

	race_dev = open_attached(&vm);
	if (pwrite(race_dev, &cmd, 2, CFG + PCI_COMMAND) != 2)
		die("write command");
	for (i = 0; i < 3; i++)
		race_efd[i] = new_efd();
	pthread_create(&t[0], NULL, swapper, NULL);
	pthread_create(&t[1], NULL, raiser, NULL);
	pthread_create(&t[2], NULL, unmasker, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	close(race_dev);
	close(vm);
	for (i = 0; i < 3; i++)
		close(race_efd[i]);
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

static void race_cmd_intx(void)
{
	pthread_t t[2];
	int vm, i;

	race_dev = open_attached(&vm);
	race_efd[0] = new_efd();
	if (set_fds(race_dev, PASSTHRU_IRQ_INTX, 0, 1, &race_efd[0]))
		die("INTx eventfd");
	race_bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			race_dev, PASSTHRU_REGION_OFFSET(0));
	if (race_bar == MAP_FAILED)
		die("mmap BAR0");
	pthread_create(&t[0], NULL, commander, NULL);
	pthread_create(&t[1], NULL, intx_cycler, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	check(!cmd_lost, "race cmd-intx: no INTx lost to a command write",
	      "%lu interrupts never signalled", cmd_lost);
	munmap(race_bar, 4096);
	close(race_dev);
	close(vm);
	close(race_efd[0]);
}

/* irq-close */
static int close_fd = -1;

static void *irq_looper(void *arg)
{
	int32_t efd = new_efd();
	int fd = *(int *)arg;

	while (running() && __atomic_load_n(&close_fd, __ATOMIC_RELAXED) >= 0)
		set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, &efd);
	close(efd);
	return NULL;
}

static void race_irq_close(void)
{
	unsigned int seed = seedp(), rounds = 0;

	while (running()) {
		pthread_t t;
		int vm, dev = open_attached(&vm), status;
		pid_t pid;

		close_fd = dev;
		pthread_create(&t, NULL, irq_looper, &dev);
		usleep(rand_r(&seed) % 2000);
		/* The file goes while the other thread's SET_IRQS runs. */
		close(dev);
		close(vm);
		__atomic_store_n(&close_fd, -1, __ATOMIC_RELAXED);
		pthread_join(t, NULL);

		dev = open_attached(&vm);
		pid = fork();
		if (!pid) {
			int32_t efd = new_efd();

			for (;;)
				set_fds(dev, rand_r(&seed) % 2 ? PASSTHRU_IRQ_MSI :
					PASSTHRU_IRQ_INTX, 0, 1, &efd);
		}
		close(dev);
		close(vm);
		usleep(rand_r(&seed) % 3000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		rounds++;
	}
	printf("# irq-close: %u rounds\n", rounds);
}

/* unbind */
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

static void race_unbind(void)
{
	pthread_t t[2];
	unsigned int rounds = 0;
	int i;

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
	check(access("/sys/bus/pci/drivers/passthru", F_OK) == 0 &&
	      node_open(bdf) >= 0, "race unbind: the function is claimed at the end",
	      "%s", strerror(errno));
}

/* hotunplug: the host (QEMU, through scripts/qmp.py) unplugs the slot. */
static void qmp(const char *execute, const char *arguments)
{
	printf("PT-QMP {\"execute\": \"%s\", \"arguments\": %s}\n", execute,
	       arguments);
	fflush(stdout);
}

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

static void race_hotunplug(void)
{
	pthread_t t[2];
	unsigned int rounds = 0, lost = 0;
	int i;

	if (!wait_node(1, 0))
		plug();
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
	check(!lost, "race hotunplug: each unplug and plug took effect",
	      "%u of %u did not", lost, 2 * rounds);
}

/* kill */
static void race_kill(void)
{
	unsigned int seed = seedp(), rounds = 0;
	char seedtext[32];

	while (running()) {
		pid_t pid = fork();
		int status;

		if (!pid) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			snprintf(seedtext, sizeof(seedtext), "%u", rand_r(&seed));
			execl("/bin/pt_fuzz", "pt_fuzz", bdf, "100000", seedtext,
			      (char *)NULL);
			_exit(127);
		}
		usleep(rand_r(&seed) % 300000);
		/* The fuzzer's own children too: it leads its process group. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		rounds++;
	}
	printf("# kill: %u fuzzers killed\n", rounds);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} races[] = {
		{ "map-unmap", race_map_unmap },
		{ "fault-reset", race_fault_reset },
		{ "irq-swap", race_irq_swap },
		{ "cmd-intx", race_cmd_intx },
		{ "irq-close", race_irq_close },
		{ "unbind", race_unbind },
		{ "hotunplug", race_hotunplug },
		{ "kill", race_kill },
	};
	char name[96];
	unsigned int i, w;
	long before;

	if (argc != 4) {
		fprintf(stderr, "usage: pt_race NAME BDF SECONDS\n");
		return 2;
	}
	bdf = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(races); i++)
		if (!strcmp(argv[1], races[i].name))
			break;
	if (i == ARRAY_SIZE(races)) {
		fprintf(stderr, "pt_race: no race %s\n", argv[1]);
		return 2;
	}
	before = pt_pins();
	deadline = now_ms() + atof(argv[3]) * 1e3;
	races[i].run();
	snprintf(name, sizeof(name), "race %s: only documented errnos",
		 races[i].name);
	check(!odd_errors, name, "%lu, first %s", odd_errors, odd_first);
	/* Processes killed last may still be exiting: give them 3 s. */
	for (w = 0; w < 30 && pt_pins() != before; w++)
		usleep(100000);
	snprintf(name, sizeof(name), "race %s: every pin released",
		 races[i].name);
	check(pt_pins() == before, name, "%ld pages", pt_pins() - before);
	snprintf(name, sizeof(name), "race %s: no interrupt left requested",
		 races[i].name);
	check(proc_interrupts("passthru-") == 0, name, "%d",
	      proc_interrupts("passthru-"));
	return failures ? 1 : 0;
}
