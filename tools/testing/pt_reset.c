// SPDX-License-Identifier: GPL-2.0
/*
 * pt_reset: reset, power states and the hand-back of a function, as a VMM
 * and an administrator see them.  On the kselftest harness (TAP out; exit
 * status 0 when all passed), one group of tests per call; each test opens
 * the node and attaches it to a new VM first, and closes both after.
 *
 *   pt_reset reset BDF METHOD [REG WRITE]
 *        DEVICE_INFO reports METHOD (flr, pm, bus or none); bus master is
 *        off after attach; scribble on the function (bus master on, a
 *        virtual BAR moved, and WRITE into the BAR0 register at REG if
 *        given), then PASSTHRU_DEVICE_RESET; all is as right after attach:
 *        REG reads 0, bus master is off, the config space the VMM sees is
 *        the same, the mapping works; "none" expects EOPNOTSUPP with the
 *        rest the same
 *   pt_reset hammer BDF
 *        50 resets while another thread reads a mapped page of BAR0: the
 *        reads see the same value or SIGBUS, nothing worse
 *   pt_reset pm BDF
 *        the PM capability through virtual config space: D3hot through
 *        passthru (the PCI core's power_state says so, BARs give EIO and
 *        SIGBUS), D0 again with the BARs where the host had them; D1 is
 *        ignored; closing in D3hot brings the function back to D0
 *   pt_reset release BDF
 *        after a VMM turned on what config space lets it (SERR, bus
 *        master) and closed, the function's config header is the host's
 *        again (status aside); a DEVICE_INFO caller of the first struct
 *        version gets that version
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "reset BDF flr|pm|bus|none [REG WRITE] | hammer|pm|release BDF"

#define PG 4096UL
#define BAR(n) PASSTHRU_REGION_OFFSET(n)
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)
#define HDR PCI_STD_HEADER_SIZEOF

/* Values of the PM control/status register's power state field. */
#define PMCSR_D0 0
#define PMCSR_D1 1
#define PMCSR_D3HOT 3

/*
 * Seconds a test may take: each attaches (a reset) and closes (another);
 * the bus reset of a function behind a root port takes a second or more,
 * an FLR a tenth, several times that on a debug kernel.
 */
#define RESET_TIMEOUT 120
#define HAMMER_RESETS 50
#define HAMMER_TIMEOUT 300

/* The command register, and a dword, of a config space copy. */
static unsigned int command_of(const uint8_t *cfg)
{
	return cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8;
}

static uint32_t cfg32_of(const uint8_t *cfg, unsigned int pos)
{
	return cfg[pos] | cfg[pos + 1] << 8 | cfg[pos + 2] << 16 |
	       (uint32_t)cfg[pos + 3] << 24;
}

static uint32_t mmio_rd32(void *p)
{
	return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
}

static void mmio_wr32(void *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

static void sysfs_path(char *path, size_t len, const char *bdf,
		       const char *file)
{
	snprintf(path, len, "/sys/bus/pci/devices/%s/%s", bdf, file);
}

/* The first @len bytes of config space as the host has it: 0 or errno. */
static int sysfs_cfg(const char *bdf, void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	sysfs_path(path, sizeof(path), bdf, "config");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno;
	n = pread(fd, buf, len, 0);
	close(fd);
	return n == (ssize_t)len ? 0 : n < 0 ? errno : EIO;
}

static void power_state(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	sysfs_path(path, sizeof(path), bdf, "power_state");
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	if (fd >= 0)
		close(fd);
}

static int cfg_rw(int fd, unsigned int off, void *v, size_t len, int write)
{
	ssize_t n = write ? pwrite(fd, v, len, CFG + off) :
			    pread(fd, v, len, CFG + off);

	return n == (ssize_t)len ? 0 : errno ? errno : EIO;
}

static int reset(int fd)
{
	struct passthru_device_reset r = { .size = sizeof(r) };

	return pt_ioctl(fd, PASSTHRU_DEVICE_RESET, &r);
}

static int device_info(int fd, struct passthru_device_info *info, uint32_t size)
{
	memset(info, 0, sizeof(*info));
	info->size = size;
	return pt_ioctl(fd, PASSTHRU_DEVICE_INFO, info);
}

/*
 * Open the node into *fd and attach it to a new VM, *vm; the test fails
 * when it cannot (the child's exit closes what was opened).
 */
static void open_attached(struct __test_metadata *_metadata, const char *bdf,
			  int *fd, int *vm)
{
	struct passthru_device_attach a = { .size = sizeof(a) };
	int err;

	ASSERT_NE(NULL, bdf) TH_LOG("usage: pt_reset %s", USAGE);
	*fd = node_open(bdf);
	ASSERT_LE(0, *fd) TH_LOG("open the node of %s: %s", bdf,
				 strerror(errno));
	*vm = open("/dev/passthru/vm", O_RDWR);
	ASSERT_LE(0, *vm) TH_LOG("open /dev/passthru/vm: %s", strerror(errno));
	a.vm_fd = *vm;
	err = pt_ioctl(*fd, PASSTHRU_DEVICE_ATTACH, &a);
	ASSERT_EQ(0, err) TH_LOG("attach: %s", strerror(err));
}

static void close_attached(int *fd, int *vm)
{
	if (*fd >= 0)
		close(*fd);
	if (*vm >= 0)
		close(*vm);
	*fd = -1;
	*vm = -1;
}

/* Map the page of BAR0 that holds @off; MAP_FAILED if it cannot. */
static uint8_t *map_bar0(int fd, unsigned int off)
{
	return mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    BAR(0) + (off & ~(PG - 1)));
}

