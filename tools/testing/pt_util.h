/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-guest test programs: small sysfs, ioctl,
 * eventfd and pin-count wrappers.
 */
#ifndef PT_UTIL_H
#define PT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/passthru.h>
#include <linux/pci_regs.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* A step a test cannot go on without failed: say which, and end the test. */
static inline void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

/* The errno of an ioctl, or 0 on success. */
static inline int pt_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static inline int node_open(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/dev/passthru/%s", bdf);
	return open(path, O_RDWR);
}

static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? errno : 0;
}

/* A monotonic clock, in milliseconds. */
static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static sigjmp_buf pt_sigbus_jmp;

static inline void pt_on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(pt_sigbus_jmp, 1);
}

/*
 * Does reading @p in this process get SIGBUS?  Unlike a child, whose
 * fresh page tables would fault anyway, this sees whether a page that was
 * already mapped here was zapped.
 */
static inline int pt_self_sigbus(const uint8_t *p)
{
	struct sigaction sa = { .sa_handler = pt_on_sigbus }, old;
	int hit = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(pt_sigbus_jmp, 1))
		hit = 1;
	else
		(void)__atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
	sigaction(SIGBUS, &old, NULL);
	return hit;
}

/* The offset of capability @id in the config space a device file shows. */
static inline unsigned int pt_find_cap(int fd, uint8_t id)
{
	uint64_t cfg = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG);
	uint8_t pos = 0, cap[2];

	if (pread(fd, &pos, 1, cfg + 0x34) != 1)
		return 0;
	while (pos >= 0x40 && pread(fd, cap, 2, cfg + pos) == 2) {
		if (cap[0] == id)
			return pos;
		pos = cap[1];
	}
	return 0;
}

/*
 * Whether the running kernel is @major.@minor or later (uname's release);
 * for the few checks whose right answer moved between kernels.
 */
static inline int pt_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * Pages pinned system-wide (FOLL_PIN), from /proc/vmstat, after folding the
 * per-CPU counter deltas in (without that the counters lag by up to the
 * per-CPU threshold): 0, or a negative errno.
 */
static inline int pt_pin_count(long *pins)
{
	char line[128];
	long acq = -1, rel = -1, v;
	FILE *f;
	int err;

	err = write_file("/proc/sys/vm/stat_refresh", "1");
	if (err)
		return -err;
	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_foll_pin_acquired %ld", &v) == 1)
			acq = v;
		if (sscanf(line, "nr_foll_pin_released %ld", &v) == 1)
			rel = v;
	}
	fclose(f);
	if (acq < 0 || rel < 0)
		return -ENOENT;
	*pins = acq - rel;
	return 0;
}

/* The same, exiting when it cannot be read. */
static inline long pt_pins(void)
{
	long pins = 0;
	int err = pt_pin_count(&pins);

	if (err) {
		errno = -err;
		die("pinned pages (/proc/vmstat)");
	}
	return pins;
}

/* Interrupts: PASSTHRU_IRQ_INFO, PASSTHRU_SET_IRQS and their eventfds. */
static inline int irq_info(int fd, unsigned int index, struct passthru_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = index;
	return pt_ioctl(fd, PASSTHRU_IRQ_INFO, info);
}

static inline int set_irqs(int fd, uint32_t flags, unsigned int index,
			   unsigned int start, unsigned int count,
			   const int32_t *data)
{
	struct passthru_irq_set s = {
		.size = sizeof(s), .flags = flags, .index = index,
		.start = start, .count = count, .data = (uintptr_t)data,
	};

	return pt_ioctl(fd, PASSTHRU_SET_IRQS, &s);
}

static inline int set_fds(int fd, unsigned int index, unsigned int start,
			  unsigned int count, const int32_t *fds)
{
	return set_irqs(fd, PASSTHRU_IRQ_SET_EVENTFD, index, start, count, fds);
}

/* The eventfd's count after waiting up to @ms for it (0: none came). */
static inline uint64_t wait_efd(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1 && read(efd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	return v;
}

static inline int new_efd(void)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (efd < 0)
		die("eventfd");
	return efd;
}

/* How many lines of /proc/interrupts name @what. */
static inline int proc_interrupts(const char *what)
{
	char line[512];
	FILE *f = fopen("/proc/interrupts", "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, what))
			n++;
	if (f)
		fclose(f);
	return n;
}

#endif /* PT_UTIL_H */
