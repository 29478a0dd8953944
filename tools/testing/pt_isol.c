// SPDX-License-Identifier: GPL-2.0
/*
 * pt_isol: what a hostile VMM, or a local user, must not be able to do,
 * on the kselftest harness (TAP out; exit status 0 when all passed, 4
 * when all skipped).  Each group is the regression test of a defect found
 * in review (see Documentation/threat-model.md); one group per call:
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
 *                           struct, ENODEV after removal, and for a
 *                           mapping beyond VT-d's address width ERANGE at
 *                           map time (6.13 and later) or EADDRINUSE at
 *                           attach (before) (with vtd; skipped without)
 *   pt_isol access BDF GID  with udev's 70-passthru.rules applied: the VM
 *                           node and BDF's node are group GID, mode 0660;
 *                           a user in that group opens both and attaches,
 *                           a user outside it gets EACCES from both
 *
 * Each group is a FIXTURE ('-' as '_'); its tests run one per process, and
 * each leaves the function, the VM node and passthru's parameters as it
 * found them.
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
#include <grp.h>

#include "pt_nvme.h"
#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "mmap|intx|msix-decode|rom|intx-restore|uffd|master BDF | pin-user | errnos BDF [vtd] | access BDF GID"

#define PG 4096UL
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
/* PMCSR's power state field: D0, D3hot. */
#define PM_D0 0
#define PM_D3HOT PCI_PM_CTRL_STATE_MASK

#define VM_NODE "/dev/passthru/vm"
#define UNBIND "/sys/bus/pci/drivers/passthru/unbind"
#define PROBE "/sys/bus/pci/drivers_probe"
#define MAX_VMS "/sys/module/passthru/parameters/max_vms_per_user"

/* Close *@fd if it is open, and mark it closed. */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Does passthru hold @bdf (its node exists)? */
static int claimed(const char *bdf)
{
	char node[PATH_MAX];

	snprintf(node, sizeof(node), "/dev/passthru/%s", bdf);
	return access(node, F_OK) == 0;
}

/*
 * Give @bdf back to passthru if a test left it unbound (every fixture
 * that unbinds made sure at setup that passthru held it).
 */
static void reclaim(const char *bdf)
{
	if (bdf && !claimed(bdf))
		write_file(PROBE, bdf);
}

static int attach(int fd, int vm)
{
	struct passthru_device_attach a = { .size = sizeof(a), .vm_fd = vm };

	return pt_ioctl(fd, PASSTHRU_DEVICE_ATTACH, &a);
}

/* Clear, then set, bits of the command register the VMM sees: 0 or an errno. */
static int set_command(int fd, uint16_t clear, uint16_t set)
{
	uint16_t cmd;

	if (pread(fd, &cmd, 2, CFG + PCI_COMMAND) != 2)
		return errno ?: EIO;
	cmd = (cmd & ~clear) | set;
	return pwrite(fd, &cmd, 2, CFG + PCI_COMMAND) == 2 ? 0 : errno ?: EIO;
}

/*
 * The node of @bdf in *@fd, attached to a new VM in *@vm, bus mastering
 * and memory decode on: 0 or an errno.  Each of them is -1 or open.
 */
static int open_attached(const char *bdf, int *fd, int *vm)
{
	int err;

	*vm = -1;
	*fd = node_open(bdf);
	if (*fd < 0)
		return errno;
	*vm = open(VM_NODE, O_RDWR);
	if (*vm < 0)
		return errno;
	err = attach(*fd, *vm);
	return err ?: set_command(*fd, 0, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
}

/* A non-blocking eventfd, or -1. */
static int32_t efd_open(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* The arguments' BDF, which every group but pin-user needs. */
#define BDF_ARG() ({							\
	const char *__bdf = pt_arg(0, NULL);				\
	ASSERT_NE(NULL, __bdf) TH_LOG("usage: pt_isol %s", USAGE);	\
	__bdf; })

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

/* What a grid of mmap() calls found: how many, how many wrong, the first. */
struct grid {
	unsigned int tried, wrong, accepted;
	char first[160];
};

/*
 * Every mmap() of the grid on region @r of @bdf's node @fd, whose
 * REGION_INFO is @info with @areas; @dmar: where the IOMMU's registers
 * are, or 0.
 */
