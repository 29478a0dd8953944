// SPDX-License-Identifier: GPL-2.0
/*
 * pt_isol: what a hostile VMM, or a local user, must not be able to do.
 * Each command is the regression test of a defect found in review (see
 * Documentation/threat-model.md).  One line per check; exit 1 if any
 * failed.
 *
 *   pt_isol mmap BDF        every mmap() of a grid of offsets and lengths
 *                           around each region's ends, its MSI-X pages, the
 *                           IOMMU's registers and U64_MAX is accepted
 *                           exactly when REGION_INFO's areas hold it
 *   pt_isol intx BDF        edu INTx torn down while masked and asserted,
 *                           then unmasked through the unmask eventfd:
 *                           nothing is signalled, INTx works once re-armed
 *   pt_isol pin-user        40 processes of one user, each mapping 8 MiB in
 *                           its own VM and passing the VM on, pin at most
 *                           that user's RLIMIT_MEMLOCK; max_vms_per_user
 *                           bounds its VMs; the VM node is root's
 *   pt_isol msix-decode BDF nvme: MSI-X enabled while the VMM has memory
 *                           decode off, and a D3hot round trip with decode
 *                           off, still deliver; SET_IRQS in D3hot is EIO;
 *                           one host vector per vector used, grown in place
 *   pt_isol rom BDF         ROM reads with memory decode off are EIO and
 *                           log nothing
 *   pt_isol intx-restore BDF
 *                           e1000e: INTx masked in D3hot stays masked at
 *                           the function after the restore to D0 (found
 *                           by the fuzzer: "irq N: nobody cared")
 *   pt_isol uffd BDF        an unbind completes while the VMM's SET_IRQS
 *                           array, MAP_DMA memory or VM_INFO buffer is on a
 *                           userfaultfd page that is never served
 *   pt_isol master BDF      bus mastering is off after the VMM lets go,
 *                           even when it was on at claim
 *   pt_isol errnos BDF [vtd]
 *                           the errnos the header documents: E2BIG past a
 *                           struct, ENODEV after removal, EADDRINUSE for a
 *                           mapping beyond VT-d's address width
 */
#include <linux/pci_regs.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "pt_nvme.h"
#include "pt_util.h"

#define PG 4096UL
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)
#define EDU_RAISE 0x60
#define EDU_ACK 0x64

static int vm_open(void)
{
	int vm = open("/dev/passthru/vm", O_RDWR);

	if (vm < 0)
		die("open /dev/passthru/vm");
	return vm;
}

static int attach(int fd, int vm)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = vm };

	return pt_ioctl(fd, PASSTHRU_DEVICE_ATTACH, &a);
}

/* The node, attached to a new VM (in *vm), bus mastering on. */
static int open_attached(const char *bdf, int *vm)
{
	uint16_t cmd;
	int fd = node_open(bdf), err;

	if (fd < 0)
		die("open node");
	*vm = vm_open();
	err = attach(fd, *vm);
	if (err) {
		errno = err;
		die("attach");
	}
	if (pread(fd, &cmd, 2, CFG + PCI_COMMAND) != 2)
		die("read command");
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (pwrite(fd, &cmd, 2, CFG + PCI_COMMAND) != 2)
		die("write command");
	return fd;
}

static int set_command(int fd, uint16_t clear, uint16_t set)
{
	uint16_t cmd;

	if (pread(fd, &cmd, 2, CFG + PCI_COMMAND) != 2)
		return errno;
	cmd = (cmd & ~clear) | set;
	return pwrite(fd, &cmd, 2, CFG + PCI_COMMAND) == 2 ? 0 : errno;
}

static int region_info(int fd, unsigned int index,
		       struct passthru_region_info *info,
		       struct passthru_region_area *areas, unsigned int n)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = index;
	info->num_areas = n;
	info->areas = (uintptr_t)areas;
	return pt_ioctl(fd, PASSTHRU_REGION_INFO, info);
}

