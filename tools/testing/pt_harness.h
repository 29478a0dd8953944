/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test programs on the kselftest harness share: finding a
 * function of the test bed that passthru holds, and a main() for programs
 * whose tests come in groups run one at a time by the guest's scripts.
 * Include it after kselftest_harness.h.
 *
 * A grouped program is called "PROG GROUP [ARGS...]" (pt_test info BDF).
 * Each GROUP is one FIXTURE of the same name ('-' read as '_'); only its
 * tests run, each forked by the harness as usual, and they read ARGS with
 * pt_arg().  Linux 6.1's harness has no test filter of its own, so
 * pt_harness_main() keeps the chosen fixture on the harness's list and
 * drops the others before it runs the list.
 */
#ifndef PT_HARNESS_H
#define PT_HARNESS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A hex sysfs attribute of @bdf; 0 when it cannot be read. */
static inline unsigned int sysfs_id(const char *bdf, const char *attr)
{
	char path[128], id[16];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (f && fgets(id, sizeof(id), f))
		v = strtoul(id, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/*
 * The function with these IDs that passthru holds with the lowest
 * address (its nodes in /dev/passthru), or "".
 */
static inline void find_held(unsigned int vendor, unsigned int device,
			     char *bdf, size_t len)
{
	struct dirent *e;
	DIR *d;

	bdf[0] = '\0';
	d = opendir("/dev/passthru");
	while (d && (e = readdir(d))) {
		/* DDDD:BB:DD.F; the VM node is "vm". */
		if (strlen(e->d_name) != 12 || (bdf[0] && strcmp(e->d_name, bdf) > 0))
			continue;
		if (sysfs_id(e->d_name, "vendor") == vendor &&
		    sysfs_id(e->d_name, "device") == device)
			snprintf(bdf, len, "%s", e->d_name);
	}
	if (d)
		closedir(d);
}

/*
 * The guest's results port, which the host follows as it comes.  lib.sh's
 * ktap_sub holds a program's stdout until the program ends, so what the
 * host must see while a test runs (a "PT-QMP" request for scripts/qmp.py,
 * a fuzzer's seed) is written there directly: one write() per whole line,
 * never mixed with another writer's.
 */
#define PT_RESULTS_PORT "/dev/ttyS1"

/* Write @line (ending in a newline) to the results port; 0 or an errno. */
static inline int pt_results_line(const char *line)
{
	ssize_t len = strlen(line), n;
	int fd, err;

	fd = open(PT_RESULTS_PORT, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, line, len);
	err = n < 0 ? errno : n == len ? 0 : EIO;
	close(fd);
	return err;
}

/*
 * Ask the host to run a QEMU monitor command (scripts/qmp.py), @arguments
 * being a JSON object; 0 or an errno.
 */
static inline int pt_qmp(const char *execute, const char *arguments)
{
	char line[256];
	int len;

	len = snprintf(line, sizeof(line),
		       "PT-QMP {\"execute\": \"%s\", \"arguments\": %s}\n",
		       execute, arguments);
	if (len < 0 || len >= (int)sizeof(line))
		return E2BIG;
	return pt_results_line(line);
}

/* The arguments after the group (grouped) or the program name (not). */
static char **pt_args;
static int pt_nargs;

/* Argument @i after the group, or @dflt when there are fewer. */
static inline const char *pt_arg(int i, const char *dflt)
{
	return i < pt_nargs ? pt_args[i] : dflt;
}

/*
 * main() of a grouped program: run the tests of the fixture argv[1]
 * names, with the arguments after it; usage and exit status 2 for a
 * missing or unknown group.
 */
static inline int pt_harness_main(int argc, char **argv, const char *usage)
{
	struct __fixture_metadata *f;
	char name[64];
	size_t i;

	if (argc < 2 || strlen(argv[1]) >= sizeof(name))
		goto usage;
	for (i = 0; argv[1][i]; i++)
		name[i] = argv[1][i] == '-' ? '_' : argv[1][i];
	name[i] = '\0';
	for (f = __fixture_list; f; f = f->next)
		if (f != &_fixture_global && !strcmp(f->name, name))
			break;
	if (!f)
		goto usage;
	f->next = NULL;
	f->prev = f;
	__fixture_list = f;
	pt_args = argv + 2;
	pt_nargs = argc - 2;
	return test_harness_run(argc, argv);
usage:
	fprintf(stderr, "usage: %s %s\n", argv[0], usage);
	return 2;
}

/* main() of a program whose tests all run on every call, with arguments. */
static inline int pt_harness_main_all(int argc, char **argv)
{
	pt_args = argv + 1;
	pt_nargs = argc - 1;
	return test_harness_run(argc, argv);
}

#endif /* PT_HARNESS_H */