static void grid_region(int fd, const char *bdf, unsigned int r,
			const struct passthru_region_info *info,
			const struct passthru_region_area *areas,
			uint64_t dmar, struct grid *g)
{
	uint64_t pos[64], len[32], off;
	unsigned int i, j, np = 0, nl = 0;
	int want, got;
	void *p;

	/* Around the start, the end and each area's edges. */
	pos[np++] = 0;
	pos[np++] = PG;
	pos[np++] = info->region_size & ~(PG - 1);
	pos[np++] = (info->region_size - PG) & ~(PG - 1);
	pos[np++] = info->region_size + PG;
	pos[np++] = PASSTHRU_REGION_OFFSET(1) - PG;
	pos[np++] = UINT64_MAX & ~(PG - 1);
	pos[np++] = 1ULL << 63;
	for (i = 0; i < info->num_areas; i++) {
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
	len[nl++] = info->region_size & ~(PG - 1);
	len[nl++] = (info->region_size + PG) & ~(PG - 1);
	len[nl++] = 1ULL << 30;
	len[nl++] = 1ULL << 40;
	for (i = 0; i < info->num_areas; i++)
		len[nl++] = areas[i].size;
	for (i = 0; i < np; i++) {
		for (j = 0; j < nl; j++) {
			want = in_areas(areas, info->num_areas, pos[i], len[j]);
			off = PASSTHRU_REGION_OFFSET(r) + pos[i];
			/* Offsets that leave the region's window. */
			if (pos[i] >= PASSTHRU_REGION_OFFSET(1))
				off = pos[i];
			p = mmap(NULL, len[j], PROT_READ, MAP_SHARED, fd, off);
			got = p != MAP_FAILED;
			g->tried++;
			if (got != want && !g->wrong++)
				snprintf(g->first, sizeof(g->first),
					 "region %u pos %#llx len %#llx: %s", r,
					 (unsigned long long)pos[i],
					 (unsigned long long)len[j],
					 got ? "ACCEPTED" : "refused");
			if (got) {
				g->accepted++;
				munmap(p, len[j]);
			}
		}
	}
}

/* The node, open, for mmap() calls only. */
FIXTURE(mmap) {
	const char *bdf;
	int fd;
};

FIXTURE_SETUP(mmap)
{
	self->fd = -1;
	self->bdf = BDF_ARG();
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
}

FIXTURE_TEARDOWN(mmap)
{
	close_fd(&self->fd);
}

/* REGION_INFO answering for every region is part of it. */
TEST_F(mmap, accepted_exactly_when_inside_one_of_region_infos_areas)
{
	struct passthru_region_area areas[8];
	struct passthru_region_info info;
	uint64_t dmar = iomem_start("dmar0");
	struct grid g = { 0 };
	unsigned int r;
	int err;

	for (r = 0; r < PASSTHRU_REGION_CONFIG + 1; r++) {
		err = region_info(self->fd, r, &info, areas, ARRAY_SIZE(areas));
		EXPECT_TRUE(!err && info.num_areas <= ARRAY_SIZE(areas))
			TH_LOG("REGION_INFO answers: region %u: %s, %u areas", r,
			       strerror(err), info.num_areas);
		if (err || info.num_areas > ARRAY_SIZE(areas))
			continue;
		grid_region(self->fd, self->bdf, r, &info, areas, dmar, &g);
	}
	TH_LOG("%s: %u mmaps tried, %u accepted", self->bdf, g.tried,
	       g.accepted);
	EXPECT_EQ(0U, g.wrong) TH_LOG("%u of %u wrong, first %s", g.wrong,
				      g.tried, g.first);
	EXPECT_NE(0U, g.accepted) TH_LOG("no mmap() was accepted");
}

TEST_F(mmap, iommu_registers_beyond_bar0_are_einval)
{
	uint64_t dmar = iomem_start("dmar0"), off;
	uint32_t ver = 0;
	void *p;
	int err;

	if (!dmar)
		SKIP(return, "no dmar0 in /proc/iomem (no VT-d)");
	off = (dmar - bar_start(self->bdf, 0)) & ~(PG - 1);
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd,
		 PASSTHRU_REGION_OFFSET(0) + off);
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED) {
		ver = __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
		munmap(p, PG);
	}
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("accepted; VER_REG reads %#x", ver);
	EXPECT_EQ(EINVAL, err) TH_LOG("%s", strerror(err));
}

static void edu_write(uint8_t *bar0, unsigned int reg, uint32_t v)
{
	__atomic_store_n((uint32_t *)(bar0 + reg), v, __ATOMIC_RELAXED);
}

/* edu attached to a VM, BAR0 mapped; an eventfd and an unmask eventfd. */
FIXTURE(intx) {
	int fd, vm;
	int32_t efd, ufd;
	uint8_t *bar0;
};

FIXTURE_SETUP(intx)
{
	const char *bdf;
	int err;

	self->fd = -1;
	self->vm = -1;
	self->efd = -1;
	self->ufd = -1;
	self->bar0 = MAP_FAILED;
	bdf = BDF_ARG();
	self->efd = efd_open();
	self->ufd = efd_open();
	ASSERT_TRUE(self->efd >= 0 && self->ufd >= 0)
		TH_LOG("eventfd: %s", strerror(errno));
	err = open_attached(bdf, &self->fd, &self->vm);
	ASSERT_EQ(0, err) TH_LOG("open %s, attach it to a new VM: %s", bdf,
				 strerror(err));
	self->bar0 = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED,
			  self->fd, PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, self->bar0) TH_LOG("mmap BAR0: %s",
						 strerror(errno));
}

FIXTURE_TEARDOWN(intx)
{
	if (self->bar0 != MAP_FAILED) {
		/* Not left raised, whatever the test got to. */
		edu_write(self->bar0, EDU_ACK, 1);
		munmap(self->bar0, PG);
	}
	close_fd(&self->fd);
	close_fd(&self->vm);
	close_fd(&self->efd);
	close_fd(&self->ufd);
}

/*
 * One sequence: INTx masked and asserted, its eventfd removed, then
 * unmasked (through the unmask eventfd, and SET_IRQS) with no eventfd:
 * the teardown that crashed on a NULL eventfd.
 */
TEST_F(intx, torn_down_masked_and_asserted_it_signals_nothing_and_works_once_rearmed)
{
	int32_t none = -1;
	uint64_t one = 1;
	int err;

	err = set_fds(self->fd, PASSTHRU_IRQ_INTX, 0, 1, &self->efd);
	err = err ?: set_irqs(self->fd, PASSTHRU_IRQ_SET_MASK,
			      PASSTHRU_IRQ_INTX, 0, 1, NULL);
	/* Raised and never acknowledged: INTx stays asserted. */
	edu_write(self->bar0, EDU_RAISE, 1);
	usleep(100000);
	err = err ?: set_fds(self->fd, PASSTHRU_IRQ_INTX, 0, 1, &none);
	err = err ?: set_irqs(self->fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
			      PASSTHRU_IRQ_INTX, 0, 1, &self->ufd);
	ASSERT_EQ(0, err)
		TH_LOG("masked, asserted, eventfd removed, unmask eventfd set: %s",
		       strerror(err));
	ASSERT_EQ((ssize_t)sizeof(one), write(self->ufd, &one, sizeof(one)))
		TH_LOG("write the unmask eventfd: %s", strerror(errno));
	err = set_irqs(self->fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX,
		       0, 1, NULL);
	usleep(300000);
	EXPECT_EQ(0, err) TH_LOG("unmasking a line without eventfd: %s",
				 strerror(err));
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 0))
		TH_LOG("unmasking a line without eventfd signals nothing");

	/* Re-armed, INTx works: the line was left consistent. */
	edu_write(self->bar0, EDU_ACK, 1);
	err = set_fds(self->fd, PASSTHRU_IRQ_INTX, 0, 1, &self->efd);
	edu_write(self->bar0, EDU_RAISE, 1);
	EXPECT_EQ(0, err) TH_LOG("a new eventfd: %s", strerror(err));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("a new eventfd gets the next raise");
	edu_write(self->bar0, EDU_ACK, 1);
	munmap(self->bar0, PG);
	self->bar0 = MAP_FAILED;
	close_fd(&self->fd);
	close_fd(&self->vm);
	close_fd(&self->efd);
	close_fd(&self->ufd);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("nothing left requested: %d",
		       proc_interrupts("passthru-"));
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
	vm = open(VM_NODE, O_RDWR);
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

