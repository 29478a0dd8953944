// SPDX-License-Identifier: GPL-2.0
/*
 * pt_irq: a device's interrupts as eventfds, as a VMM uses them.  One line
 * per check; exit 1 if any failed.
 *
 *   pt_irq info BDF         PASSTHRU_IRQ_INFO of every index; SET_IRQS
 *                           argument rules; eventfds need an attached device
 *   pt_irq edu-intx BDF     edu INTx: raise counts once and masks; further
 *                           raises do not count while masked; ack + unmask
 *                           by ioctl, and by the unmask eventfd, rearm it;
 *                           an unmask while still asserted signals again
 *   pt_irq edu-msi BDF      edu MSI: 200 round trips without loss; a masked
 *                           vector's interrupt is delivered at unmask;
 *                           loopback trigger; the /proc/interrupts name
 *   pt_irq switch BDF N     N rounds of INTx -> MSI -> MSI-X -> none (the
 *                           types the function has), loopback-fired; on
 *                           edu a thread raises real interrupts meanwhile
 *   pt_irq nvme-msix BDF    nvme MSI-X: an admin command's completion
 *                           (Identify, queues in mapped memory) signals
 *                           vector 0; masked, a completion signals nothing
 *                           until the unmask delivers it
 *   pt_irq hotunplug BDF ID obey|ignore
 *                           the same, but the host (QEMU, asked through the
 *                           results log: "PT-QMP ...", scripts/qmp.py)
 *                           unplugs the function with QEMU id ID while this
 *                           VMM holds it with MSI armed
 *   pt_irq request BDF obey|ignore
 *                           a thread unbinds the function while this VMM
 *                           holds it with a request eventfd: obey closes at
 *                           the first signal; ignore keeps it open until
 *                           passthru revokes it (ENODEV, SIGBUS after)
 */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "pt_nvme.h"
#include "pt_util.h"

#define PG 4096UL
#define EDU_STATUS 0x24
#define EDU_RAISE 0x60
#define EDU_ACK 0x64

static uint8_t *bar0;

static void edu_wr(unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(bar0 + off), v, __ATOMIC_RELAXED);
}

/* Open the node, attach it to a new VM, map the first page of BAR0. */
static int open_attached(const char *bdf, int *vm)
{
	struct passthru_device_attach a = { .size = sizeof(a) };
	uint64_t cfg = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG);
	uint16_t cmd;
	int fd, err;

	fd = node_open(bdf);
	*vm = open("/dev/passthru/vm", O_RDWR);
	if (fd < 0 || *vm < 0)
		die("open node and VM");
	a.vm_fd = *vm;
	err = pt_ioctl(fd, PASSTHRU_DEVICE_ATTACH, &a);
	if (err) {
		errno = err;
		die("attach");
	}
	bar0 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    PASSTHRU_REGION_OFFSET(0));
	if (bar0 == MAP_FAILED)
		die("mmap BAR0");
	/* An MSI is a memory write: the guest's driver turns mastering on. */
	if (pread(fd, &cmd, 2, cfg + PCI_COMMAND) != 2)
		die("read command");
	cmd |= PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, 2, cfg + PCI_COMMAND) != 2)
		die("write command");
	return fd;
}

