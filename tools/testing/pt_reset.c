// SPDX-License-Identifier: GPL-2.0
/*
 * pt_reset: reset, power states and the hand-back of a function, as a VMM
 * and an administrator see them.  One line per check; exit 1 if any failed.
 *
 *   pt_reset reset BDF METHOD [REG WRITE]
 *        attach to a VM; DEVICE_INFO reports METHOD (flr, pm, bus or none);
 *        scribble on the function (bus master on, a virtual BAR moved, and
 *        WRITE into the BAR0 register at REG if given), then
 *        PASSTHRU_DEVICE_RESET; all is as right after attach: REG reads 0, bus
 *        master is off, the config space the VMM sees is the same, the
 *        mapping works; "none" expects EOPNOTSUPP with the rest the same
 *   pt_reset hammer BDF
 *        50 resets while another thread reads a mapped page of BAR0: the
 *        reads see the same value or SIGBUS, nothing worse
 *   pt_reset pm BDF
 *        the PM capability through virtual config space: D3hot through
 *        passthru (the PCI core's power_state says so, BARs give EIO and
 *        SIGBUS), D1 is ignored, D0 again with the BARs where the host had
 *        them; closing in D3hot brings the function back to D0
 *   pt_reset release BDF
 *        after a VMM turned on what config space lets it (SERR, bus
 *        master) and closed, the function's config header is the host's
 *        again (status aside); a DEVICE_INFO caller of the first struct
 *        version gets that version
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "pt_util.h"

#define PG 4096UL
#define BAR(n) PASSTHRU_REGION_OFFSET(n)
#define CFG PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG)
#define HDR PCI_STD_HEADER_SIZEOF

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

static void sysfs_cfg(const char *bdf, void *buf, size_t len)
{
	char path[PATH_MAX];
	int fd;

	sysfs_path(path, sizeof(path), bdf, "config");
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, buf, len, 0) != (ssize_t)len)
		die(path);
	close(fd);
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

/* Open the node and attach it to a new VM; returns the node, *vm the VM. */
static int open_attached(const char *bdf, int *vm)
{
	struct passthru_device_attach a = { .size = sizeof(a) };
	int fd, err;

	fd = node_open(bdf);
	if (fd < 0)
		die("open node");
	*vm = open("/dev/passthru/vm", O_RDWR);
	if (*vm < 0)
		die("open /dev/passthru/vm");
	a.vm_fd = *vm;
	err = pt_ioctl(fd, PASSTHRU_DEVICE_ATTACH, &a);
	check(!err, "reset: attach", "%s", strerror(err));
	return fd;
}

/* Map the page of BAR0 that holds @off. */
static void *map_bar0(int fd, unsigned int off)
{
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       BAR(0) + (off & ~(PG - 1)));

	if (p == MAP_FAILED)
		die("mmap BAR0");
	return p;
}

static uint32_t method_bit(const char *m)
{
	if (!strcmp(m, "flr"))
		return PASSTHRU_RESET_FLR;
	if (!strcmp(m, "pm"))
		return PASSTHRU_RESET_PM;
	if (!strcmp(m, "bus"))
		return PASSTHRU_RESET_BUS;
	return 0;
}