/*
 * Run one pin_child() (from the test's own process, which the harness
 * forked); its results in @res (-1: none came), the VM it sent (or -1).
 */
static int pin_run(struct __test_metadata *_metadata, size_t limit,
		   size_t bytes, int res[2])
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { res, 2 * sizeof(int) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int sv[2], vm = -1, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		TH_LOG("socketpair: %s", strerror(errno));
	pid = fork();
	if (!pid) {
		close(sv[0]);
		pin_child(sv[1], limit, bytes);
	}
	close(sv[1]);
	if (pid < 0)
		close(sv[0]);
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
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

#define PIN_VMS 40
#define PIN_LIMIT ((size_t)8 << 20)

/*
 * The VM node's mode and max_vms_per_user as setup found them (the
 * teardown puts them back), and the VMs a test got from its children.
 */
FIXTURE(pin_user) {
	mode_t mode;
	char max_vms[32];
	int vms[PIN_VMS];
};

FIXTURE_SETUP(pin_user)
{
	struct stat st;
	ssize_t n;
	int i, fd;

	for (i = 0; i < PIN_VMS; i++)
		self->vms[i] = -1;
	ASSERT_EQ(0, stat(VM_NODE, &st)) TH_LOG("%s: %s", VM_NODE,
						strerror(errno));
	self->mode = st.st_mode & 07777;
	fd = open(MAX_VMS, O_RDONLY);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", MAX_VMS, strerror(errno));
	n = read(fd, self->max_vms, sizeof(self->max_vms) - 1);
	close(fd);
	ASSERT_LT(0, n) TH_LOG("read %s", MAX_VMS);
	self->max_vms[n] = '\0';
}

static void close_vms(int *vms)
{
	int i;

	for (i = 0; i < PIN_VMS; i++)
		close_fd(&vms[i]);
}

FIXTURE_TEARDOWN(pin_user)
{
	close_vms(self->vms);
	chmod(VM_NODE, self->mode);
	write_file(MAX_VMS, self->max_vms);
}

TEST_F(pin_user, the_vm_node_is_roots_with_mode_0600)
{
	struct stat st = { 0 };
	int err = stat(VM_NODE, &st) ? errno : 0;

	ASSERT_EQ(0, err) TH_LOG("%s: %s", VM_NODE, strerror(err));
	EXPECT_EQ(0600U, st.st_mode & 0777) TH_LOG("mode %o", st.st_mode & 0777);
	EXPECT_EQ((uid_t)0, st.st_uid);
}

/*
 * One sequence: 40 VMs of one user, each created and given 8 MiB to map
 * by its own process, then closed; the charge is the user's, not the VM's
 * or the process's.
 */
TEST_F_TIMEOUT(pin_user, one_users_pins_across_40_vms_stay_within_its_rlimit_memlock, 300)
{
	int res[2], i, vm, mapped = 0, enomem = 0;
	long before, now;

	ASSERT_EQ(0, pt_pin_count(&before));
	/* The administrator grants the node, as a udev rule would. */
	ASSERT_EQ(0, chmod(VM_NODE, 0666)) TH_LOG("chmod %s: %s", VM_NODE,
						  strerror(errno));
	for (i = 0; i < PIN_VMS; i++) {
		self->vms[i] = pin_run(_metadata, PIN_LIMIT, PIN_LIMIT, res);
		mapped += self->vms[i] >= 0 && !res[1];
		enomem += self->vms[i] >= 0 && res[1] == ENOMEM;
	}
	ASSERT_EQ(0, pt_pin_count(&now));
	TH_LOG("%d VMs of uid 65534: %d mapped 8 MiB, %d ENOMEM, %ld pages pinned",
	       PIN_VMS, mapped, enomem, now - before);
	EXPECT_EQ(1, mapped);
	EXPECT_EQ(PIN_VMS - 1, enomem);
	EXPECT_GE((long)(PIN_LIMIT / PG), now - before)
		TH_LOG("%ld pages pinned", now - before);
	close_vms(self->vms);
	ASSERT_EQ(0, pt_pin_count(&now));
	EXPECT_EQ(before, now)
		TH_LOG("closing the VMs unpins everything: %ld pages left",
		       now - before);
	vm = pin_run(_metadata, PIN_LIMIT, PIN_LIMIT, res);
	if (vm >= 0)
		close(vm);
	EXPECT_LE(0, vm) TH_LOG("the user's charge went back with the VMs: open %s",
				strerror(res[0]));
	EXPECT_EQ(0, res[1]) TH_LOG("the user's charge went back with the VMs: map %s",
				    strerror(res[1]));
	ASSERT_EQ(0, pt_pin_count(&now));
	EXPECT_EQ(before, now) TH_LOG("no pin left: %ld pages", now - before);
}

TEST_F_TIMEOUT(pin_user, max_vms_per_user_4_refuses_the_fifth_vm_with_emfile_until_they_close, 120)
{
	int res[2], i, vm, emfile = 0;
	long before, now;

	ASSERT_EQ(0, pt_pin_count(&before));
	ASSERT_EQ(0, chmod(VM_NODE, 0666)) TH_LOG("chmod %s: %s", VM_NODE,
						  strerror(errno));
	ASSERT_EQ(0, write_file(MAX_VMS, "4"));
	for (i = 0; i < 5; i++) {
		self->vms[i] = pin_run(_metadata, PIN_LIMIT, PG, res);
		emfile += res[0] == EMFILE;
	}
	EXPECT_EQ(1, emfile) TH_LOG("%d refused", emfile);
	EXPECT_GT(0, self->vms[4]) TH_LOG("the fifth VM was not refused");
	close_vms(self->vms);
	vm = pin_run(_metadata, PIN_LIMIT, PG, res);
	if (vm >= 0)
		close(vm);
	EXPECT_LE(0, vm) TH_LOG("closing them gives the user its quota back: %s",
				strerror(res[0]));
	ASSERT_EQ(0, pt_pin_count(&now));
	EXPECT_EQ(before, now) TH_LOG("no pin left: %ld pages", now - before);
}

#define NVME_IOVA 0x100000
#define NVME_EFDS 4

/*
 * nvme attached to a VM and enabled, MSI-X vector 0 set while the VMM had
 * memory decode off (QEMU's nvme signals only the vectors that were
 * enabled when its queues were created).
 */
FIXTURE(msix_decode) {
	struct pt_nvme n;
	int open;
	int32_t efd[NVME_EFDS];
	unsigned int pm;
	int decode_off, d3hot;
};

/* Close the controller (if *@open) and the eventfds, once. */
static void msix_close(struct pt_nvme *n, int *open, int32_t *efd)
{
	unsigned int i;

	if (*open)
		nvme_close(n);
	*open = 0;
	for (i = 0; i < NVME_EFDS; i++)
		close_fd(&efd[i]);
}

FIXTURE_SETUP(msix_decode)
{
	const char *bdf;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(self->efd); i++)
		self->efd[i] = -1;
	bdf = BDF_ARG();
	for (i = 0; i < ARRAY_SIZE(self->efd); i++) {
		self->efd[i] = efd_open();
		ASSERT_LE(0, self->efd[i]) TH_LOG("eventfd: %s", strerror(errno));
	}
	err = nvme_open(&self->n, bdf, NVME_IOVA);
	ASSERT_EQ(0, err) TH_LOG("nvme: open, attach, map: %s", strerror(err));
	self->open = 1;
	err = set_command(self->n.dev, PCI_COMMAND_MEMORY, 0);
	err = err ?: set_fds(self->n.dev, PASSTHRU_IRQ_MSIX, 0, 1, self->efd);
	err = err ?: set_command(self->n.dev, 0, PCI_COMMAND_MEMORY);
	err = err ?: nvme_enable(&self->n);
	ASSERT_EQ(0, err)
		TH_LOG("MSI-X vector 0 set with decode off, controller enabled: %s",
		       strerror(err));
}