/* A physical address from a /proc/iomem line naming @what, or 0. */
static uint64_t iomem_start(const char *what)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");
	uint64_t start = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, what)) {
			start = strtoull(line + strspn(line, " "), NULL, 16);
			break;
		}
	if (f)
		fclose(f);
	return start;
}

static uint64_t bar_start(const char *bdf, unsigned int bar)
{
	char path[128], line[128];
	unsigned long long start = 0;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	for (i = 0; f && fgets(line, sizeof(line), f); i++)
		if (i == bar)
			start = strtoull(line, NULL, 16);
	if (f)
		fclose(f);
	return start;
}

/* Does [pos, pos + len) lie inside one of @n areas?  In 128 bits. */
static int in_areas(const struct passthru_region_area *a, unsigned int n,
		    uint64_t pos, uint64_t len)
{
	unsigned __int128 end = (unsigned __int128)pos + len;
	unsigned int i;

	if (!len || (pos | len) & (PG - 1))
		return 0;
	for (i = 0; i < n; i++)
		if (pos >= a[i].offset &&
		    end <= (unsigned __int128)a[i].offset + a[i].size)
			return 1;
	return 0;
}

static int cmd_mmap(const char *bdf)
{
	struct passthru_region_area areas[8];
	struct passthru_region_info info;
	uint64_t pos[64], len[32], dmar;
	unsigned int r, i, j, np, nl, tried = 0, wrong = 0, accepted = 0;
	char first[160] = "";
	int fd, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	dmar = iomem_start("dmar0");
	for (r = 0; r < PASSTHRU_REGION_CONFIG + 1; r++) {
		err = region_info(fd, r, &info, areas, 8);
		if (err || info.num_areas > 8) {
			check(0, "mmap: REGION_INFO answers", "region %u: %s", r,
			      strerror(err));
			continue;
		}
		np = 0;
		nl = 0;
		/* Around the start, the end and each area's edges. */
		pos[np++] = 0;
		pos[np++] = PG;
		pos[np++] = info.region_size & ~(PG - 1);
		pos[np++] = (info.region_size - PG) & ~(PG - 1);
		pos[np++] = info.region_size + PG;
		pos[np++] = PASSTHRU_REGION_OFFSET(1) - PG;
		pos[np++] = UINT64_MAX & ~(PG - 1);
		pos[np++] = 1ULL << 63;
		for (i = 0; i < info.num_areas; i++) {
			pos[np++] = areas[i].offset;
			pos[np++] = areas[i].offset + areas[i].size;
			pos[np++] = areas[i].offset + areas[i].size - PG;
			pos[np++] = areas[i].offset - PG;
		}
		/* The exploit: BAR0 plus the distance to VT-d. */
		if (dmar && r < PCI_STD_NUM_BARS && bar_start(bdf, r) &&
		    dmar > bar_start(bdf, r))
			pos[np++] = (dmar - bar_start(bdf, r)) & ~(PG - 1);
		len[nl++] = 0;
		len[nl++] = PG;
		len[nl++] = 2 * PG;
		len[nl++] = info.region_size & ~(PG - 1);
		len[nl++] = (info.region_size + PG) & ~(PG - 1);
		len[nl++] = 1ULL << 30;
		len[nl++] = 1ULL << 40;
		for (i = 0; i < info.num_areas; i++)
			len[nl++] = areas[i].size;
		for (i = 0; i < np; i++) {
			for (j = 0; j < nl; j++) {
				int want = in_areas(areas, info.num_areas,
						    pos[i], len[j]);
				uint64_t off = PASSTHRU_REGION_OFFSET(r) + pos[i];
				void *p;

				/* Offsets that leave the region's window. */
				if (pos[i] >= PASSTHRU_REGION_OFFSET(1))
					off = pos[i];
				p = mmap(NULL, len[j], PROT_READ, MAP_SHARED,
					 fd, off);
				int got = p != MAP_FAILED;

				tried++;
				if (got != want) {
					if (!wrong++)
						snprintf(first, sizeof(first),
							 "region %u pos %#llx len %#llx: %s", r,
							 (unsigned long long)pos[i],
							 (unsigned long long)len[j],
							 p == MAP_FAILED ? "refused" :
							 "ACCEPTED");
				}
				if (p != MAP_FAILED) {
					accepted++;
					munmap(p, len[j]);
				}
			}
		}
	}
	printf("# %s: %u mmaps tried, %u accepted\n", bdf, tried, accepted);
	check(!wrong && accepted,
	      "mmap: accepted exactly when inside one of REGION_INFO's areas",
	      "%u of %u wrong, first %s", wrong, tried, first);
	if (dmar) {
		uint64_t off = (dmar - bar_start(bdf, 0)) & ~(PG - 1);
		void *p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd,
			       PASSTHRU_REGION_OFFSET(0) + off);

		check(p == MAP_FAILED && errno == EINVAL,
		      "mmap: the IOMMU's registers beyond BAR0 are EINVAL",
		      "accepted; VER_REG reads %#x",
		      p == MAP_FAILED ? 0 :
		      __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED));
	}
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_intx(const char *bdf)
{
	int32_t efd = new_efd(), ufd = new_efd(), none = -1;
	uint64_t one = 1;
	uint8_t *bar0;
	int fd, vm, err;

	fd = open_attached(bdf, &vm);
	bar0 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    PASSTHRU_REGION_OFFSET(0));
	if (bar0 == MAP_FAILED)
		die("mmap BAR0");
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_INTX, 0,
			      1, NULL);
	/* Raised and never acknowledged: INTx stays asserted. */
	__atomic_store_n((uint32_t *)(bar0 + EDU_RAISE), 1, __ATOMIC_RELAXED);
	usleep(100000);
	err = err ?: set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &none);
	err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
			      PASSTHRU_IRQ_INTX, 0, 1, &ufd);
	check(!err, "intx: masked, asserted, eventfd removed, unmask eventfd set",
	      "%s", strerror(err));
	if (write(ufd, &one, sizeof(one)) != sizeof(one))
		die("write unmask eventfd");
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1,
		       NULL);
	usleep(300000);
	check(!err && wait_efd(efd, 0) == 0,
	      "intx: unmasking a line without eventfd signals nothing",
	      "%s", strerror(err));

	/* Re-armed, INTx works: the line was left consistent. */
	__atomic_store_n((uint32_t *)(bar0 + EDU_ACK), 1, __ATOMIC_RELAXED);
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	__atomic_store_n((uint32_t *)(bar0 + EDU_RAISE), 1, __ATOMIC_RELAXED);
	check(!err && wait_efd(efd, 2000) == 1,
	      "intx: a new eventfd gets the next raise", "%s", strerror(err));
	__atomic_store_n((uint32_t *)(bar0 + EDU_ACK), 1, __ATOMIC_RELAXED);
	munmap(bar0, PG);
	close(fd);
	close(vm);
	close(efd);
	close(ufd);
	check(proc_interrupts("passthru-") == 0, "intx: nothing left requested",
	      "%d", proc_interrupts("passthru-"));
	return failures ? 1 : 0;
}