static int cmd_reset(const char *bdf, const char *method, const char *reg_s,
		     const char *val_s)
{
	uint8_t after_attach[HDR], after_reset[HDR], real[HDR];
	struct passthru_device_info info;
	unsigned int reg = reg_s ? strtoul(reg_s, NULL, 0) : 0;
	uint32_t val = val_s ? strtoul(val_s, NULL, 0) : 0;
	uint32_t want = method_bit(method), moved = 0xfff00000;
	uint16_t cmd;
	int fd, vm, err;
	uint8_t *p;

	fd = open_attached(bdf, &vm);
	err = device_info(fd, &info, sizeof(info));
	check(!err && info.reset_methods == want,
	      "reset: device info reports the reset methods", "%s, %#x, want %#x",
	      strerror(err), info.reset_methods, want);
	sysfs_cfg(bdf, real, HDR);
	check(!(real[PCI_COMMAND] & PCI_COMMAND_MASTER),
	      "reset: bus mastering is off after attach", "command %#x",
	      command_of(real));
	err = cfg_rw(fd, 0, after_attach, HDR, 0);
	p = (uint8_t *)map_bar0(fd, reg) + (reg & (PG - 1));

	/* Scribble: bus master on, a BAR moved, a device register written. */
	err = err ?: cfg_rw(fd, PCI_COMMAND, &cmd, 2, 0);
	cmd |= PCI_COMMAND_MASTER;
	err = err ?: cfg_rw(fd, PCI_COMMAND, &cmd, 2, 1);
	err = err ?: cfg_rw(fd, PCI_BASE_ADDRESS_0, &moved, 4, 1);
	sysfs_cfg(bdf, real, HDR);
	check(!err && (real[PCI_COMMAND] & PCI_COMMAND_MASTER),
	      "reset: the VMM turned bus mastering on", "%s, command %#x",
	      strerror(err), command_of(real));
	if (reg_s) {
		mmio_wr32(p, val);
		check(mmio_rd32(p) == val,
		      "reset: the device register holds what was written",
		      "%#x at %#x", mmio_rd32(p), reg);
	}

	err = reset(fd);
	if (want)
		check(!err, "reset: PASSTHRU_DEVICE_RESET", "%s", strerror(err));
	else
		check(err == EOPNOTSUPP,
		      "reset: without a reset method the reset is EOPNOTSUPP",
		      "%s", strerror(err));
	if (reg_s)
		check(mmio_rd32(p) == 0,
		      "reset: the device register is back to its reset value",
		      "%#x at %#x", mmio_rd32(p), reg);
	else
		(void)mmio_rd32(p);
	sysfs_cfg(bdf, real, HDR);
	check(!(real[PCI_COMMAND] & PCI_COMMAND_MASTER),
	      "reset: bus mastering is off after the reset", "command %#x",
	      command_of(real));
	err = cfg_rw(fd, 0, after_reset, HDR, 0);
	check(!err && !memcmp(after_attach, after_reset, HDR),
	      "reset: config space reads as right after attach", "%s",
	      strerror(err));
	munmap((void *)((uintptr_t)p & ~(PG - 1)), PG);
	close(fd);
	close(vm);
	return failures ? 1 : 0;
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

static int cmd_hammer(const char *bdf)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	unsigned int i, errs = 0;
	pthread_t t;
	int fd, vm, err = 0;
	uint8_t *p;

	fd = open_attached(bdf, &vm);
	p = map_bar0(fd, 0);
	hammer_want = mmio_rd32(p);
	sigaction(SIGBUS, &sa, NULL);
	if (pthread_create(&t, NULL, hammer, p))
		die("pthread_create");
	for (i = 0; i < 50; i++) {
		err = reset(fd);
		if (err)
			errs++;
		usleep(2000);
	}
	__atomic_store_n(&hammer_stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	check(!errs, "hammer: 50 resets while another thread reads the mapping",
	      "%u failed, last %s", errs, strerror(err));
	check(hammer_reads > 0 && !hammer_odd,
	      "hammer: every read saw the register's value",
	      "%lu reads, %lu odd, %lu SIGBUS", hammer_reads, hammer_odd,
	      hammer_sigbus);
	printf("# hammer: %lu reads, %lu SIGBUS\n", hammer_reads, hammer_sigbus);
	check(mmio_rd32(p) == hammer_want, "hammer: the mapping works after",
	      "%#x", mmio_rd32(p));
	munmap(p, PG);
	close(fd);
	close(vm);
	return failures ? 1 : 0;
}

static int cmd_pm(const char *bdf)
{
	uint8_t host[HDR], real[HDR];
	char state[32];
	unsigned int pm;
	uint16_t csr;
	uint32_t v;
	int fd, vm, err;
	uint8_t *p;

	sysfs_cfg(bdf, host, HDR);
	fd = open_attached(bdf, &vm);
	pm = pt_find_cap(fd, 0x01);
	check(pm, "pm: the PM capability is listed", "none");
	if (!pm)
		return 1;
	p = map_bar0(fd, 0);
	(void)mmio_rd32(p);

	err = cfg_rw(fd, pm + 4, &csr, 2, 0);
	csr = (csr & ~3) | 3;
	err = err ?: cfg_rw(fd, pm + 4, &csr, 2, 1);
	err = err ?: cfg_rw(fd, pm + PCI_PM_CTRL, &csr, 2, 0);
	power_state(bdf, state, sizeof(state));
	check(!err && (csr & 3) == 3 && !strcmp(state, "D3hot"),
	      "pm: writing D3hot puts the function in D3hot through the PCI core",
	      "%s, PMCSR %#x, power_state %s", strerror(err), csr, state);
	check(pt_self_sigbus(p), "pm: in D3hot a mapped page gets SIGBUS",
	      "no SIGBUS");
	err = pread(fd, &v, 4, BAR(0)) == 4 ? 0 : errno;
	check(err == EIO, "pm: in D3hot pread of a BAR is EIO", "%s",
	      strerror(err));

	csr = (csr & ~3) | 0;
	err = cfg_rw(fd, pm + 4, &csr, 2, 1);
	err = err ?: cfg_rw(fd, pm + PCI_PM_CTRL, &csr, 2, 0);
	power_state(bdf, state, sizeof(state));
	check(!err && (csr & PCI_PM_CTRL_STATE_MASK) == 0 && !strcmp(state, "D0"),
	      "pm: writing D0 brings the function back", "%s, PMCSR %#x, %s",
	      strerror(err), csr, state);
	sysfs_cfg(bdf, real, HDR);
	check(!memcmp(real + PCI_BASE_ADDRESS_0, host + PCI_BASE_ADDRESS_0,
		      PCI_STD_NUM_BARS * 4) &&
	      (real[PCI_COMMAND] & PCI_COMMAND_MEMORY),
	      "pm: back in D0, the BARs are where the host put them, decode on",
	      "BAR0 %08x", cfg32_of(real, PCI_BASE_ADDRESS_0));
	check(!pt_self_sigbus(p), "pm: back in D0 the mapping works", "SIGBUS");

	csr = (csr & ~3) | 1;
	err = cfg_rw(fd, pm + 4, &csr, 2, 1);
	err = err ?: cfg_rw(fd, pm + PCI_PM_CTRL, &csr, 2, 0);
	power_state(bdf, state, sizeof(state));
	check(!err && (csr & PCI_PM_CTRL_STATE_MASK) == 0 && !strcmp(state, "D0"),
	      "pm: D1 is ignored", "%s, PMCSR %#x, %s", strerror(err), csr,
	      state);

	csr = (csr & ~3) | 3;
	err = cfg_rw(fd, pm + 4, &csr, 2, 1);
	munmap(p, PG);
	close(fd);
	close(vm);
	power_state(bdf, state, sizeof(state));
	check(!err && !strcmp(state, "D0"),
	      "pm: closing in D3hot leaves the function in D0", "%s, %s",
	      strerror(err), state);
	return failures ? 1 : 0;
}

static int cmd_release(const char *bdf)
{
	struct passthru_device_info info;
	uint8_t host[HDR], real[HDR];
	uint16_t cmd;
	int fd, vm, err;

	sysfs_cfg(bdf, host, HDR);
	fd = open_attached(bdf, &vm);
	err = cfg_rw(fd, PCI_COMMAND, &cmd, 2, 0);
	cmd |= PCI_COMMAND_SERR | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY |
	       PCI_COMMAND_IO;
	err = err ?: cfg_rw(fd, PCI_COMMAND, &cmd, 2, 1);
	sysfs_cfg(bdf, real, HDR);
	check(!err && (command_of(real) & PCI_COMMAND_MASTER) &&
	      (command_of(real) & PCI_COMMAND_SERR),
	      "release: the VMM's command bits reached the device",
	      "%s, command %#x", strerror(err), command_of(real));

	/* A caller built against the first DEVICE_INFO gets that much. */
	err = device_info(fd, &info,
			  offsetof(struct passthru_device_info, reset_methods));
	check(!err && info.size == offsetof(struct passthru_device_info,
					    reset_methods) &&
	      !info.reset_methods && info.vendor,
	      "release: DEVICE_INFO of the first version's size", "%s, size %u",
	      strerror(err), info.size);
	close(fd);
	close(vm);
	/* The status register's error bits are the device's own business. */
	sysfs_cfg(bdf, real, HDR);
	check(!memcmp(host, real, PCI_STATUS) &&
	      !memcmp(host + PCI_CLASS_REVISION, real + PCI_CLASS_REVISION,
		      HDR - PCI_CLASS_REVISION),
	      "release: after close the config header is the host's again",
	      "command %#x, was %#x", command_of(real), command_of(host));
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || argc == 6) && !strcmp(argv[1], "reset"))
		return cmd_reset(argv[2], argv[3], argc == 6 ? argv[4] : NULL,
				 argc == 6 ? argv[5] : NULL);
	if (argc == 3 && !strcmp(argv[1], "hammer"))
		return cmd_hammer(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "pm"))
		return cmd_pm(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "release"))
		return cmd_release(argv[2]);
	fprintf(stderr, "usage: see the top of pt_reset.c\n");
	return 2;
}