FIXTURE_TEARDOWN(msix_decode)
{
	uint16_t pmcsr = PM_D0;

	/* Back in D0 with decode on, so that nvme_close() reaches BAR0. */
	if (self->open && self->d3hot) {
		pwrite(self->n.dev, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL);
		usleep(20000);
	}
	if (self->open && self->decode_off)
		set_command(self->n.dev, 0, PCI_COMMAND_MEMORY);
	msix_close(&self->n, &self->open, self->efd);
}

TEST_F_TIMEOUT(msix_decode, vectors_enabled_with_decode_off_still_deliver, 60)
{
	struct nvme_cqe cqe;

	nvme_identify(&self->n, 1);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd[0], 2000));
	nvme_reap(&self->n, &cqe);
}

TEST_F_TIMEOUT(msix_decode, one_host_vector_per_vector_used_grown_in_place_freed_at_close, 60)
{
	struct nvme_cqe cqe;
	int err;

	EXPECT_EQ(1, proc_interrupts("passthru-msix"))
		TH_LOG("one vector used, one host vector taken: %d",
		       proc_interrupts("passthru-msix"));
	err = set_fds(self->n.dev, PASSTHRU_IRQ_MSIX, 3, 1, self->efd + 3);
	nvme_identify(&self->n, 1);
	EXPECT_EQ(0, err) TH_LOG("vector 3: %s", strerror(err));
	EXPECT_EQ(4, proc_interrupts("passthru-msix"))
		TH_LOG("a vector beyond them grows the block: %d vectors",
		       proc_interrupts("passthru-msix"));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd[0], 2000))
		TH_LOG("vector 0 keeps its eventfd");
	nvme_reap(&self->n, &cqe);
	msix_close(&self->n, &self->open, self->efd);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("vectors torn down: %d", proc_interrupts("passthru-"));
}

/*
 * The restore from D3hot needs the MSI-X table, with decode off.  The
 * block is grown first (vectors 0 and 3 set): more than one entry to put
 * back.
 */