static void unmap(uint8_t **page)
{
	if (*page && *page != MAP_FAILED)
		munmap(*page, PG);
	*page = NULL;
}

/* The reset methods @m names, or -1 for a name that is none of them. */
static int64_t method_bit(const char *m)
{
	if (!strcmp(m, "flr"))
		return PASSTHRU_RESET_FLR;
	if (!strcmp(m, "pm"))
		return PASSTHRU_RESET_PM;
	if (!strcmp(m, "bus"))
		return PASSTHRU_RESET_BUS;
	if (!strcmp(m, "none"))
		return 0;
	return -1;
}

/* The function attached; METHOD and the optional REG and WRITE. */
FIXTURE(reset) {
	const char *bdf;
	uint32_t want;		/* the reset methods DEVICE_INFO reports */
	bool has_reg;
	unsigned int reg;
	uint32_t val;
	int fd, vm;
	uint8_t *page;		/* the page of BAR0 that holds REG */
};

FIXTURE_SETUP(reset)
{
	int64_t want = method_bit(pt_arg(1, ""));

	self->fd = -1;
	self->vm = -1;
	self->bdf = pt_arg(0, NULL);
	ASSERT_TRUE(self->bdf && want >= 0 && (pt_nargs == 2 || pt_nargs == 4))
		TH_LOG("usage: pt_reset %s", USAGE);
	self->want = want;
	self->has_reg = pt_nargs == 4;
	if (self->has_reg) {
		self->reg = strtoul(pt_arg(2, "0"), NULL, 0);
		self->val = strtoul(pt_arg(3, "0"), NULL, 0);
	}
	open_attached(_metadata, self->bdf, &self->fd, &self->vm);
}

FIXTURE_TEARDOWN(reset)
{
	unmap(&self->page);
	close_attached(&self->fd, &self->vm);
}

TEST_F_TIMEOUT(reset, device_info_reports_the_reset_methods, RESET_TIMEOUT)
{
	struct passthru_device_info info;
	int err = device_info(self->fd, &info, sizeof(info));

	ASSERT_EQ(0, err) TH_LOG("DEVICE_INFO: %s", strerror(err));
	EXPECT_EQ(self->want, info.reset_methods);
}

TEST_F_TIMEOUT(reset, bus_mastering_is_off_after_attach, RESET_TIMEOUT)
{
	uint8_t real[HDR];

	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_FALSE(real[PCI_COMMAND] & PCI_COMMAND_MASTER)
		TH_LOG("command %#x", command_of(real));
}

/*
 * One sequence: the VMM scribbles on the function, then resets it; all
 * is as right after attach.
 */