/*
 * A child as uid 65534 with RLIMIT_MEMLOCK @limit: open a VM, map
 * @bytes of fresh memory, send the VM over @sock and exit.  Writes the
 * errnos of open and map, in that order, to the socket too.
 */
static void pin_child(int sock, size_t limit, size_t bytes)
{
	struct rlimit rl = { limit, limit };
	struct passthru_dma_map map = { .size = sizeof(map),
					.flags = PASSTHRU_DMA_READ |
						 PASSTHRU_DMA_WRITE };
	char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	int res[2] = { 0, 0 }, vm;
	struct iovec iov = { res, sizeof(res) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	void *mem;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgid(65534) || setuid(65534))
		_exit(2);
	vm = open("/dev/passthru/vm", O_RDWR);
	res[0] = vm < 0 ? errno : 0;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	map.vaddr = (uintptr_t)mem;
	map.iova = 1ULL << 30;
	map.length = bytes;
	if (vm >= 0)
		res[1] = pt_ioctl(vm, PASSTHRU_VM_MAP_DMA, &map);
	if (vm >= 0) {
		msg.msg_control = ctl;
		msg.msg_controllen = sizeof(ctl);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &vm, sizeof(int));
	}
	_exit(sendmsg(sock, &msg, 0) < 0 ? 3 : 0);
}