TEST_F_TIMEOUT(msix_decode, d3hot_and_back_with_decode_off_refuses_set_irqs_and_still_delivers, 60)
{
	uint16_t pmcsr = PM_D3HOT;
	struct nvme_cqe cqe;
	int err;

	self->pm = pt_find_cap(self->n.dev, PCI_CAP_ID_PM);
	if (!self->pm)
		SKIP(return, "no PM capability");
	err = set_fds(self->n.dev, PASSTHRU_IRQ_MSIX, 3, 1, self->efd + 3);
	ASSERT_EQ(0, err) TH_LOG("vector 3: %s", strerror(err));
	self->decode_off = 1;
	err = set_command(self->n.dev, PCI_COMMAND_MEMORY, 0);
	ASSERT_EQ(0, err) TH_LOG("memory decode off: %s", strerror(err));
	self->d3hot = 1;
	ASSERT_EQ(2, pwrite(self->n.dev, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL))
		TH_LOG("D3hot: %s", strerror(errno));
	err = set_fds(self->n.dev, PASSTHRU_IRQ_MSIX, 1, 1, self->efd + 1);
	EXPECT_EQ(EIO, err) TH_LOG("SET_IRQS on MSI-X in D3hot: %s",
				   strerror(err));
	pmcsr = PM_D0;
	ASSERT_EQ(2, pwrite(self->n.dev, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL))
		TH_LOG("D0: %s", strerror(errno));
	self->d3hot = 0;
	usleep(20000);
	err = set_command(self->n.dev, 0, PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, err) TH_LOG("memory decode on: %s", strerror(err));
	self->decode_off = 0;
	nvme_identify(&self->n, 1);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd[0], 2000))
		TH_LOG("after D3hot and back with decode off, vector 0 delivers");
	nvme_reap(&self->n, &cqe);
	msix_close(&self->n, &self->open, self->efd);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("vectors torn down: %d", proc_interrupts("passthru-"));
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

/* The node, open. */
FIXTURE(rom) {
	const char *bdf;
	int fd;
	int decode_off;
};

FIXTURE_SETUP(rom)
{
	self->fd = -1;
	self->bdf = BDF_ARG();
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
}

FIXTURE_TEARDOWN(rom)
{
	if (self->fd >= 0 && self->decode_off)
		set_command(self->fd, 0, PCI_COMMAND_MEMORY);
	close_fd(&self->fd);
}

/* One sequence: decode off, 200 reads, decode back on. */
TEST_F(rom, reads_with_decode_off_are_eio_and_log_nothing_and_work_again_with_decode_on)
{
	uint64_t rom = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_ROM);
	int i, eio = 0, before, err;
	uint8_t hdr[2];

	if (pread(self->fd, hdr, 2, rom) != 2)
		SKIP(return, "no readable ROM");
	TH_LOG("%s ROM begins %02x %02x", self->bdf, hdr[0], hdr[1]);
	self->decode_off = 1;
	err = set_command(self->fd, PCI_COMMAND_MEMORY, 0);
	ASSERT_EQ(0, err) TH_LOG("memory decode off: %s", strerror(err));
	before = dmesg_lines();
	ASSERT_LE(0, before) TH_LOG("dmesg | wc -l");
	for (i = 0; i < 200; i++)
		eio += pread(self->fd, hdr, 2, rom) < 0 && errno == EIO;
	EXPECT_EQ(200, eio) TH_LOG("with memory decode off, reads are EIO: %d of 200",
				   eio);
	EXPECT_EQ(before, dmesg_lines())
		TH_LOG("and reach neither the device nor the kernel log: %d new lines",
		       dmesg_lines() - before);
	err = set_command(self->fd, 0, PCI_COMMAND_MEMORY);
	EXPECT_EQ(0, err) TH_LOG("memory decode on: %s", strerror(err));
	if (!err)
		self->decode_off = 0;
	EXPECT_EQ(2, pread(self->fd, hdr, 2, rom))
		TH_LOG("decode back on, the ROM reads again: %s", strerror(errno));
}

/* e1000e's interrupt registers (Intel 82574 datasheet). */
#define E1000_ICR 0xc0
#define E1000_ICS 0xc8
#define E1000_IMS 0xd0
#define E1000_IMC 0xd8

static int bar_write32(int fd, unsigned int off, uint32_t v)
{
	return pwrite(fd, &v, 4, PASSTHRU_REGION_OFFSET(0) + off) == 4 ? 0 :
	       errno;
}

/* e1000e attached to a VM, and an eventfd for its INTx. */
FIXTURE(intx_restore) {
	int fd, vm;
	int32_t efd;
	unsigned int pm;
	int armed, d3hot;
};

FIXTURE_SETUP(intx_restore)
{
	const char *bdf;
	int err;

	self->fd = -1;
	self->vm = -1;
	self->efd = -1;
	bdf = BDF_ARG();
	self->efd = efd_open();
	ASSERT_LE(0, self->efd) TH_LOG("eventfd: %s", strerror(errno));
	err = open_attached(bdf, &self->fd, &self->vm);
	ASSERT_EQ(0, err) TH_LOG("open %s, attach it to a new VM: %s", bdf,
				 strerror(err));
}

FIXTURE_TEARDOWN(intx_restore)
{
	uint16_t pmcsr = PM_D0;
	uint32_t icr;

	if (self->fd >= 0 && self->armed) {
		if (self->d3hot) {
			pwrite(self->fd, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL);
			usleep(20000);
		}
		/* No cause left pending or enabled, the line unmasked. */
		pread(self->fd, &icr, 4, PASSTHRU_REGION_OFFSET(0) + E1000_ICR);
		set_irqs(self->fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX,
			 0, 1, NULL);
		bar_write32(self->fd, E1000_IMC, ~0u);
	}
	close_fd(&self->fd);
	close_fd(&self->vm);
	close_fd(&self->efd);
}

/*
 * One sequence: a config restore (D3hot to D0 here) must not undo INTx's
 * mask at the function: masked in D3hot, then back in D0 and asserting,
 * the line must neither signal nor be left firing unhandled ("nobody
 * cared").
 */