TEST_F_TIMEOUT(reset, a_reset_leaves_the_function_as_right_after_attach,
	       RESET_TIMEOUT)
{
	uint8_t after_attach[HDR], after_reset[HDR], real[HDR];
	uint32_t moved = 0xfff00000;	/* some other address for BAR0 */
	uint16_t cmd;
	uint8_t *p;
	int err;

	ASSERT_EQ(0, cfg_rw(self->fd, 0, after_attach, HDR, 0));
	self->page = map_bar0(self->fd, self->reg);
	ASSERT_NE(MAP_FAILED, self->page) TH_LOG("mmap BAR0: %s",
						 strerror(errno));
	p = self->page + (self->reg & (PG - 1));

	/* Scribble: bus master on, a BAR moved, a device register written. */
	err = cfg_rw(self->fd, PCI_COMMAND, &cmd, 2, 0);
	cmd |= PCI_COMMAND_MASTER;
	err = err ?: cfg_rw(self->fd, PCI_COMMAND, &cmd, 2, 1);
	err = err ?: cfg_rw(self->fd, PCI_BASE_ADDRESS_0, &moved, 4, 1);
	ASSERT_EQ(0, err) TH_LOG("scribble on config space: %s", strerror(err));
	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_TRUE(real[PCI_COMMAND] & PCI_COMMAND_MASTER)
		TH_LOG("the VMM turned bus mastering on: command %#x",
		       command_of(real));
	if (self->has_reg) {
		mmio_wr32(p, self->val);
		EXPECT_EQ(self->val, mmio_rd32(p))
			TH_LOG("the device register at %#x holds what was written",
			       self->reg);
	}

	err = reset(self->fd);
	if (self->want) {
		EXPECT_EQ(0, err) TH_LOG("PASSTHRU_DEVICE_RESET: %s",
					 strerror(err));
	} else {
		EXPECT_EQ(EOPNOTSUPP, err)
			TH_LOG("without a reset method the reset is EOPNOTSUPP: %s",
			       strerror(err));
	}
	if (self->has_reg) {
		EXPECT_EQ(0u, mmio_rd32(p))
			TH_LOG("the device register at %#x is back to its reset value",
			       self->reg);
	} else {
		(void)mmio_rd32(p);
	}
	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_FALSE(real[PCI_COMMAND] & PCI_COMMAND_MASTER)
		TH_LOG("bus mastering is off after the reset: command %#x",
		       command_of(real));
	err = cfg_rw(self->fd, 0, after_reset, HDR, 0);
	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(0, memcmp(after_attach, after_reset, HDR))
		TH_LOG("config space reads as right after attach");
}

/* The function attached; its BAR0 mapped by the test. */
FIXTURE(hammer) {
	int fd, vm;
	uint8_t *page;
};

FIXTURE_SETUP(hammer)
{
	self->fd = -1;
	self->vm = -1;
	open_attached(_metadata, pt_arg(0, NULL), &self->fd, &self->vm);
}

FIXTURE_TEARDOWN(hammer)
{
	unmap(&self->page);
	close_attached(&self->fd, &self->vm);
}

static __thread sigjmp_buf hammer_jmp;
static int hammer_stop;
static unsigned long hammer_reads, hammer_sigbus, hammer_odd;
static uint32_t hammer_want;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(hammer_jmp, 1);
}

static void *hammer(void *arg)
{
	uint8_t *p = arg;

	while (!__atomic_load_n(&hammer_stop, __ATOMIC_RELAXED)) {
		if (sigsetjmp(hammer_jmp, 1)) {
			hammer_sigbus++;
			continue;
		}
		if (mmio_rd32(p) != hammer_want)
			hammer_odd++;
		hammer_reads++;
	}
	return NULL;
}

/*
 * One sequence: resets while another thread reads the mapping; every read
 * saw the register's value (or SIGBUS), and the mapping works after.
 */
TEST_F_TIMEOUT(hammer, resets_while_another_thread_reads_the_mapping,
	       HAMMER_TIMEOUT)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	unsigned int i, errs = 0;
	pthread_t t;
	int err = 0;

	self->page = map_bar0(self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->page) TH_LOG("mmap BAR0: %s",
						 strerror(errno));
	hammer_want = mmio_rd32(self->page);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, &old));
	ASSERT_EQ(0, pthread_create(&t, NULL, hammer, self->page));
	for (i = 0; i < HAMMER_RESETS; i++) {
		err = reset(self->fd);
		if (err)
			errs++;
		usleep(2000);
	}
	__atomic_store_n(&hammer_stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	sigaction(SIGBUS, &old, NULL);
	EXPECT_EQ(0u, errs) TH_LOG("%u of %u resets failed, the last: %s", errs,
				   HAMMER_RESETS, strerror(err));
	TH_LOG("%lu reads, %lu SIGBUS", hammer_reads, hammer_sigbus);
	EXPECT_LT(0ul, hammer_reads);
	EXPECT_EQ(0ul, hammer_odd)
		TH_LOG("every read saw the register's value");
	EXPECT_EQ(hammer_want, mmio_rd32(self->page))
		TH_LOG("the mapping works after");
}

/*
 * The function named by the first argument: its header as the host sees
 * it in @host, then its node opened and attached to a new VM.
 */
