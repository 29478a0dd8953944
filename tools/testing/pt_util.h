/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-guest test programs: one line per check, "ok -
 * NAME" or "not ok - NAME: why", and small sysfs and ioctl wrappers.
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
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/passthru.h>

static int failures;

static inline void check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		printf("ok - %s\n", name);
	} else {
		printf("not ok - %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		failures++;
	}
	fflush(stdout);
}

/* A check that cannot run here, with the reason. */
static inline void skip_check(const char *name, const char *why)
{
	printf("skip - %s: %s\n", name, why);
	fflush(stdout);
}

static inline void die(const char *what)
{
	printf("not ok - %s: %s\n", what, strerror(errno));
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

#endif /* PT_UTIL_H */