TEST_F(intx_restore, intx_masked_in_d3hot_stays_masked_at_the_function_after_the_restore)
{
	uint16_t pmcsr = PM_D3HOT;
	int err, before;

	self->pm = pt_find_cap(self->fd, PCI_CAP_ID_PM);
	if (!self->pm)
		SKIP(return, "no PM capability");
	self->armed = 1;
	err = set_fds(self->fd, PASSTHRU_IRQ_INTX, 0, 1, &self->efd);
	err = err ?: bar_write32(self->fd, E1000_IMS, 1);
	self->d3hot = 1;
	if (!err && pwrite(self->fd, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL) != 2)
		err = errno;
	err = err ?: set_irqs(self->fd, PASSTHRU_IRQ_SET_MASK,
			      PASSTHRU_IRQ_INTX, 0, 1, NULL);
	pmcsr = PM_D0;
	if (!err && pwrite(self->fd, &pmcsr, 2, CFG + self->pm + PCI_PM_CTRL) != 2)
		err = errno;
	usleep(20000);
	err = err ?: bar_write32(self->fd, E1000_IMS, 1);
	ASSERT_EQ(0, err) TH_LOG("INTx armed, masked in D3hot, back in D0: %s",
				 strerror(err));
	self->d3hot = 0;
	before = dmesg_lines();
	err = bar_write32(self->fd, E1000_ICS, 1);
	usleep(500000);
	EXPECT_EQ(0, err) TH_LOG("assert INTx (ICS): %s", strerror(err));
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 0))
		TH_LOG("while masked, the asserted line signals nothing");
	EXPECT_NE(0, system("dmesg | grep -q 'nobody cared'"))
		TH_LOG("and is not left firing unhandled: %d new lines, 'nobody cared' among them",
		       dmesg_lines() - before);
	err = set_irqs(self->fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX,
		       0, 1, NULL);
	EXPECT_EQ(0, err) TH_LOG("unmask: %s", strerror(err));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("the unmask finds it asserted and signals");
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
	if (p == MAP_FAILED)
		return NULL;
	reg.range.start = (uintptr_t)p;
	reg.range.len = PG;
	if (ioctl(*uffd, UFFDIO_REGISTER, &reg)) {
		munmap(p, PG);
		return NULL;
	}
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
};

static void *stuck_thread(void *arg)
{
	struct stuck_call *c = arg;

	c->err = pt_ioctl(c->fd, c->cmd, c->arg);
	return NULL;
}

static const char *unbind_bdf;
static double unbind_ms;
static int unbind_done;