static int cmd_info(const char *bdf)
{
	static const char * const names[] = { "intx", "msi", "msix", "error",
					      "request" };
	struct passthru_irq_info info;
	int32_t efd;
	unsigned int i;
	int fd, vm, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	for (i = 0; i < PASSTHRU_NUM_IRQS; i++) {
		err = irq_info(fd, i, &info);
		check(!err, "irq info: every index answers", "%s: %s", names[i],
		      strerror(err));
		printf("# %s %s: %u vectors, caps %#x, active %u\n", bdf,
		       names[i], info.count, info.caps, info.active);
	}
	irq_info(fd, PASSTHRU_IRQ_INTX, &info);
	check(info.count == 1 && (info.caps & PASSTHRU_IRQ_CAP_MASK),
	      "irq info: INTx is there and maskable", "%u, %#x", info.count,
	      info.caps);
	err = irq_info(fd, PASSTHRU_NUM_IRQS, &info);
	check(err == EINVAL, "irq info: an unknown index is EINVAL", "%s",
	      strerror(err));

	efd = new_efd();
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	check(err == EPERM, "set irqs: eventfds before attach are EPERM", "%s",
	      strerror(err));
	close(fd);

	fd = open_attached(bdf, &vm);
	err = set_irqs(fd, PASSTHRU_IRQ_SET_EVENTFD | PASSTHRU_IRQ_SET_MASK,
		       PASSTHRU_IRQ_INTX, 0, 1, &efd);
	check(err == EINVAL, "set irqs: two actions are EINVAL", "%s",
	      strerror(err));
	err = set_irqs(fd, 0, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	check(err == EINVAL, "set irqs: no action is EINVAL", "%s",
	      strerror(err));
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 2, NULL);
	check(err == EINVAL, "set irqs: a block beyond the vectors is EINVAL",
	      "%s", strerror(err));
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, (int32_t[]){ 0 });
	check(err == EINVAL, "set irqs: a descriptor that is no eventfd is EINVAL",
	      "%s", strerror(err));
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, (int32_t[]){ 999 });
	check(err == EBADF, "set irqs: a closed descriptor is EBADF", "%s",
	      strerror(err));
	err = set_irqs(fd, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_REQUEST, 0, 1,
		       NULL);
	check(err == EINVAL, "set irqs: masking a notification is EINVAL", "%s",
	      strerror(err));
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD, PASSTHRU_IRQ_MSI, 0,
		       1, &efd);
	check(err == EINVAL, "set irqs: an unmask eventfd on MSI is EINVAL", "%s",
	      strerror(err));
	err = set_fds(fd, PASSTHRU_IRQ_REQUEST, 0, 1, &efd);
	err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_TRIGGER, PASSTHRU_IRQ_REQUEST,
			      0, 1, NULL);
	check(!err && wait_efd(efd, 1000) == 1,
	      "set irqs: the request eventfd, loopback-triggered", "%s",
	      strerror(err));
	irq_info(fd, PASSTHRU_IRQ_ERROR, &info);
	if (info.count) {
		err = set_fds(fd, PASSTHRU_IRQ_ERROR, 0, 1, &efd);
		err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_TRIGGER,
				      PASSTHRU_IRQ_ERROR, 0, 1, NULL);
		check(!err && wait_efd(efd, 1000) == 1,
		      "set irqs: the error eventfd, loopback-triggered", "%s",
		      strerror(err));
	}
	close(efd);
	close(fd);
	close(vm);
	return failures ? 1 : 0;
}

static int cmd_edu_intx(const char *bdf)
{
	int32_t efd = new_efd(), ufd = new_efd();
	uint64_t one = 1;
	int fd, vm, err;

	fd = open_attached(bdf, &vm);
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	check(!err, "intx: eventfd set", "%s", strerror(err));
	check(proc_interrupts("passthru-intx[0]") == 1,
	      "intx: /proc/interrupts names the vector", "%d lines",
	      proc_interrupts("passthru-intx[0]"));

	edu_wr(EDU_RAISE, 1);
	check(wait_efd(efd, 2000) == 1, "intx: a raise signals the eventfd once",
	      "nothing");
	edu_wr(EDU_ACK, 1);
	edu_wr(EDU_RAISE, 1);
	check(wait_efd(efd, 300) == 0,
	      "intx: while masked, another raise does not count", "it did");
	edu_wr(EDU_ACK, 1);
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
	check(!err && wait_efd(efd, 300) == 0,
	      "intx: unmask after the ack signals nothing", "%s", strerror(err));
	edu_wr(EDU_RAISE, 1);
	check(wait_efd(efd, 2000) == 1,
	      "intx: after ack and unmask (ioctl) the next raise counts",
	      "nothing");
	edu_wr(EDU_ACK, 1);

	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD, PASSTHRU_IRQ_INTX,
		       0, 1, &ufd);
	check(!err, "intx: unmask eventfd set", "%s", strerror(err));
	if (write(ufd, &one, sizeof(one)) != sizeof(one))
		die("write unmask eventfd");
	edu_wr(EDU_RAISE, 1);
	check(wait_efd(efd, 2000) == 1,
	      "intx: after ack and unmask (eventfd) the next raise counts",
	      "nothing");

	/* Not acknowledged: an unmask finds INTx still asserted. */
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
	check(!err && wait_efd(efd, 2000) == 1,
	      "intx: an unmask while still asserted signals again", "%s",
	      strerror(err));
	if (write(ufd, &one, sizeof(one)) != sizeof(one))
		die("write unmask eventfd");
	check(wait_efd(efd, 2000) == 1,
	      "intx: so does an unmask through the eventfd", "nothing");
	edu_wr(EDU_ACK, 1);
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
	check(!err && wait_efd(efd, 300) == 0,
	      "intx: acknowledged, an unmask is quiet", "%s", strerror(err));

	err = set_irqs(fd, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
	edu_wr(EDU_RAISE, 1);
	check(!err && wait_efd(efd, 300) == 0,
	      "intx: masked by ioctl, a raise does not count", "%s",
	      strerror(err));
	edu_wr(EDU_ACK, 1);
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 0, NULL);
	check(!err && proc_interrupts("passthru-") == 0,
	      "intx: count 0 tears it down", "%s", strerror(err));
	close(fd);
	close(vm);
	close(efd);
	close(ufd);
	return failures ? 1 : 0;
}