/* Run one pin_child(); its results in @res, the VM it sent (or -1). */
static int pin_run(size_t limit, size_t bytes, int res[2])
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { res, 2 * sizeof(int) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int sv[2], vm = -1, status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (!pid) {
		close(sv[0]);
		pin_child(sv[1], limit, bytes);
	}
	close(sv[1]);
	res[0] = -1;
	res[1] = -1;
	if (recvmsg(sv[0], &msg, 0) > 0) {
		c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&vm, CMSG_DATA(c), sizeof(int));
	}
	waitpid(pid, &status, 0);
	close(sv[0]);
	return vm;
}

static int cmd_pin_user(void)
{
	const char *node = "/dev/passthru/vm";
	const char *maxvms = "/sys/module/passthru/parameters/max_vms_per_user";
	size_t limit = 8 << 20;
	int vms[40], res[2], i, mapped = 0, enomem = 0, emfile = 0;
	long before = pt_pins(), during;
	struct stat st = { 0 };
	int err = stat(node, &st) ? errno : 0;

	check(!err && (st.st_mode & 0777) == 0600 && st.st_uid == 0,
	      "access: /dev/passthru/vm is root's, mode 0600",
	      "%s, mode %o uid %u", strerror(err), st.st_mode & 0777,
	      st.st_uid);
	/* The administrator grants the node, as a udev rule would. */
	chmod(node, 0666);
	for (i = 0; i < 40; i++) {
		vms[i] = pin_run(limit, limit, res);
		mapped += vms[i] >= 0 && !res[1];
		enomem += vms[i] >= 0 && res[1] == ENOMEM;
	}
	during = pt_pins() - before;
	printf("# 40 VMs of uid 65534: %d mapped 8 MiB, %d ENOMEM, %ld pages pinned\n",
	       mapped, enomem, during);
	check(mapped == 1 && enomem == 39 && during <= (long)(limit / PG),
	      "memlock: one user's pins across 40 VMs stay within its RLIMIT_MEMLOCK",
	      "%d mapped, %d ENOMEM, %ld pages pinned", mapped, enomem, during);
	for (i = 0; i < 40; i++)
		if (vms[i] >= 0)
			close(vms[i]);
	check(pt_pins() == before, "memlock: closing the VMs unpins everything",
	      "%ld pages left", pt_pins() - before);
	i = pin_run(limit, limit, res);
	check(i >= 0 && !res[1],
	      "memlock: the user's charge went back with the VMs",
	      "open %s, map %s", strerror(res[0]), strerror(res[1]));
	if (i >= 0)
		close(i);

	write_file(maxvms, "4");
	for (i = 0; i < 5; i++) {
		vms[i] = pin_run(limit, PG, res);
		emfile += res[0] == EMFILE;
	}
	check(emfile == 1 && vms[4] < 0,
	      "vms: max_vms_per_user=4 refuses the user's fifth VM with EMFILE",
	      "%d refused", emfile);
	for (i = 0; i < 5; i++)
		if (vms[i] >= 0)
			close(vms[i]);
	i = pin_run(limit, PG, res);
	check(i >= 0, "vms: closing them gives the user its quota back", "%s",
	      strerror(res[0]));
	if (i >= 0)
		close(i);
	write_file(maxvms, "64");
	chmod(node, 0600);
	check(pt_pins() == before, "memlock: no pin left", "%ld pages",
	      pt_pins() - before);
	return failures ? 1 : 0;
}