static void *unbind_thread(void *arg)
{
	double t0 = now_ms();

	(void)arg;
	write_file(UNBIND, unbind_bdf);
	unbind_ms = now_ms() - t0;
	__atomic_store_n(&unbind_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * How long an unbind of @bdf takes (in *@ms) while @call is stuck on
 * @page: 0 or an errno.  The page is served after the unbind, or after
 * 8 s if the unbind waits for it (the defect), so the test ends either
 * way; then @bdf is probed again.
 */
static int unbind_while_stuck(const char *bdf, struct stuck_call *call,
			      int uffd, void *page, double *ms)
{
	pthread_t t, u;
	int i, err;

	err = pthread_create(&t, NULL, stuck_thread, call);
	if (err)
		return err;
	usleep(300000);
	unbind_bdf = bdf;
	unbind_done = 0;
	err = pthread_create(&u, NULL, unbind_thread, NULL);
	for (i = 0; !err && i < 80 &&
	     !__atomic_load_n(&unbind_done, __ATOMIC_ACQUIRE); i++)
		usleep(100000);
	serve(uffd, page);
	if (!err)
		pthread_join(u, NULL);
	pthread_join(t, NULL);
	*ms = unbind_ms;
	write_file(PROBE, bdf);
	return err;
}

/* The node attached to a new VM, and a page no one will ever fault in. */
struct stuck_vmm {
	const char *bdf;
	int fd, vm, uffd;
	void *page;
};

FIXTURE(uffd) {
	struct stuck_vmm v;
};

FIXTURE_SETUP(uffd)
{
	struct stuck_vmm *v = &self->v;
	int err;

	v->fd = -1;
	v->vm = -1;
	v->uffd = -1;
	v->page = NULL;
	v->bdf = BDF_ARG();
	err = open_attached(v->bdf, &v->fd, &v->vm);
	ASSERT_EQ(0, err) TH_LOG("open %s, attach it to a new VM: %s", v->bdf,
				 strerror(err));
	v->page = stuck_page(&v->uffd);
	ASSERT_NE(NULL, v->page) TH_LOG("userfaultfd: %s", strerror(errno));
}

FIXTURE_TEARDOWN(uffd)
{
	struct stuck_vmm *v = &self->v;

	close_fd(&v->fd);
	close_fd(&v->vm);
	if (v->page)
		munmap(v->page, PG);
	close_fd(&v->uffd);
	reclaim(v->bdf);
}

/*
 * One call of the VMM (on the device file, or on the VM file if @on_vm)
 * whose user pointer *@ptr is set to the page that is never served, while
 * the function is unbound: the unbind must not wait for it, and passthru
 * claims the function again afterwards.
 */
static void stuck_case(struct __test_metadata *_metadata,
		       struct stuck_vmm *v, int on_vm, unsigned long cmd,
		       void *arg, __u64 *ptr)
{
	struct stuck_call call = {
		.fd = on_vm ? v->vm : v->fd, .cmd = cmd, .arg = arg,
	};
	double ms = 0;
	int err, fd;

	*ptr = (uintptr_t)v->page;
	err = unbind_while_stuck(v->bdf, &call, v->uffd, v->page, &ms);
	ASSERT_EQ(0, err) TH_LOG("pthread_create: %s", strerror(err));
	TH_LOG("the stuck call returned %s; the unbind took %.0f ms",
	       strerror(call.err), ms);
	EXPECT_GT(5000.0, ms) TH_LOG("the unbind took %.0f ms", ms);
	close_fd(&v->fd);
	close_fd(&v->vm);
	EXPECT_EQ(0, access(VM_NODE, F_OK))
		TH_LOG("the function is claimed again: %s: %s", VM_NODE,
		       strerror(errno));
	fd = node_open(v->bdf);
	EXPECT_LE(0, fd) TH_LOG("the function is claimed again: open its node: %s",
				strerror(errno));
	if (fd >= 0)
		close(fd);
}

TEST_F_TIMEOUT(uffd, unbind_does_not_wait_for_a_set_irqs_stuck_on_its_array, 60)
{
	struct passthru_irq_set set = { .size = sizeof(set),
					.flags = PASSTHRU_IRQ_SET_EVENTFD,
					.index = PASSTHRU_IRQ_MSI, .count = 1 };

	stuck_case(_metadata, &self->v, 0, PASSTHRU_SET_IRQS, &set, &set.data);
}

TEST_F_TIMEOUT(uffd, unbind_does_not_wait_for_a_map_dma_pinning_a_stuck_page, 60)
{
	struct passthru_dma_map map = { .size = sizeof(map),
					.flags = PASSTHRU_DMA_READ |
						 PASSTHRU_DMA_WRITE,
					.iova = 1 << 20, .length = PG };

	stuck_case(_metadata, &self->v, 1, PASSTHRU_VM_MAP_DMA, &map, &map.vaddr);
}

TEST_F_TIMEOUT(uffd, unbind_does_not_wait_for_a_vm_info_writing_a_stuck_page, 60)
{
	struct passthru_vm_info vi = { .size = sizeof(vi), .num_ranges = 4 };

	stuck_case(_metadata, &self->v, 1, PASSTHRU_VM_INFO, &vi, &vi.ranges);
}

/* The command register as the host sees it, through sysfs: read, or write @set. */
static int host_command(const char *bdf, int set)
{
	char path[128];
	uint16_t cmd = set;
	int fd, n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (set >= 0)
		n = pwrite(fd, &cmd, 2, PCI_COMMAND);
	else
		n = pread(fd, &cmd, 2, PCI_COMMAND);
	close(fd);
	return n == 2 ? cmd : -1;
}

FIXTURE(master) {
	const char *bdf;
	int fd, vm;
};

FIXTURE_SETUP(master)
{
	self->fd = -1;
	self->vm = -1;
	self->bdf = BDF_ARG();
	ASSERT_TRUE(claimed(self->bdf)) TH_LOG("passthru does not hold %s",
					       self->bdf);
}

FIXTURE_TEARDOWN(master)
{
	close_fd(&self->fd);
	close_fd(&self->vm);
	reclaim(self->bdf);
}

/* One sequence: claimed with bus mastering on, opened, attached, closed. */
TEST_F_TIMEOUT(master, bus_mastering_is_off_once_the_vmm_lets_go_even_when_on_at_claim, 60)
{
	int cmd, err;

	/* Claimed with bus mastering on, as firmware often leaves it. */
	err = write_file(UNBIND, self->bdf);
	ASSERT_EQ(0, err) TH_LOG("unbind %s: %s", self->bdf, strerror(err));
	cmd = host_command(self->bdf, -1);
	ASSERT_LE(0, cmd) TH_LOG("read the command register");
	ASSERT_LE(0, host_command(self->bdf, cmd | PCI_COMMAND_MASTER |
				  PCI_COMMAND_MEMORY))
		TH_LOG("write the command register");
	err = write_file(PROBE, self->bdf);
	ASSERT_EQ(0, err) TH_LOG("probe %s: %s", self->bdf, strerror(err));
	cmd = host_command(self->bdf, -1);
	ASSERT_LE(0, cmd) TH_LOG("read the command register");
	EXPECT_TRUE(cmd & PCI_COMMAND_MASTER)
		TH_LOG("claimed with bus mastering on: command %#x", cmd);
	err = open_attached(self->bdf, &self->fd, &self->vm);
	ASSERT_EQ(0, err) TH_LOG("open %s, attach it to a new VM: %s",
				 self->bdf, strerror(err));
	close_fd(&self->fd);
	close_fd(&self->vm);
	cmd = host_command(self->bdf, -1);
	EXPECT_LE(0, cmd) TH_LOG("read the command register");
	EXPECT_FALSE(cmd & PCI_COMMAND_MASTER)
		TH_LOG("off once the VMM let go: command %#x", cmd);
}

/* A page of memory to map; a VM and the node as each test opens them. */
FIXTURE(errnos) {
	const char *bdf;
	int vtd;
	void *mem;
	int fd, vm;
};

FIXTURE_SETUP(errnos)
{
	self->fd = -1;
	self->vm = -1;
	self->mem = MAP_FAILED;
	self->bdf = BDF_ARG();
	self->vtd = !strcmp(pt_arg(1, ""), "vtd");
	ASSERT_TRUE(claimed(self->bdf)) TH_LOG("passthru does not hold %s",
					       self->bdf);
	self->mem = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem) TH_LOG("mmap: %s", strerror(errno));
}

FIXTURE_TEARDOWN(errnos)
{
	close_fd(&self->fd);
	close_fd(&self->vm);
	if (self->mem != MAP_FAILED)
		munmap(self->mem, PG);
	reclaim(self->bdf);
}

struct map_and_tail {
	struct passthru_dma_map map;
	uint64_t tail;
};

TEST_F(errnos, vm_map_dma_with_non_zero_bytes_past_its_struct_is_e2big)
{
	struct map_and_tail big = {
		.map = { .size = sizeof(big), .flags = PASSTHRU_DMA_READ,
			 .vaddr = (uintptr_t)self->mem, .iova = 1 << 20,
			 .length = PG },
		.tail = 1,
	};
	int err;

	self->vm = open(VM_NODE, O_RDWR);
	ASSERT_LE(0, self->vm) TH_LOG("open %s: %s", VM_NODE, strerror(errno));
	err = pt_ioctl(self->vm, PASSTHRU_VM_MAP_DMA, &big);
	EXPECT_EQ(E2BIG, err) TH_LOG("%s", strerror(err));
}

/*
 * A mapping VT-d cannot hold never reaches the device.  From 6.13 the VM's
 * domain has its IOMMU's width when it is made, so the map is refused
 * (ERANGE, outside the usable ranges); before, the domain grows to the
 * widest IOMMU, the map succeeds and the attach that would truncate it is
 * refused (EADDRINUSE).
 */
TEST_F(errnos, a_mapping_beyond_vtds_address_width_is_refused)
{
	/* Below the domain's aperture, above VT-d's 39-bit width. */
	struct passthru_dma_map map = { .size = sizeof(map),
					.flags = PASSTHRU_DMA_READ,
					.vaddr = (uintptr_t)self->mem,
					.iova = 1ULL << 45, .length = PG };
	int err;

	if (!self->vtd)
		SKIP(return, "VT-d only: pt_isol errnos BDF vtd");
	self->vm = open(VM_NODE, O_RDWR);
	ASSERT_LE(0, self->vm) TH_LOG("open %s: %s", VM_NODE, strerror(errno));
	err = pt_ioctl(self->vm, PASSTHRU_VM_MAP_DMA, &map);
	if (pt_kernel_at_least(6, 13)) {
		EXPECT_EQ(ERANGE, err) TH_LOG("map at %#llx: %s",
					      (unsigned long long)map.iova,
					      strerror(err));
		return;
	}
	ASSERT_EQ(0, err) TH_LOG("map at %#llx: %s",
				 (unsigned long long)map.iova, strerror(err));
	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
	err = attach(self->fd, self->vm);
	EXPECT_EQ(EADDRINUSE, err) TH_LOG("%s", strerror(err));
}

/* One sequence: the node open while the function is unbound. */
TEST_F(errnos, region_info_and_mmap_after_removal_are_enodev)
{
	struct passthru_region_info info;
	void *p;
	int err;

	self->fd = node_open(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("open the node of %s: %s", self->bdf,
				      strerror(errno));
	/* Removed while open: every call is ENODEV. */
	err = write_file(UNBIND, self->bdf);
	ASSERT_EQ(0, err) TH_LOG("unbind %s: %s", self->bdf, strerror(err));
	err = region_info(self->fd, 0, &info, NULL, 0);
	EXPECT_EQ(ENODEV, err) TH_LOG("REGION_INFO: %s", strerror(err));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, self->fd,
		 PASSTHRU_REGION_OFFSET(0));
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, PG);
	EXPECT_EQ(MAP_FAILED, p) TH_LOG("mmap: mapped");
	EXPECT_EQ(ENODEV, err) TH_LOG("mmap: %s", strerror(err));
	close_fd(&self->fd);
	write_file(PROBE, self->bdf);
}