static int cmd_edu_msi(const char *bdf)
{
	int32_t efd = new_efd();
	struct passthru_irq_info info;
	unsigned int i, got = 0;
	int fd, vm, err;
	char name[64];

	fd = open_attached(bdf, &vm);
	err = set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, &efd);
	check(!err, "msi: eventfd set", "%s", strerror(err));
	irq_info(fd, PASSTHRU_IRQ_MSI, &info);
	check(info.active == 1, "msi: info says one vector is active", "%u",
	      info.active);
	snprintf(name, sizeof(name), "passthru-msi[0](%s)", bdf);
	check(proc_interrupts(name) == 1, "msi: /proc/interrupts names it",
	      "no line with %s", name);
	for (i = 0; i < 200 && got + 3 > i; i++) {
		edu_wr(EDU_RAISE, 1);
		got += wait_efd(efd, 500) == 1;
		edu_wr(EDU_ACK, 1);
	}
	check(got == 200, "msi: 200 round trips without loss", "%u of 200", got);

	err = set_irqs(fd, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_MSI, 0, 1, NULL);
	edu_wr(EDU_RAISE, 1);
	check(!err && wait_efd(efd, 300) == 0,
	      "msi: a masked vector does not signal", "%s", strerror(err));
	edu_wr(EDU_ACK, 1);
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_MSI, 0, 1, NULL);
	check(!err && wait_efd(efd, 1000) == 1,
	      "msi: unmask delivers the pending interrupt", "%s", strerror(err));
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_MSI, 0, 1, NULL);
	check(!err && wait_efd(efd, 300) == 0,
	      "msi: a second unmask delivers nothing more", "%s", strerror(err));
	err = set_irqs(fd, PASSTHRU_IRQ_SET_TRIGGER, PASSTHRU_IRQ_MSI, 0, 1, NULL);
	check(!err && wait_efd(efd, 1000) == 1, "msi: loopback trigger", "%s",
	      strerror(err));
	err = set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, (int32_t[]){ -1 });
	edu_wr(EDU_RAISE, 1);
	check(!err && wait_efd(efd, 300) == 0,
	      "msi: -1 takes the vector's eventfd away", "%s", strerror(err));
	edu_wr(EDU_ACK, 1);
	err = set_fds(fd, PASSTHRU_IRQ_MSI, 0, 0, NULL);
	check(!err && proc_interrupts(name) == 0,
	      "msi: count 0 tears MSI down", "%s", strerror(err));
	close(fd);
	close(vm);
	close(efd);
	return failures ? 1 : 0;
}

static int cmd_nvme_msix(const char *bdf)
{
	struct passthru_irq_info info;
	struct nvme_cqe cqe;
	struct pt_nvme n;
	int32_t efd[4];
	unsigned int i;
	uint16_t cid;
	int err;

	for (i = 0; i < 4; i++)
		efd[i] = new_efd();
	err = nvme_open(&n, bdf, 0x100000);
	if (err) {
		errno = err;
		die("nvme: open, attach, map");
	}
	err = irq_info(n.dev, PASSTHRU_IRQ_MSIX, &info);
	check(!err && info.count >= 4, "nvme: MSI-X has vectors", "%s, %u",
	      strerror(err), info.count);
	err = set_fds(n.dev, PASSTHRU_IRQ_MSIX, 0, 4, efd);
	check(!err, "nvme: eventfds on 4 MSI-X vectors", "%s", strerror(err));
	err = nvme_enable(&n);
	check(!err, "nvme: controller enabled with admin queues in VM memory",
	      "%s, CSTS %#x", strerror(err), nvme_rd32(&n, NVME_CSTS));
	if (err)
		return 1;

	cid = nvme_identify(&n, 1);
	check(wait_efd(efd[0], 2000) == 1,
	      "nvme: the admin completion signals vector 0", "nothing");
	err = !nvme_reap(&n, &cqe) || cqe.cid != cid || cqe.status >> 1;
	check(!err && !memcmp(n.mem + 2 * 4096, "\x36\x1b", 2),
	      "nvme: Identify Controller completed and names the vendor",
	      "cid %u/%u, status %#x, VID %02x%02x", cqe.cid, cid, cqe.status,
	      n.mem[2 * 4096 + 1], n.mem[2 * 4096]);
	check(wait_efd(efd[1], 0) == 0, "nvme: vector 1 stayed quiet", "it fired");

	err = set_irqs(n.dev, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_MSIX, 0, 1,
		       NULL);
	cid = nvme_identify(&n, 1);
	usleep(300000);
	check(!err && wait_efd(efd[0], 0) == 0 && nvme_reap(&n, &cqe) &&
	      cqe.cid == cid,
	      "nvme: masked, the completion arrives but vector 0 is silent",
	      "%s", strerror(err));
	err = set_irqs(n.dev, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_MSIX, 0, 1,
		       NULL);
	check(!err && wait_efd(efd[0], 1000) == 1,
	      "nvme: unmask delivers the pending interrupt", "%s",
	      strerror(err));
	nvme_close(&n);
	for (i = 0; i < 4; i++)
		close(efd[i]);
	check(proc_interrupts("passthru-") == 0,
	      "nvme: closing tears the vectors down", "%d",
	      proc_interrupts("passthru-"));
	return failures ? 1 : 0;
}