static int cmd_msix_decode(const char *bdf)
{
	unsigned int pm;
	struct nvme_cqe cqe;
	struct pt_nvme n;
	int32_t efd[4];
	uint16_t pmcsr;
	unsigned int i;
	int err;

	for (i = 0; i < 4; i++)
		efd[i] = new_efd();
	err = nvme_open(&n, bdf, 0x100000);
	if (err) {
		errno = err;
		die("nvme: open, attach, map");
	}
	/*
	 * MSI-X programmed while the VMM has memory decode off, before the
	 * controller is enabled (QEMU's nvme signals only the vectors that
	 * were enabled when its queues were created).
	 */
	err = set_command(n.dev, PCI_COMMAND_MEMORY, 0);
	err = err ?: set_fds(n.dev, PASSTHRU_IRQ_MSIX, 0, 1, efd);
	err = err ?: set_command(n.dev, 0, PCI_COMMAND_MEMORY);
	err = err ?: nvme_enable(&n);
	check(!err, "msix-decode: controller enabled", "%s", strerror(err));
	nvme_identify(&n, 1);
	check(!err && wait_efd(efd[0], 2000) == 1,
	      "msix-decode: vectors enabled with decode off still deliver",
	      "%s", strerror(err));
	nvme_reap(&n, &cqe);
	check(proc_interrupts("passthru-msix") == 1,
	      "msix: one vector used, one host vector taken",
	      "%d", proc_interrupts("passthru-msix"));
	err = set_fds(n.dev, PASSTHRU_IRQ_MSIX, 3, 1, efd + 3);
	nvme_identify(&n, 1);
	check(!err && proc_interrupts("passthru-msix") == 4 &&
	      wait_efd(efd[0], 2000) == 1,
	      "msix: a vector beyond them grows the block; vector 0 keeps its eventfd",
	      "%s, %d vectors", strerror(err), proc_interrupts("passthru-msix"));
	nvme_reap(&n, &cqe);

	pm = pt_find_cap(n.dev, PCI_CAP_ID_PM);
	if (!pm) {
		skip_check("msix-decode: D3hot with decode off", "no PM capability");
		goto out;
	}
	/* D3hot and back with decode off: the restore needs the table. */
	err = set_command(n.dev, PCI_COMMAND_MEMORY, 0);
	pmcsr = 3;	/* D3hot */
	if (!err && pwrite(n.dev, &pmcsr, 2, CFG + pm + PCI_PM_CTRL) != 2)
		err = errno;
	err = err ?: set_fds(n.dev, PASSTHRU_IRQ_MSIX, 1, 1, efd + 1);
	check(err == EIO, "msix-decode: SET_IRQS on MSI-X in D3hot is EIO", "%s",
	      strerror(err));
	pmcsr = 0;
	err = pwrite(n.dev, &pmcsr, 2, CFG + pm + PCI_PM_CTRL) == 2 ? 0 : errno;
	usleep(20000);
	err = err ?: set_command(n.dev, 0, PCI_COMMAND_MEMORY);
	nvme_identify(&n, 1);
	check(!err && wait_efd(efd[0], 2000) == 1,
	      "msix-decode: after D3hot and back with decode off, vector 0 delivers",
	      "%s", strerror(err));
	nvme_reap(&n, &cqe);
out:
	nvme_close(&n);
	for (i = 0; i < 4; i++)
		close(efd[i]);
	check(proc_interrupts("passthru-") == 0, "msix-decode: vectors torn down",
	      "%d", proc_interrupts("passthru-"));
	return failures ? 1 : 0;
}