/* The function's node and the VM node, for the access checks. */
FIXTURE(access) {
	const char *bdf;
	gid_t gid;
	char node[PATH_MAX];
};

FIXTURE_SETUP(access)
{
	self->bdf = BDF_ARG();
	self->gid = (gid_t)strtoul(pt_arg(1, "0"), NULL, 10);
	ASSERT_NE((gid_t)0, self->gid) TH_LOG("usage: pt_isol %s", USAGE);
	snprintf(self->node, sizeof(self->node), "/dev/passthru/%s", self->bdf);
}

FIXTURE_TEARDOWN(access)
{
}

/*
 * A child as uid 65534 whose only supplementary group is @gid (none for
 * 0): open the VM node, the function's node, attach one to the other.
 * The three results (0 or an errno) come back through @pipefd.
 */
static void access_child(int pipefd, gid_t gid, const char *node)
{
	int res[3] = { -1, -1, -1 }, vm, fd;

	if (setgroups(gid ? 1 : 0, &gid) || setgid(65534) || setuid(65534))
		_exit(2);
	vm = open(VM_NODE, O_RDWR);
	res[0] = vm < 0 ? errno : 0;
	fd = open(node, O_RDWR);
	res[1] = fd < 0 ? errno : 0;
	if (vm >= 0 && fd >= 0)
		res[2] = attach(fd, vm);
	_exit(write(pipefd, res, sizeof(res)) == sizeof(res) ? 0 : 3);
}

static void access_run(struct __test_metadata *_metadata, gid_t gid,
		       const char *node, int res[3])
{
	int p[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(p)) TH_LOG("pipe: %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		close(p[0]);
		access_child(p[1], gid, node);
	}
	close(p[1]);
	ASSERT_EQ((ssize_t)(3 * sizeof(int)), read(p[0], res, 3 * sizeof(int)))
		TH_LOG("the child sent no results");
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status) TH_LOG("child status %#x", status);
}

TEST_F(access, the_nodes_are_the_groups_mode_0660)
{
	struct stat st;

	ASSERT_EQ(0, stat(VM_NODE, &st)) TH_LOG("%s: %s", VM_NODE, strerror(errno));
	EXPECT_EQ(self->gid, st.st_gid);
	EXPECT_EQ(0660, (int)(st.st_mode & 07777));
	ASSERT_EQ(0, stat(self->node, &st))
		TH_LOG("%s: %s", self->node, strerror(errno));
	EXPECT_EQ(self->gid, st.st_gid);
	EXPECT_EQ(0660, (int)(st.st_mode & 07777));
}

TEST_F(access, a_member_of_the_group_opens_both_and_attaches)
{
	int res[3];

	access_run(_metadata, self->gid, self->node, res);
	EXPECT_EQ(0, res[0]) TH_LOG("open %s: %s", VM_NODE, strerror(res[0]));
	EXPECT_EQ(0, res[1]) TH_LOG("open %s: %s", self->node, strerror(res[1]));
	EXPECT_EQ(0, res[2]) TH_LOG("attach: %s", strerror(res[2]));
}

TEST_F(access, a_user_outside_the_group_gets_eacces)
{
	int res[3];

	access_run(_metadata, 0, self->node, res);
	EXPECT_EQ(EACCES, res[0]) TH_LOG("open %s: %s", VM_NODE, strerror(res[0]));
	EXPECT_EQ(EACCES, res[1]) TH_LOG("open %s: %s", self->node,
					 strerror(res[1]));
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