static int raising;

/* edu: raise and acknowledge interrupts until told to stop. */
static void *raiser(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&raising, __ATOMIC_RELAXED)) {
		edu_wr(EDU_RAISE, 1);
		usleep(200);
		edu_wr(EDU_ACK, 1);
	}
	return NULL;
}

static int cmd_switch(const char *bdf, unsigned int rounds, int edu)
{
	static const unsigned int types[] = { PASSTHRU_IRQ_INTX, PASSTHRU_IRQ_MSI,
					      PASSTHRU_IRQ_MSIX };
	struct passthru_irq_info info;
	unsigned int r, t, i, n[3], fired = 0, errs = 0;
	int32_t fds[64];
	pthread_t thread;
	int fd, vm, err = 0;

	fd = open_attached(bdf, &vm);
	for (t = 0; t < 3; t++) {
		irq_info(fd, types[t], &info);
		n[t] = info.count < 64 ? info.count : 64;
	}
	for (i = 0; i < 64; i++)
		fds[i] = new_efd();
	if (edu) {
		raising = 1;
		pthread_create(&thread, NULL, raiser, NULL);
	}
	for (r = 0; r < rounds; r++) {
		for (t = 0; t < 3; t++) {
			if (!n[t])
				continue;
			err = set_fds(fd, types[t], 0, n[t], fds);
			err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_TRIGGER,
					      types[t], 0, n[t], NULL);
			if (err)
				errs++;
			else
				fired += wait_efd(fds[n[t] - 1], 1000) > 0;
			if (types[t] == PASSTHRU_IRQ_INTX)
				set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, types[t],
					 0, 1, NULL);
		}
		err = set_fds(fd, PASSTHRU_IRQ_MSIX, 0, 0, NULL);
		err = err ?: set_fds(fd, PASSTHRU_IRQ_MSI, 0, 0, NULL);
		err = err ?: set_fds(fd, PASSTHRU_IRQ_INTX, 0, 0, NULL);
		if (err || proc_interrupts("passthru-"))
			errs++;
	}
	if (edu) {
		__atomic_store_n(&raising, 0, __ATOMIC_RELAXED);
		pthread_join(thread, NULL);
	}
	printf("# %s: INTx %u, MSI %u, MSI-X %u vectors\n", bdf, n[0], n[1],
	       n[2]);
	check(!errs, "switch: every switch and teardown worked", "%u failed, %s",
	      errs, strerror(err));
	check(fired == rounds * (!!n[0] + !!n[1] + !!n[2]),
	      "switch: each type's loopback reached its eventfd", "%u", fired);
	close(fd);
	close(vm);
	for (i = 0; i < 64; i++)
		close(fds[i]);
	check(proc_interrupts("passthru-") == 0,
	      "switch: no interrupt left in /proc/interrupts", "%d",
	      proc_interrupts("passthru-"));
	return failures ? 1 : 0;
}

static const char *unbind_bdf;
static double unbind_ms;

static void *unbinder(void *arg)
{
	double t0 = now_ms();

	(void)arg;
	write_file("/sys/bus/pci/drivers/passthru/unbind", unbind_bdf);
	unbind_ms = now_ms() - t0;
	return NULL;
}

