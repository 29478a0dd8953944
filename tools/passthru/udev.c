// SPDX-License-Identifier: GPL-2.0
/*
 * passthru udev-add: what udev/61-passthru-persist.rules runs when a
 * function with a record (persist.c) appears, at boot (coldplug) or on
 * hot-add.  udev runs it before the rules that load host drivers
 * (80-drivers.rules), so driver_override is set before they probe; a
 * driver that was there first (built in, or loaded in the initramfs) is
 * unbound, as bind does.  The record must name the device found at the
 * address, and bind's checks apply (no --force).  What it says goes to
 * the kernel log as well, where an administrator finds udev's helpers.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "passthru.h"

/* modprobe passthru, as udev would have it loaded; quietly. */
static void load_module(void)
{
	static const char * const paths[] = { "/sbin/modprobe", "/usr/sbin/modprobe" };
	char *const args[] = { "modprobe", "-q", "passthru", NULL };
	unsigned int i;
	int status;
	pid_t pid;

	if (fake_root())
		return;
	i = 0;
	while (i < ARRAY_SIZE(paths) && access(paths[i], X_OK))
		i++;
	if (i == ARRAY_SIZE(paths)) {
		error("passthru is not loaded, and there is no modprobe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		execv(paths[i], args);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		error("cannot run %s: %s", paths[i], strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		error("%s passthru failed", paths[i]);
}

/* Is the device at @bdf the one its record names? */
static int same_device(const char *bdf, const char *ids)
{
	char now[IDS_LEN];
	struct func f;

	if (func_read(&f, bdf)) {
		error("%s: no such PCI function", bdf);
		return 0;
	}
	func_ids(&f, now);
	if (!strcmp(now, ids))
		return 1;
	error("%s: not designating it: the record names %s, the function is %s",
	      bdf, ids, now);
	error_at(bdf,
		 "another device sits there: bind --persist takes it, unbind --persist forgets the record");
	return 0;
}

int cmd_udev_add(const struct command *cmd, int argc, char **argv)
{
	char bdf[BDF_LEN], ids[IDS_LEN], why[PATH_MAX + 64];
	int got;

	if (argc != 1) {
		usage_error(cmd, "takes one function");
		return EXIT_USAGE;
	}
	if (parse_bdf(argv[0], bdf)) {
		usage_error(cmd, "%s: not a PCI address (DDDD:BB:DD.F or BB:DD.F, in hex)",
			    safe(argv[0], why, sizeof(why)));
		return EXIT_USAGE;
	}
	log_kmsg = 1;
	got = persist_get(bdf, ids, why, sizeof(why));
	if (got < 0) {
		error("%s: not designating it: %s", bdf, why);
		return EXIT_NOT_READY;
	}
	if (!got) {
		error("%s: not designated at boot (no %s/%s)", bdf, persist_dir(), bdf);
		return EXIT_NOT_READY;
	}
	if (!same_device(bdf, ids))
		return EXIT_NOT_READY;
	if (!kexists("/sys/bus/pci/drivers/passthru"))
		load_module();
	return bind_one(bdf, 0);
}