static int dmesg_lines(void)
{
	FILE *f = popen("dmesg | wc -l", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

/* e1000e's interrupt registers (Intel 82574 datasheet). */
#define E1000_ICR 0xc0
#define E1000_ICS 0xc8
#define E1000_IMS 0xd0

static int bar_write32(int fd, unsigned int off, uint32_t v)
{
	return pwrite(fd, &v, 4, PASSTHRU_REGION_OFFSET(0) + off) == 4 ? 0 :
	       errno;
}

/*
 * A config restore (D3hot to D0 here) must not undo INTx's mask at the
 * function: masked in D3hot, then back in D0 and asserting, the line must
 * neither signal nor be left firing unhandled ("nobody cared").
 */
static int cmd_intx_restore(const char *bdf)
{
	int32_t efd = new_efd();
	uint16_t pmcsr;
	uint32_t icr;
	unsigned int pm;
	int fd, vm, err, before;

	fd = open_attached(bdf, &vm);
	pm = pt_find_cap(fd, PCI_CAP_ID_PM);
	if (!pm) {
		skip_check("intx-restore", "no PM capability");
		return 0;
	}
	err = set_fds(fd, PASSTHRU_IRQ_INTX, 0, 1, &efd);
	err = err ?: bar_write32(fd, E1000_IMS, 1);
	pmcsr = 3;	/* D3hot */
	if (!err && pwrite(fd, &pmcsr, 2, CFG + pm + PCI_PM_CTRL) != 2)
		err = errno;
	err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_INTX, 0,
			      1, NULL);
	pmcsr = 0;
	if (!err && pwrite(fd, &pmcsr, 2, CFG + pm + PCI_PM_CTRL) != 2)
		err = errno;
	usleep(20000);
	err = err ?: bar_write32(fd, E1000_IMS, 1);
	check(!err, "intx-restore: INTx armed, masked in D3hot, back in D0",
	      "%s", strerror(err));
	before = dmesg_lines();
	err = bar_write32(fd, E1000_ICS, 1);
	usleep(500000);
	check(!err && wait_efd(efd, 0) == 0,
	      "intx-restore: while masked, the asserted line signals nothing",
	      "%s", strerror(err));
	check(system("dmesg | grep -q 'nobody cared'") != 0,
	      "intx-restore: and is not left firing unhandled",
	      "%d new lines, 'nobody cared' among them", dmesg_lines() - before);
	err = set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1,
		       NULL);
	check(!err && wait_efd(efd, 2000) == 1,
	      "intx-restore: the unmask finds it asserted and signals", "%s",
	      strerror(err));
	if (pread(fd, &icr, 4, PASSTHRU_REGION_OFFSET(0) + E1000_ICR) != 4)
		icr = 0;
	set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
	bar_write32(fd, E1000_IMS + 8, ~0u);	/* IMC: mask every cause */
	close(fd);
	close(vm);
	close(efd);
	return failures ? 1 : 0;
}

static int cmd_rom(const char *bdf)
{
	uint64_t rom = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_ROM);
	int fd = node_open(bdf), i, eio = 0, before, err;
	uint8_t hdr[2];

	if (fd < 0)
		die("open node");
	if (pread(fd, hdr, 2, rom) != 2) {
		skip_check("rom: reads with decode off", "no readable ROM");
		return 0;
	}
	printf("# %s ROM begins %02x %02x\n", bdf, hdr[0], hdr[1]);
	err = set_command(fd, PCI_COMMAND_MEMORY, 0);
	before = dmesg_lines();
	for (i = 0; i < 200; i++)
		eio += pread(fd, hdr, 2, rom) < 0 && errno == EIO;
	check(!err && eio == 200, "rom: with memory decode off, reads are EIO",
	      "%d of 200", eio);
	check(dmesg_lines() == before,
	      "rom: and reach neither the device nor the kernel log",
	      "%d new lines", dmesg_lines() - before);
	err = set_command(fd, 0, PCI_COMMAND_MEMORY);
	check(!err && pread(fd, hdr, 2, rom) == 2,
	      "rom: decode back on, the ROM reads again", "%s", strerror(errno));
	close(fd);
	return failures ? 1 : 0;
}

/* A page registered with a userfaultfd that nobody serves. */
static void *stuck_page(int *uffd)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *p;

	*uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (*uffd < 0 || ioctl(*uffd, UFFDIO_API, &api))
		return NULL;
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	reg.range.start = (uintptr_t)p;
	reg.range.len = PG;
	if (p == MAP_FAILED || ioctl(*uffd, UFFDIO_REGISTER, &reg))
		return NULL;
	return p;
}

static void serve(int uffd, void *page)
{
	struct uffdio_zeropage z = { .range = { (uintptr_t)page, PG } };

	ioctl(uffd, UFFDIO_ZEROPAGE, &z);
}

struct stuck_call {
	int fd;
	unsigned long cmd;
	void *arg;
	int err;
	int done;
};