static void attach_arg0(struct __test_metadata *_metadata, const char **bdf,
			uint8_t *host, int *fd, int *vm)
{
	int err;

	*fd = -1;
	*vm = -1;
	*bdf = pt_arg(0, NULL);
	ASSERT_NE(NULL, *bdf) TH_LOG("usage: pt_reset %s", USAGE);
	err = sysfs_cfg(*bdf, host, HDR);
	ASSERT_EQ(0, err) TH_LOG("sysfs config: %s", strerror(err));
	open_attached(_metadata, *bdf, fd, vm);
}

/* The function attached, its PM capability, its config header before. */
FIXTURE(pm) {
	const char *bdf;
	uint8_t host[HDR];
	int fd, vm;
	unsigned int pm;
	uint8_t *page;
	bool low_power;		/* a power state other than D0 was written */
};

FIXTURE_SETUP(pm)
{
	attach_arg0(_metadata, &self->bdf, self->host, &self->fd, &self->vm);
	self->pm = pt_find_cap(self->fd, PCI_CAP_ID_PM);
	ASSERT_NE(0u, self->pm) TH_LOG("the PM capability is listed: none");
}

/* Write power state @state into the PMCSR *@csr holds, read it back. */
static int pm_write(int fd, unsigned int pm, uint16_t *csr, unsigned int state)
{
	int err;

	*csr = (*csr & ~PCI_PM_CTRL_STATE_MASK) | state;
	err = cfg_rw(fd, pm + PCI_PM_CTRL, csr, 2, 1);
	return err ?: cfg_rw(fd, pm + PCI_PM_CTRL, csr, 2, 0);
}

FIXTURE_TEARDOWN(pm)
{
	uint16_t csr;

	if (self->low_power && self->fd >= 0 &&
	    (cfg_rw(self->fd, self->pm + PCI_PM_CTRL, &csr, 2, 0) ||
	     pm_write(self->fd, self->pm, &csr, PMCSR_D0)))
		TH_LOG("could not write D0");
	unmap(&self->page);
	close_attached(&self->fd, &self->vm);
}

/*
 * One sequence: D3hot written through passthru reaches the PCI core and
 * revokes the BARs; D0 brings the function back with its BARs where the
 * host put them and the mapping working.
 */
TEST_F_TIMEOUT(pm, d3hot_revokes_the_bars_and_d0_brings_them_back,
	       RESET_TIMEOUT)
{
	uint8_t real[HDR];
	char state[32];
	uint16_t csr;
	uint32_t v;
	int err;

	self->page = map_bar0(self->fd, 0);
	ASSERT_NE(MAP_FAILED, self->page) TH_LOG("mmap BAR0: %s",
						 strerror(errno));
	(void)mmio_rd32(self->page);

	ASSERT_EQ(0, cfg_rw(self->fd, self->pm + PCI_PM_CTRL, &csr, 2, 0));
	self->low_power = true;
	err = pm_write(self->fd, self->pm, &csr, PMCSR_D3HOT);
	ASSERT_EQ(0, err) TH_LOG("write D3hot: %s", strerror(err));
	power_state(self->bdf, state, sizeof(state));
	EXPECT_EQ(PMCSR_D3HOT, csr & PCI_PM_CTRL_STATE_MASK)
		TH_LOG("PMCSR %#x", csr);
	EXPECT_STREQ("D3hot", state)
		TH_LOG("writing D3hot puts the function in D3hot through the PCI core");
	EXPECT_TRUE(pt_self_sigbus(self->page))
		TH_LOG("in D3hot a mapped page gets SIGBUS");
	err = pread(self->fd, &v, 4, BAR(0)) == 4 ? 0 : errno;
	EXPECT_EQ(EIO, err) TH_LOG("in D3hot pread of a BAR: %s",
				   strerror(err));

	err = pm_write(self->fd, self->pm, &csr, PMCSR_D0);
	ASSERT_EQ(0, err) TH_LOG("write D0: %s", strerror(err));
	power_state(self->bdf, state, sizeof(state));
	self->low_power = strcmp(state, "D0");
	EXPECT_EQ(PMCSR_D0, csr & PCI_PM_CTRL_STATE_MASK)
		TH_LOG("PMCSR %#x", csr);
	EXPECT_STREQ("D0", state) TH_LOG("writing D0 brings the function back");
	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_EQ(0, memcmp(real + PCI_BASE_ADDRESS_0,
			    self->host + PCI_BASE_ADDRESS_0,
			    PCI_STD_NUM_BARS * 4))
		TH_LOG("back in D0, the BARs are where the host put them: BAR0 %08x, was %08x",
		       cfg32_of(real, PCI_BASE_ADDRESS_0),
		       cfg32_of(self->host, PCI_BASE_ADDRESS_0));
	EXPECT_TRUE(real[PCI_COMMAND] & PCI_COMMAND_MEMORY)
		TH_LOG("back in D0, memory decode is on");
	EXPECT_FALSE(pt_self_sigbus(self->page))
		TH_LOG("back in D0 the mapping works");
}

