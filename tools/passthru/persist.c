// SPDX-License-Identifier: GPL-2.0
/*
 * Designations that survive a reboot: one record per function,
 * /etc/passthru/persist.d/DDDD:BB:DD.F (PASSTHRU_CONFDIR for tests),
 * holding the function's "vendor:device" as bind --persist found it.
 * udev/61-passthru-persist.rules runs "passthru udev-add" for a function
 * that has a record when it appears (coldplug at boot, hot-add).
 *
 * A record is read as input that may be damaged or planted: its name must
 * be an address as sysfs writes it, the file a regular file of at most a
 * line, owned by root (or whoever runs the command) and writable by no
 * one else, in a directory that only its owner can write; anything else
 * is refused, saying why, and never followed or used in a path.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "passthru.h"

#define PERSIST_DIR "/etc/passthru/persist.d"
/* A record is "vvvv:dddd\n": a larger file is not one. */
#define RECORD_MAX 64

const char *persist_dir(void)
{
	const char *dir = getenv("PASSTHRU_CONFDIR");

	return dir && *dir ? dir : PERSIST_DIR;
}

/* Owned by root or by us, writable by no one else. */
static const char *owner_problem(const struct stat *st)
{
	if (st->st_uid && st->st_uid != geteuid())
		return "owned by another user";
	if (st->st_mode & 0022)
		return "writable by group or others";
	return NULL;
}

/* Is the directory fit to designate functions?  NULL, or what is wrong. */
static const char *dir_problem(const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		return errno == ENOENT ? NULL : strerror(errno);
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	return owner_problem(&st);
}

/* @name is an address exactly as sysfs writes it ("0000:03:00.0"). */
static int record_name_ok(const char *name)
{
	char bdf[BDF_LEN];

	return strlen(name) == BDF_LEN - 1 && !parse_bdf(name, bdf) &&
	       !strcmp(name, bdf);
}

/* "vvvv:dddd" and at most a newline, lower-case hex. */
static int record_text_ok(const char *text, size_t n)
{
	size_t i;

	if (n != 9 && !(n == 10 && text[9] == '\n'))
		return 0;
	for (i = 0; i < 9; i++) {
		unsigned char c = text[i];

		if (i == 4 && c != ':')
			return 0;
		if (i != 4 && (!isxdigit(c) || isupper(c)))
			return 0;
	}
	return 1;
}

/* Read an open record into @ids (IDS_LEN); NULL, or what is wrong. */
static const char *record_read(int fd, char *ids)
{
	char text[RECORD_MAX + 1];
	const char *why;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	why = owner_problem(&st);
	if (why)
		return why;
	if (st.st_size > RECORD_MAX)
		return "too large to be a record";
	n = read(fd, text, RECORD_MAX + 1);
	if (n < 0)
		return strerror(errno);
	if (!record_text_ok(text, n))
		return "not \"vendor:device\" in hex";
	memcpy(ids, text, 9);
	ids[9] = '\0';
	return NULL;
}

/*
 * The record of @bdf (as sysfs writes it): 1 and its IDs in @ids
 * (IDS_LEN bytes), 0 when there is none, -1 when what is there is not a
 * record; @why (of @len bytes) then says why.
 */
int persist_get(const char *bdf, char *ids, char *why, size_t len)
{
	const char *dir = persist_dir(), *problem;
	char path[PATH_MAX];
	struct stat st;
	int fd;

	problem = dir_problem(dir);
	if (problem) {
		snprintf(why, len, "%s: %s", dir, problem);
		return -1;
	}
	if (!record_name_ok(bdf) || join(path, sizeof(path), dir, bdf))
		return 0;
	/* Not even opened unless a regular file: opening a device acts. */
	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		problem = strerror(errno);
	} else if (S_ISLNK(st.st_mode)) {
		problem = "a symbolic link, not a record";
	} else if (!S_ISREG(st.st_mode)) {
		problem = "not a regular file";
	} else {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		problem = fd < 0 ? strerror(errno) : record_read(fd, ids);
		if (fd >= 0)
			close(fd);
	}
	if (problem) {
		snprintf(why, len, "%s: %s", path, problem);
		return -1;
	}
	return 1;
}

/* mkdir -p of the record directory, mode 0755. */
static int make_dir(const char *dir)
{
	char path[PATH_MAX], *p;

	if (strlen(dir) >= sizeof(path))
		return -ENAMETOOLONG;
	copy_str(path, sizeof(path), dir);
	for (p = path + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0755) && errno != EEXIST)
				return -errno;
			*p = c;
		}
		if (!*p)
			return 0;
	}
}

/* Write @text to a new file in @dir and rename it to @bdf, durably. */
static int write_record(const char *dir, const char *bdf, const char *text)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	size_t n = strlen(text);
	int fd, ret = 0, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, bdf) >= (int)sizeof(tmp) ||
	    join(path, sizeof(path), dir, bdf))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) || write(fd, text, n) != (ssize_t)n || fsync(fd))
		ret = errno ? -errno : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Record @bdf with its IDs @ids ("vvvv:dddd"); 0 or a negative errno. */
int persist_put(const char *bdf, const char *ids)
{
	const char *dir = persist_dir();
	char text[16];
	int ret;

	if (!record_name_ok(bdf) || !record_text_ok(ids, strlen(ids)))
		return -EINVAL;
	ret = make_dir(dir);
	if (ret)
		return ret;
	snprintf(text, sizeof(text), "%s\n", ids);
	return write_record(dir, bdf, text);
}

/* Forget @bdf: 0 when its record went, 1 when it had none, or -errno. */
int persist_del(const char *bdf)
{
	char path[PATH_MAX];

	if (!record_name_ok(bdf) || join(path, sizeof(path), persist_dir(), bdf))
		return -EINVAL;
	if (!unlink(path))
		return 0;
	return errno == ENOENT ? 1 : -errno;
}

/*
 * Each entry of the record directory, sorted: @fn gets the name, and
 * either the IDs of a record or (@ids NULL) why the entry is not one
 * (its path first; made safe for a terminal by whoever prints it).
 * Hidden entries (a record being written) are skipped.  Returns 0, or
 * -errno when the directory cannot be read (none is no error).
 */
int persist_each(void (*fn)(const char *name, const char *ids,
			    const char *why, void *arg), void *arg)
{
	char ids[IDS_LEN], why[PATH_MAX + 128];
	struct dirent **names;
	const char *dir = persist_dir();
	int i, n;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		int got = 0;

		if (name[0] != '.' && !record_name_ok(name)) {
			snprintf(why, sizeof(why),
				 "%s/%.*s: not a PCI address as sysfs writes it (DDDD:BB:DD.F)",
				 dir, NAME_MAX, name);
			got = -1;
		} else if (name[0] != '.') {
			got = persist_get(name, ids, why, sizeof(why));
		}
		if (got)
			fn(name, got > 0 ? ids : NULL, got > 0 ? NULL : why, arg);
		free(names[i]);
	}
	free(names);
	return 0;
}