static void *stuck_thread(void *arg)
{
	struct stuck_call *c = arg;

	c->err = pt_ioctl(c->fd, c->cmd, c->arg);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static const char *unbind_bdf;
static double unbind_ms;
static int unbind_done;

static void *unbind_thread(void *arg)
{
	double t0 = now_ms();

	(void)arg;
	write_file("/sys/bus/pci/drivers/passthru/unbind", unbind_bdf);
	unbind_ms = now_ms() - t0;
	__atomic_store_n(&unbind_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * How long an unbind of @bdf takes while @call is stuck on @page.  The
 * page is served after the unbind, or after 8 s if the unbind waits for
 * it (the defect), so the test ends either way.
 */
static double unbind_while_stuck(const char *bdf, struct stuck_call *call,
				 int uffd, void *page)
{
	pthread_t t, u;
	int i;

	pthread_create(&t, NULL, stuck_thread, call);
	usleep(300000);
	unbind_bdf = bdf;
	unbind_done = 0;
	pthread_create(&u, NULL, unbind_thread, NULL);
	for (i = 0; i < 80 && !__atomic_load_n(&unbind_done, __ATOMIC_ACQUIRE); i++)
		usleep(100000);
	serve(uffd, page);
	pthread_join(u, NULL);
	pthread_join(t, NULL);
	printf("# the stuck call returned %s; the unbind took %.0f ms\n",
	       strerror(call->err), unbind_ms);
	write_file("/sys/bus/pci/drivers_probe", bdf);
	return unbind_ms;
}

/*
 * One call of the VMM (on the device file, or on the VM file if @on_vm)
 * whose user pointer *@ptr is set to a page that is never served, while
 * the function is unbound: the unbind must not wait for it.
 */
static void stuck_case(const char *bdf, int on_vm, unsigned long cmd,
		       void *arg, __u64 *ptr, const char *name)
{
	struct stuck_call call = { .cmd = cmd, .arg = arg };
	int fd, vm, uffd;
	void *page;
	double ms;

	fd = open_attached(bdf, &vm);
	page = stuck_page(&uffd);
	if (!page)
		die("userfaultfd");
	*ptr = (uintptr_t)page;
	call.fd = on_vm ? vm : fd;
	ms = unbind_while_stuck(bdf, &call, uffd, page);
	check(ms < 5000, name, "%.0f ms", ms);
	close(fd);
	close(vm);
	close(uffd);
}

static int cmd_uffd(const char *bdf)
{
	struct passthru_irq_set set = { .size = sizeof(set),
					.flags = PASSTHRU_IRQ_SET_EVENTFD,
					.index = PASSTHRU_IRQ_MSI, .count = 1 };
	struct passthru_dma_map map = { .size = sizeof(map),
					.flags = PASSTHRU_DMA_READ |
						 PASSTHRU_DMA_WRITE,
					.iova = 1 << 20, .length = PG };
	struct passthru_vm_info vi = { .size = sizeof(vi), .num_ranges = 4 };

	stuck_case(bdf, 0, PASSTHRU_SET_IRQS, &set, &set.data,
		   "uffd: unbind does not wait for a SET_IRQS stuck on its array");
	stuck_case(bdf, 1, PASSTHRU_VM_MAP_DMA, &map, &map.vaddr,
		   "uffd: unbind does not wait for a MAP_DMA pinning a stuck page");
	stuck_case(bdf, 1, PASSTHRU_VM_INFO, &vi, &vi.ranges,
		   "uffd: unbind does not wait for a VM_INFO writing a stuck page");
	check(access("/dev/passthru/vm", F_OK) == 0 &&
	      node_open(bdf) >= 0, "uffd: the function is claimed again", "%s",
	      strerror(errno));
	return failures ? 1 : 0;
}

/* The command register as the host sees it, through sysfs: read, or write @set. */
static int host_command(const char *bdf, int set)
{
	char path[128];
	uint16_t cmd = set;
	int fd, n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (set >= 0)
		n = pwrite(fd, &cmd, 2, PCI_COMMAND);
	else
		n = pread(fd, &cmd, 2, PCI_COMMAND);
	close(fd);
	return n == 2 ? cmd : -1;
}

static int cmd_master(const char *bdf)
{
	int fd, vm, cmd;

	/* Claimed with bus mastering on, as firmware often leaves it. */
	write_file("/sys/bus/pci/drivers/passthru/unbind", bdf);
	cmd = host_command(bdf, -1);
	host_command(bdf, cmd | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
	write_file("/sys/bus/pci/drivers_probe", bdf);
	check(host_command(bdf, -1) & PCI_COMMAND_MASTER,
	      "master: claimed with bus mastering on", "%#x",
	      host_command(bdf, -1));
	fd = open_attached(bdf, &vm);
	close(fd);
	close(vm);
	cmd = host_command(bdf, -1);
	check(cmd >= 0 && !(cmd & PCI_COMMAND_MASTER),
	      "master: off once the VMM let go", "command %#x", cmd);
	return failures ? 1 : 0;
}

static int cmd_errnos(const char *bdf, int vtd)
{
	struct {
		struct passthru_dma_map map;
		uint64_t tail;
	} big = { { .size = sizeof(big), .flags = PASSTHRU_DMA_READ,
		    .iova = 1 << 20, .length = PG }, 1 };
	struct passthru_dma_map map = { .size = sizeof(map),
					.flags = PASSTHRU_DMA_READ,
					.length = PG };
	struct passthru_region_info info;
	void *mem = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int fd, vm, err;
	void *p;

	vm = vm_open();
	big.map.vaddr = (uintptr_t)mem;
	err = pt_ioctl(vm, PASSTHRU_VM_MAP_DMA, &big);
	check(err == E2BIG, "errno: VM_MAP_DMA with non-zero bytes past its struct is E2BIG",
	      "%s", strerror(err));
	if (vtd) {
		/* Below the domain's aperture, above VT-d's 39-bit width. */
		map.vaddr = (uintptr_t)mem;
		map.iova = 1ULL << 45;
		err = pt_ioctl(vm, PASSTHRU_VM_MAP_DMA, &map);
		fd = node_open(bdf);
		err = err ?: attach(fd, vm);
		check(err == EADDRINUSE,
		      "errno: attach over a mapping beyond VT-d's address width is EADDRINUSE",
		      "%s", strerror(err));
		close(fd);
	}
	close(vm);

	/* Removed while open: every call is ENODEV. */
	fd = node_open(bdf);
	write_file("/sys/bus/pci/drivers/passthru/unbind", bdf);
	err = region_info(fd, 0, &info, NULL, 0);
	check(err == ENODEV, "errno: REGION_INFO after removal is ENODEV", "%s",
	      strerror(err));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PASSTHRU_REGION_OFFSET(0));
	check(p == MAP_FAILED && errno == ENODEV,
	      "errno: mmap after removal is ENODEV", "%s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	close(fd);
	write_file("/sys/bus/pci/drivers_probe", bdf);
	munmap(mem, PG);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *bdf = argc > 2 ? argv[2] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "mmap"))
		return cmd_mmap(bdf);
	if (!strcmp(cmd, "intx"))
		return cmd_intx(bdf);
	if (!strcmp(cmd, "pin-user"))
		return cmd_pin_user();
	if (!strcmp(cmd, "msix-decode"))
		return cmd_msix_decode(bdf);
	if (!strcmp(cmd, "rom"))
		return cmd_rom(bdf);
	if (!strcmp(cmd, "intx-restore"))
		return cmd_intx_restore(bdf);
	if (!strcmp(cmd, "uffd"))
		return cmd_uffd(bdf);
	if (!strcmp(cmd, "master"))
		return cmd_master(bdf);
	if (!strcmp(cmd, "errnos"))
		return cmd_errnos(bdf, argc > 3 && !strcmp(argv[3], "vtd"));
	fprintf(stderr, "usage: pt_isol COMMAND [BDF]; see the top of pt_isol.c\n");
	return 2;
}