TEST_F_TIMEOUT(pm, d1_is_ignored, RESET_TIMEOUT)
{
	char state[32];
	uint16_t csr;
	int err;

	ASSERT_EQ(0, cfg_rw(self->fd, self->pm + PCI_PM_CTRL, &csr, 2, 0));
	self->low_power = true;
	err = pm_write(self->fd, self->pm, &csr, PMCSR_D1);
	power_state(self->bdf, state, sizeof(state));
	self->low_power = strcmp(state, "D0");
	EXPECT_EQ(0, err) TH_LOG("write D1: %s", strerror(err));
	EXPECT_EQ(PMCSR_D0, csr & PCI_PM_CTRL_STATE_MASK)
		TH_LOG("PMCSR %#x", csr);
	EXPECT_STREQ("D0", state);
}

TEST_F_TIMEOUT(pm, closing_in_d3hot_leaves_the_function_in_d0, RESET_TIMEOUT)
{
	char state[32];
	uint16_t csr;
	int err;

	ASSERT_EQ(0, cfg_rw(self->fd, self->pm + PCI_PM_CTRL, &csr, 2, 0));
	csr = (csr & ~PCI_PM_CTRL_STATE_MASK) | PMCSR_D3HOT;
	err = cfg_rw(self->fd, self->pm + PCI_PM_CTRL, &csr, 2, 1);
	close_attached(&self->fd, &self->vm);
	power_state(self->bdf, state, sizeof(state));
	EXPECT_EQ(0, err) TH_LOG("write D3hot: %s", strerror(err));
	EXPECT_STREQ("D0", state);
}

/* The function's config header before, then the function attached. */
FIXTURE(release) {
	const char *bdf;
	uint8_t host[HDR];
	int fd, vm;
};

FIXTURE_SETUP(release)
{
	attach_arg0(_metadata, &self->bdf, self->host, &self->fd, &self->vm);
}

FIXTURE_TEARDOWN(release)
{
	close_attached(&self->fd, &self->vm);
}

/* A caller built against the first DEVICE_INFO gets that much. */
TEST_F_TIMEOUT(release, device_info_of_the_first_versions_size_gets_that_version,
	       RESET_TIMEOUT)
{
	const uint32_t first = offsetof(struct passthru_device_info,
					reset_methods);
	struct passthru_device_info info;
	int err = device_info(self->fd, &info, first);

	EXPECT_EQ(0, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(first, info.size);
	EXPECT_EQ(0u, info.reset_methods);
	EXPECT_NE(0, info.vendor);
}

/*
 * One sequence: the VMM's command bits reach the device; after close the
 * config header is the host's again (the status register's error bits
 * are the device's own business).
 */
TEST_F_TIMEOUT(release, after_close_the_config_header_is_the_hosts_again,
	       RESET_TIMEOUT)
{
	uint8_t real[HDR];
	uint16_t cmd;
	int err;

	err = cfg_rw(self->fd, PCI_COMMAND, &cmd, 2, 0);
	cmd |= PCI_COMMAND_SERR | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY |
	       PCI_COMMAND_IO;
	err = err ?: cfg_rw(self->fd, PCI_COMMAND, &cmd, 2, 1);
	ASSERT_EQ(0, err) TH_LOG("write the command register: %s",
				 strerror(err));
	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_TRUE((command_of(real) & PCI_COMMAND_MASTER) &&
		    (command_of(real) & PCI_COMMAND_SERR))
		TH_LOG("the VMM's command bits reached the device: command %#x",
		       command_of(real));
	close_attached(&self->fd, &self->vm);
	ASSERT_EQ(0, sysfs_cfg(self->bdf, real, HDR));
	EXPECT_EQ(0, memcmp(self->host, real, PCI_STATUS))
		TH_LOG("command %#x, was %#x", command_of(real),
		       command_of(self->host));
	EXPECT_EQ(0, memcmp(self->host + PCI_CLASS_REVISION,
			    real + PCI_CLASS_REVISION, HDR - PCI_CLASS_REVISION));
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