/* A VMM that ignored the request: revoked, with nothing left behind. */
static void check_revoked(int fd, const char *test)
{
	struct passthru_irq_info info;
	char name[128];
	int err;

	err = irq_info(fd, PASSTHRU_IRQ_MSI, &info);
	snprintf(name, sizeof(name), "%s: ignored, the VMM's calls are ENODEV",
		 test);
	check(err == ENODEV, name, "%s", strerror(err));
	snprintf(name, sizeof(name), "%s: ignored, the mapped BAR gets SIGBUS",
		 test);
	check(pt_self_sigbus(bar0), name, "no SIGBUS");
	snprintf(name, sizeof(name), "%s: ignored, its interrupts are gone",
		 test);
	check(proc_interrupts("passthru-") == 0, name, "%d",
	      proc_interrupts("passthru-"));
}

static int cmd_request(const char *bdf, int obey)
{
	int32_t req = new_efd(), msi = new_efd();
	pthread_t thread;
	uint64_t n;
	int fd, vm, err;

	fd = open_attached(bdf, &vm);
	err = set_fds(fd, PASSTHRU_IRQ_REQUEST, 0, 1, &req);
	err = err ?: set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, &msi);
	check(!err, "request: request and MSI eventfds set", "%s",
	      strerror(err));
	unbind_bdf = bdf;
	pthread_create(&thread, NULL, unbinder, NULL);
	n = wait_efd(req, 5000);
	check(n >= 1, "request: an unbind signals the request eventfd", "nothing");
	if (obey) {
		/* A mapping holds the file open: unmap, then close. */
		munmap(bar0, PG);
		close(fd);
		pthread_join(thread, NULL);
		check(unbind_ms < 3000,
		      "request: closing at once lets the unbind finish at once",
		      "%.0f ms", unbind_ms);
	} else {
		pthread_join(thread, NULL);
		n += wait_efd(req, 0);
		check(n >= 2, "request: it is signalled again while ignored",
		      "%llu", (unsigned long long)n);
		check_revoked(fd, "request");
		close(fd);
	}
	close(vm);
	close(req);
	close(msi);
	return failures ? 1 : 0;
}

/* Ask the host to run a QEMU monitor command (scripts/qmp.py). */
static void qmp(const char *execute, const char *arguments)
{
	printf("PT-QMP {\"execute\": \"%s\", \"arguments\": %s}\n", execute,
	       arguments);
	fflush(stdout);
}

/* Wait up to @ms for @bdf to leave sysfs. */
static int gone(const char *bdf, int ms)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	for (; ms > 0; ms -= 100) {
		if (access(path, F_OK))
			return 1;
		usleep(100000);
	}
	return 0;
}

static int cmd_hotunplug(const char *bdf, const char *id, int obey)
{
	int32_t req = new_efd(), msi = new_efd();
	char cmd[256];
	uint64_t n;
	int fd, vm, err;

	fd = open_attached(bdf, &vm);
	err = set_fds(fd, PASSTHRU_IRQ_REQUEST, 0, 1, &req);
	err = err ?: set_fds(fd, PASSTHRU_IRQ_MSI, 0, 1, &msi);
	check(!err, "hotunplug: request and MSI eventfds set", "%s",
	      strerror(err));
	snprintf(cmd, sizeof(cmd), "{\"id\": \"%s\"}", id);
	qmp("device_del", cmd);
	/* pciehp waits 5 s after the attention button before it acts. */
	n = wait_efd(req, 20000);
	check(n >= 1, "hotunplug: the unplug signals the request eventfd",
	      "nothing in 20 s");
	if (obey) {
		munmap(bar0, PG);
		close(fd);
		check(gone(bdf, 10000),
		      "hotunplug: the VMM closes and the function goes away",
		      "still there");
	} else {
		check(gone(bdf, 20000),
		      "hotunplug: ignored, the function goes away after the wait",
		      "still there");
		check_revoked(fd, "hotunplug");
		close(fd);
	}
	close(vm);
	close(req);
	close(msi);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "hotunplug"))
		return cmd_hotunplug(argv[2], argv[3], !strcmp(argv[4], "obey"));
	if (argc == 3 && !strcmp(argv[1], "info"))
		return cmd_info(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "edu-intx"))
		return cmd_edu_intx(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "edu-msi"))
		return cmd_edu_msi(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "nvme-msix"))
		return cmd_nvme_msix(argv[2]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "switch"))
		return cmd_switch(argv[2], atoi(argv[3]),
				  argc == 5 && !strcmp(argv[4], "edu"));
	if (argc == 4 && !strcmp(argv[1], "request"))
		return cmd_request(argv[2], !strcmp(argv[3], "obey"));
	fprintf(stderr, "usage: see the top of pt_irq.c\n");
	return 2;
}
