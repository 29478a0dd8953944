// SPDX-License-Identifier: GPL-2.0
/*
 * passthru: the administrator's command for PCI passthrough hosts.
 *
 *   passthru list [--json]              every PCI function and its state
 *   passthru doctor [--json] [BDF...]   is this host, are these functions,
 *                                       ready for passthrough?
 *   passthru bind [--group] [--force] BDF...
 *   passthru unbind BDF...
 *   passthru info [--json] BDF          the function as passthru sees it
 *   passthru vmx [--json] [--bind] FILE  the passthrough devices of a VMware
 *                                       .vmx file, matched to this host
 *
 * See passthru.8 for the checks and the exit statuses.  Only libc; sysfs
 * and the passthru uAPI.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/passthru.h>

#define SYS_PCI "/sys/bus/pci/devices"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_FUNCS 1024

static int json;

/* Copy @src into @dst of @len bytes, cut if need be. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Read a sysfs attribute into @buf, newline stripped; "" if absent. */
static char *attr(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* The last path component of a symlink, or "" if none. */
static char *link_name(char *buf, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX], target[PATH_MAX];
	va_list ap;
	ssize_t n;
	char *slash;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return buf;
	target[n] = '\0';
	slash = strrchr(target, '/');
	copy_str(buf, len, slash ? slash + 1 : target);
	return buf;
}

static int write_attr(const char *value, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Normalise "BB:DD.F" to "0000:BB:DD.F". */
static const char *full_bdf(const char *bdf, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", strlen(bdf) == 7 ? "0000:" : "", bdf);
	return buf;
}

static int exists(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYS_PCI "/%s", bdf);
	return !access(path, F_OK);
}

/* Print @s as a JSON string. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

struct func {
	char bdf[16];
	char vendor[8], device[8], class[10];
	char driver[64];
	char group[16];
	char reset[64];
	int bridge;
};

static void func_read(struct func *f, const char *bdf)
{
	copy_str(f->bdf, sizeof(f->bdf), bdf);
	attr(f->vendor, sizeof(f->vendor), SYS_PCI "/%s/vendor", bdf);
	attr(f->device, sizeof(f->device), SYS_PCI "/%s/device", bdf);
	attr(f->class, sizeof(f->class), SYS_PCI "/%s/class", bdf);
	link_name(f->driver, sizeof(f->driver), SYS_PCI "/%s/driver", bdf);
	link_name(f->group, sizeof(f->group), SYS_PCI "/%s/iommu_group", bdf);
	attr(f->reset, sizeof(f->reset), SYS_PCI "/%s/reset_method", bdf);
	f->bridge = !strncmp(f->class, "0x0604", 6) ||
		    !strncmp(f->class, "0x0600", 6);
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The PCI functions of the host, sorted; returns how many. */
static int list_funcs(char **names, int max)
{
	DIR *d = opendir(SYS_PCI);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof(*names), bdf_cmp);
	return n;
}

/*
 * Why a group cannot go to a VM: the first member that is not a bridge
 * and has a driver other than passthru.  Returns 1 and fills @who, @drv.
 */
static int group_blocker(const char *group, const char *except, char *who,
			 char *drv, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct func f;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", group);
	d = opendir(path);
	while (d && !found && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, except))
			continue;
		func_read(&f, e->d_name);
		if (f.bridge || !f.driver[0] || !strcmp(f.driver, "passthru"))
			continue;
		copy_str(who, len, f.bdf);
		copy_str(drv, len, f.driver);
		found = 1;
	}
	if (d)
		closedir(d);
	return found;
}

static int cmd_list(void)
{
	char *names[MAX_FUNCS], who[64], drv[64];
	int n = list_funcs(names, MAX_FUNCS), i;

	if (json)
		printf("[");
	else
		printf("%-13s %-9s %-7s %-6s %-12s %-16s %s\n", "FUNCTION", "ID",
		       "CLASS", "GROUP", "DRIVER", "RESET", "PASSTHROUGH");
	for (i = 0; i < n; i++) {
		struct func f;
		const char *state;

		func_read(&f, names[i]);
		if (f.bridge)
			state = "no: a bridge";
		else if (!f.group[0])
			state = "no: no IOMMU group";
		else if (group_blocker(f.group, f.bdf, who, drv, sizeof(who)))
			state = "group not viable";
		else
			state = !strcmp(f.driver, "passthru") ? "held" : "possible";
		if (json) {
			printf("%s{\"function\": ", i ? ", " : "");
			json_str(f.bdf);
			printf(", \"vendor\": \"%s\", \"device\": \"%s\"",
			       f.vendor + 2, f.device + 2);
			printf(", \"class\": \"%s\", \"iommu_group\": ",
			       f.class + 2);
			if (f.group[0])
				printf("%s", f.group);
			else
				printf("null");
			printf(", \"driver\": ");
			json_str(f.driver);
			printf(", \"reset_methods\": ");
			json_str(f.reset);
			printf(", \"passthrough\": ");
			json_str(state);
			printf("}");
		} else {
			printf("%-13s %s:%s %-7.6s %-6s %-12s %-16s %s\n", f.bdf,
			       f.vendor + 2, f.device + 2, f.class + 2,
			       f.group[0] ? f.group : "-",
			       f.driver[0] ? f.driver : "-",
			       f.reset[0] ? f.reset : "-", state);
		}
		free(names[i]);
	}
	if (json)
		printf("]\n");
	return 0;
}

/* doctor: one verdict per check. */
static int n_fail, n_warn, n_checks;

static void report(const char *level, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(level, "fail"))
		n_fail++;
	else if (!strcmp(level, "warn"))
		n_warn++;
	if (json) {
		printf("%s{\"check\": ", n_checks ? ", " : "");
		json_str(what);
		printf(", \"verdict\": \"%s\", \"detail\": ", level);
		json_str(msg);
		printf("}");
	} else {
		printf("%-4s  %-34s %s\n", !strcmp(level, "ok") ? "ok" :
		       !strcmp(level, "warn") ? "WARN" : "FAIL", what, msg);
	}
	n_checks++;
}

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static int file_has(const char *path, const char *needle)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = !!strstr(line, needle);
	if (f)
		fclose(f);
	return found;
}

static int group_members(const char *group)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", group);
	return count_dir(path);
}

/* Who may create VMs: the VM node's owner, group and mode. */
static void doctor_vm_node(void)
{
	const char *node = "/dev/passthru/vm";
	struct stat st;

	if (stat(node, &st)) {
		report("fail", "VM node", "%s: %s", node, strerror(errno));
		return;
	}
	if (st.st_mode & 0006)
		report("warn", "VM node",
		       "%s is mode %o: any local user can create VMs and pin memory up to their RLIMIT_MEMLOCK; give it to a group (udev/70-passthru.rules) instead",
		       node, st.st_mode & 0777);
	else if (st.st_mode & 0060)
		report("ok", "VM node", "%s: group %u may run VMMs (mode %o)",
		       node, (unsigned int)st.st_gid, st.st_mode & 0777);
	else
		report("ok", "VM node",
		       "%s: only root may run VMMs (mode %o); udev/70-passthru.rules hands it to the kvm group",
		       node, st.st_mode & 0777);
}

static void doctor_host(void)
{
	char buf[256], cmdline[4096];
	int iommus = count_dir("/sys/class/iommu");

	attr(cmdline, sizeof(cmdline), "/proc/cmdline");
	if (iommus) {
		report("ok", "IOMMU", "%d IOMMU unit(s) active (%s)", iommus,
		       count_dir("/sys/class/iommu") &&
		       !access("/sys/class/iommu/dmar0", F_OK) ? "Intel VT-d" :
		       "AMD-Vi or other");
	} else if (strstr(cmdline, "intel_iommu=off") ||
		   strstr(cmdline, "amd_iommu=off")) {
		report("fail", "IOMMU",
		       "the kernel command line turns the IOMMU off (%s): remove that",
		       strstr(cmdline, "intel_iommu=off") ? "intel_iommu=off" :
		       "amd_iommu=off");
	} else {
		report("fail", "IOMMU",
		       "no IOMMU is active: enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup, and boot with intel_iommu=on on Intel");
	}
	if (iommus && file_has("/proc/interrupts", "IR-"))
		report("ok", "interrupt remapping",
		       "enabled (IR- interrupt chips in /proc/interrupts)");
	else if (iommus)
		report("fail", "interrupt remapping",
		       "not enabled: a VM could forge interrupts; passthru refuses to attach unless allow_unsafe_interrupts=1. Enable x2APIC/interrupt remapping in the firmware");
	else
		report("fail", "interrupt remapping", "needs an IOMMU first");

	if (access("/sys/module/passthru", F_OK)) {
		report("fail", "passthru module",
		       "not loaded: insmod passthru.ko (or modprobe passthru)");
		return;
	}
	attr(buf, 64, "/sys/module/passthru/parameters/max_devices_per_vm");
	attr(buf + 64, 64, "/sys/module/passthru/parameters/release_timeout_ms");
	report("ok", "passthru module",
	       "loaded; max_devices_per_vm=%s release_timeout_ms=%s", buf,
	       buf + 64);
	attr(buf, sizeof(buf),
	     "/sys/module/passthru/parameters/allow_unsafe_interrupts");
	if (buf[0] == 'Y')
		report("warn", "allow_unsafe_interrupts",
		       "on: devices attach without interrupt remapping, and a VM can raise any host interrupt");
	doctor_vm_node();
}

/* The first config capability @id of @bdf, from sysfs; 0 if none. */
static int has_cap(const char *bdf, int id)
{
	unsigned char cfg[256];
	char path[PATH_MAX];
	int fd, pos, guard = 48;
	ssize_t n;

	snprintf(path, sizeof(path), SYS_PCI "/%s/config", bdf);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? 0 : read(fd, cfg, sizeof(cfg));
	if (fd >= 0)
		close(fd);
	if (n < 64 || !(cfg[6] & 0x10))
		return 0;
	for (pos = cfg[0x34] & ~3; pos >= 0x40 && pos < n - 1 && guard--;
	     pos = cfg[pos + 1] & ~3)
		if (cfg[pos] == id)
			return pos;
	return 0;
}

/*
 * The checks of one function.  @need_held: not being held by passthru
 * is a failure (doctor); otherwise binding is what comes next (vmx).
 */
static void doctor_func(const char *bdf, int need_held)
{
	char what[64], who[64], drv[64], line[256], path[PATH_MAX];
	unsigned long long start, end, flags;
	struct func f;
	FILE *res;
	int bar = 0;

	copy_str(what, sizeof(what), bdf);
	if (!exists(bdf)) {
		report("fail", what, "no such PCI function (see passthru list)");
		return;
	}
	func_read(&f, bdf);
	if (f.bridge) {
		report("fail", what, "a bridge: pass through the functions behind it instead");
		return;
	}
	if (!f.group[0]) {
		report("fail", what, "not in an IOMMU group: no IOMMU isolates it");
		return;
	}
	if (group_blocker(f.group, f.bdf, who, drv, sizeof(who)))
		report("fail", what,
		       "IOMMU group %s also holds %s, driven by %s: unbind it too (passthru bind --group %s)",
		       f.group, who, drv, bdf);
	else
		report("ok", what, "IOMMU group %s can go to a VM (%d member(s))",
		       f.group, group_members(f.group));
	if (!strcmp(f.driver, "passthru"))
		report("ok", what, "held by passthru: /dev/passthru/%s", bdf);
	else
		report(need_held ? "fail" : "ok", what, "%s%s: passthru bind %s",
		       f.driver[0] ? "driven by the host driver " : "bound to no driver",
		       f.driver, bdf);
	if (f.reset[0])
		report("ok", what, "reset methods: %s", f.reset);
	else
		report("warn", what,
		       "no reset method: what one VM leaves in the function, the next can read");
	/* Conventional PCI behind a PCIe-to-PCI bridge: aliased requester ID. */
	if (!has_cap(bdf, 0x10)) {
		char parent[PATH_MAX], pclass[16];
		char *slash;

		snprintf(path, sizeof(path), SYS_PCI "/%s", bdf);
		slash = realpath(path, parent) ? strrchr(parent, '/') : NULL;
		if (slash) {
			*slash = '\0';
			attr(pclass, sizeof(pclass), "%s/class", parent);
			if (!strncmp(pclass, "0x0604", 6) &&
			    has_cap(strrchr(parent, '/') + 1, 0x10))
				report("warn", what,
				       "conventional PCI behind a PCIe-to-PCI bridge: the bridge's requester ID stands for every function behind it, so they share one IOMMU group and go to one VM together");
		}
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/resource", bdf);
	res = fopen(path, "r");
	while (res && fgets(line, sizeof(line), res)) {
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start) {
			unsigned long long size = end - start + 1;

			if (bar < 6 && (flags & 0x200) && size < 4096)
				report("warn", what,
				       "BAR%d (memory, %llu bytes) is smaller than a page: the VMM must trap its accesses (no mmap)",
				       bar, size);
			if (bar == 6)
				report("ok", what,
				       "has an expansion ROM (%llu KiB), readable through passthru",
				       size / 1024);
		}
		bar++;
	}
	if (res)
		fclose(res);
	attr(line, sizeof(line), SYS_PCI "/%s/power_state", bdf);
	if (!strcmp(line, "D3cold"))
		report("fail", what,
		       "in D3cold: its platform must power it up (check the slot's power and runtime PM: power/control = on)");
}

static int cmd_doctor(int argc, char **argv)
{
	char *names[MAX_FUNCS], bdf[32];
	int i, n, asked = 0;

	if (json)
		printf("[");
	if (access(SYS_PCI, F_OK))
		report("fail", "PCI", "this system has no PCI bus in sysfs");
	doctor_host();
	for (i = 0; i < argc; i++, asked++)
		doctor_func(full_bdf(argv[i], bdf, sizeof(bdf)), 1);
	if (!asked) {
		/* No function named: every function passthru holds. */
		n = list_funcs(names, MAX_FUNCS);
		for (i = 0; i < n; i++) {
			char drv[64];

			link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", names[i]);
			if (!strcmp(drv, "passthru"))
				doctor_func(names[i], 1);
			free(names[i]);
		}
	}
	if (json)
		printf("]\n");
	else
		printf("%s: %d check(s), %d failed, %d warning(s)\n",
		       n_fail ? "NOT READY" : "READY", n_checks, n_fail, n_warn);
	return n_fail ? 1 : 0;
}

/* Does @bdf (or a function below it) back a mounted filesystem? */
static int backs_mount(const char *bdf, char *what, size_t len)
{
	char line[1024], dev[256], real[PATH_MAX], path[PATH_MAX], mine[PATH_MAX];
	FILE *m = fopen("/proc/mounts", "r");
	int found = 0;

	snprintf(path, sizeof(path), SYS_PCI "/%s", bdf);
	if (!realpath(path, mine))
		return 0;
	while (m && !found && fgets(line, sizeof(line), m)) {
		char *name;

		if (sscanf(line, "%255s", dev) != 1 || strncmp(dev, "/dev/", 5))
			continue;
		if (!realpath(dev, real))
			continue;
		name = strrchr(real, '/') + 1;
		snprintf(path, sizeof(path), "/sys/class/block/%s", name);
		if (realpath(path, real) && !strncmp(real, mine, strlen(mine)) &&
		    real[strlen(mine)] == '/') {
			snprintf(what, len, "%s is mounted", dev);
			found = 1;
		}
	}
	if (m)
		fclose(m);
	return found;
}

/* Is @bdf the network device of the default route? */
static int backs_default_route(const char *bdf, char *what, size_t len)
{
	char line[512], ifname[64], dest[16], dev[64];
	FILE *r = fopen("/proc/net/route", "r");
	int found = 0;

	while (r && !found && fgets(line, sizeof(line), r)) {
		if (sscanf(line, "%63s %15s", ifname, dest) != 2 ||
		    strcmp(dest, "00000000"))
			continue;
		link_name(dev, sizeof(dev), "/sys/class/net/%s/device", ifname);
		if (!strcmp(dev, bdf)) {
			snprintf(what, len, "%s carries the default route", ifname);
			found = 1;
		}
	}
	if (r)
		fclose(r);
	return found;
}

static int bind_one(const char *bdf, int force)
{
	char drv[64], why[512];
	int ret;

	if (!exists(bdf)) {
		fprintf(stderr, "passthru: %s: no such PCI function\n", bdf);
		return 1;
	}
	link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
	if (!strcmp(drv, "passthru")) {
		if (!json)
			printf("%s: already held by passthru\n", bdf);
		return 0;
	}
	if (!force && (backs_mount(bdf, why, sizeof(why)) ||
		       backs_default_route(bdf, why, sizeof(why)))) {
		fprintf(stderr,
			"passthru: %s: refusing: %s on this host; taking it away would cut the host off (--force to do it anyway)\n",
			bdf, why);
		return 1;
	}
	if (access("/sys/bus/pci/drivers/passthru", F_OK)) {
		fprintf(stderr, "passthru: the passthru module is not loaded\n");
		return 1;
	}
	ret = write_attr("passthru", SYS_PCI "/%s/driver_override", bdf);
	if (!ret && drv[0])
		ret = write_attr(bdf, SYS_PCI "/%s/driver/unbind", bdf);
	if (!ret)
		write_attr(bdf, "/sys/bus/pci/drivers_probe");
	link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
	if (ret || strcmp(drv, "passthru")) {
		fprintf(stderr, "passthru: %s: %s (see dmesg for passthru's reason)\n",
			bdf, ret ? strerror(-ret) : "passthru did not claim it");
		return 1;
	}
	if (!json)
		printf("%s: held by passthru: /dev/passthru/%s\n", bdf, bdf);
	return 0;
}

static int cmd_bind(int argc, char **argv, int group, int force)
{
	char bdf[32], grp[16], path[PATH_MAX];
	struct dirent *e;
	int i, fails = 0;
	DIR *d;

	for (i = 0; i < argc; i++) {
		full_bdf(argv[i], bdf, sizeof(bdf));
		if (!group) {
			fails += bind_one(bdf, force);
			continue;
		}
		link_name(grp, sizeof(grp), SYS_PCI "/%s/iommu_group", bdf);
		if (!grp[0]) {
			fprintf(stderr, "passthru: %s: no IOMMU group\n", bdf);
			fails++;
			continue;
		}
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", grp);
		d = opendir(path);
		while (d && (e = readdir(d))) {
			struct func f;

			if (e->d_name[0] == '.')
				continue;
			func_read(&f, e->d_name);
			if (!f.bridge)
				fails += bind_one(f.bdf, force);
		}
		if (d)
			closedir(d);
	}
	return fails ? 1 : 0;
}

static int cmd_unbind(int argc, char **argv)
{
	char bdf[32], drv[64];
	int i, fails = 0;

	for (i = 0; i < argc; i++) {
		full_bdf(argv[i], bdf, sizeof(bdf));
		link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
		if (strcmp(drv, "passthru")) {
			fprintf(stderr, "passthru: %s: not held by passthru\n", bdf);
			fails++;
			continue;
		}
		write_attr(bdf, "/sys/bus/pci/drivers/passthru/unbind");
		write_attr("\n", SYS_PCI "/%s/driver_override", bdf);
		write_attr(bdf, "/sys/bus/pci/drivers_probe");
		link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", bdf);
		printf("%s: released; host driver: %s\n", bdf, drv[0] ? drv : "none");
	}
	return fails ? 1 : 0;
}

static int cmd_info(const char *arg)
{
	static const char * const irq_names[] = { "intx", "msi", "msix",
						  "error", "request" };
	struct passthru_device_info info = { .size = sizeof(info) };
	char bdf[32], path[PATH_MAX];
	unsigned int i;
	int fd;

	full_bdf(arg, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "/dev/passthru/%s", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "passthru: %s: %s\n", path,
			errno == ENOENT ? "passthru does not hold it (passthru bind)" :
			errno == EBUSY ? "a VMM has it open" : strerror(errno));
		return 1;
	}
	if (ioctl(fd, PASSTHRU_DEVICE_INFO, &info)) {
		perror("PASSTHRU_DEVICE_INFO");
		return 1;
	}
	if (json) {
		printf("{\"function\": \"%s\", \"vendor\": \"%04x\"", bdf,
		       info.vendor);
		printf(", \"device\": \"%04x\", \"class\": \"%06x\"", info.device,
		       info.class_code);
		printf(", \"iommu_group\": %u, \"pcie\": %s", info.iommu_group,
		       info.caps & PASSTHRU_DEVICE_PCIE ? "true" : "false");
		printf(", \"reset_methods\": %u, \"regions\": [",
		       info.reset_methods);
	} else {
		printf("%s: %04x:%04x class %06x, IOMMU group %u, %s\n", bdf,
		       info.vendor, info.device, info.class_code,
		       info.iommu_group,
		       info.caps & PASSTHRU_DEVICE_PCIE ? "PCI Express" :
		       "conventional PCI");
		printf("reset:%s%s%s%s%s\n",
		       info.reset_methods & PASSTHRU_RESET_FLR ? " FLR" : "",
		       info.reset_methods & PASSTHRU_RESET_PM ? " PM" : "",
		       info.reset_methods & PASSTHRU_RESET_BUS ? " bus" : "",
		       info.reset_methods & PASSTHRU_RESET_OTHER ? " other" : "",
		       info.reset_methods ? "" : " none");
	}
	for (i = 0; i < PASSTHRU_NUM_REGIONS; i++) {
		struct passthru_region_area areas[4];
		struct passthru_region_info ri = {
			.size = sizeof(ri), .index = i, .num_areas = 4,
			.areas = (uintptr_t)areas,
		};

		if (ioctl(fd, PASSTHRU_REGION_INFO, &ri) || !ri.caps)
			continue;
		if (json)
			printf("%s{\"index\": %u, \"size\": %llu, \"caps\": %u%s%u}",
			       i ? ", " : "", i, (unsigned long long)ri.region_size,
			       ri.caps, ", \"mappable_areas\": ", ri.num_areas);
		else
			printf("region %u %-6s %10llu bytes %s%s%s, %u mappable area(s)\n",
			       i, i < 6 ? "BAR" : i == 6 ? "ROM" : "config",
			       (unsigned long long)ri.region_size,
			       ri.caps & PASSTHRU_REGION_IO ? "I/O" : "memory",
			       ri.caps & PASSTHRU_REGION_64BIT ? " 64-bit" : "",
			       ri.caps & PASSTHRU_REGION_PREFETCH ? " prefetchable" : "",
			       ri.num_areas);
	}
	if (json)
		printf("], \"interrupts\": {");
	for (i = 0; i < PASSTHRU_NUM_IRQS; i++) {
		struct passthru_irq_info ii = { .size = sizeof(ii), .index = i };

		if (ioctl(fd, PASSTHRU_IRQ_INFO, &ii))
			continue;
		if (json)
			printf("%s\"%s\": %u", i ? ", " : "", irq_names[i], ii.count);
		else if (ii.count)
			printf("interrupts %-7s %u vector(s)%s\n", irq_names[i],
			       ii.count, ii.caps & PASSTHRU_IRQ_CAP_INTX_DISABLE ?
			       ", masked at the function (line may be shared)" : "");
	}
	if (json)
		printf("}}\n");
	close(fd);
	return 0;
}

/* A pciPassthruN entry of a .vmx file. */
struct vmx_dev {
	int seen;
	char present[16], id[32], vendor[16], device[16], system[64];
	char virtual_dev[16], msi[16], slot[16];
};

#define VMX_MAX 32

static int vmx_true(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1");
}

/* Parse one "key = \"value\"" line; 0 if malformed. */
static int vmx_line(char *line, char **key, char **value)
{
	char *eq = strchr(line, '='), *k = line, *v, *end;

	if (!eq)
		return 0;
	*eq = '\0';
	while (*k == ' ' || *k == '\t')
		k++;
	end = eq;
	while (end > k && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*k || strlen(v) < 2 || v[0] != '"' || end[-1] != '"')
		return 0;
	end[-1] = '\0';
	*key = k;
	*value = v + 1;
	return 1;
}

static void vmx_set(struct vmx_dev *d, const char *field, const char *value)
{
	static const struct { const char *name; size_t off, len; } fields[] = {
		{ "present", offsetof(struct vmx_dev, present), 16 },
		{ "id", offsetof(struct vmx_dev, id), 32 },
		{ "vendorId", offsetof(struct vmx_dev, vendor), 16 },
		{ "deviceId", offsetof(struct vmx_dev, device), 16 },
		{ "systemId", offsetof(struct vmx_dev, system), 64 },
		{ "virtualDev", offsetof(struct vmx_dev, virtual_dev), 16 },
		{ "msiEnabled", offsetof(struct vmx_dev, msi), 16 },
		{ "pciSlotNumber", offsetof(struct vmx_dev, slot), 16 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcasecmp(field, fields[i].name))
			copy_str((char *)d + fields[i].off, fields[i].len, value);
	d->seen = 1;
}

/* "03:00.0" (VMware's form) or "0000:03:00.0" to a sysfs address. */
static int vmx_bdf(const char *id, char *bdf, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;

	if (sscanf(id, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4) {
		dom = 0;
		if (sscanf(id, "%x:%x.%x", &bus, &dev, &fn) != 3)
			return 0;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return 0;
	snprintf(bdf, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 1;
}

static int cmd_vmx(const char *file, int bind)
{
	struct vmx_dev devs[VMX_MAX] = { 0 };
	char line[1024], uuid[64], bdf[32], vendor[16], device[16], what[64];
	int n = 0, malformed = 0, notready = 0, first = 1;
	unsigned int idx;
	FILE *f = fopen(file, "r");

	if (!f) {
		fprintf(stderr, "passthru: %s: %s\n", file, strerror(errno));
		return 1;
	}
	if (json)
		printf("{\"file\": ");
	if (json)
		json_str(file);
	if (json)
		printf(", \"malformed\": [");
	while (fgets(line, sizeof(line), f)) {
		char copy[1024], *key, *value, *dot, *p = line;

		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
			continue;
		copy_str(copy, sizeof(copy), line);
		if (!vmx_line(line, &key, &value)) {
			copy[strcspn(copy, "\r\n")] = '\0';
			if (json) {
				printf("%s{\"line\": %d, \"text\": ", malformed ? ", " : "", n);
				json_str(copy);
				printf("}");
			} else {
				printf("%s:%d: malformed line, skipped: %s\n", file, n, copy);
			}
			malformed++;
			continue;
		}
		if (strncasecmp(key, "pciPassthru", 11))
			continue;
		idx = strtoul(key + 11, &dot, 10);
		if (dot == key + 11 || *dot != '.' || idx >= VMX_MAX)
			continue;
		vmx_set(&devs[idx], dot + 1, value);
	}
	fclose(f);
	attr(uuid, sizeof(uuid), "/sys/class/dmi/id/product_uuid");
	if (json)
		printf("], \"devices\": [");
	for (idx = 0; idx < VMX_MAX; idx++) {
		struct vmx_dev *d = &devs[idx];
		int fails = n_fail, ok_ids;

		if (!d->seen || !vmx_true(d->present))
			continue;
		snprintf(what, sizeof(what), "pciPassthru%u", idx);
		if (json) {
			printf("%s{\"entry\": \"%s\", \"id\": ", first ? "" : ", ", what);
			json_str(d->id);
			printf(", \"checks\": [");
			n_checks = 0;
		} else {
			printf("%s%s: id %s, %s:%s\n", first ? "" : "\n", what,
			       d->id, d->vendor, d->device);
		}
		first = 0;
		if (!vmx_bdf(d->id, bdf, sizeof(bdf))) {
			report("fail", what, "id \"%s\" is not a PCI address (BB:DD.F)",
			       d->id);
			goto next;
		}
		attr(vendor, sizeof(vendor), SYS_PCI "/%s/vendor", bdf);
		attr(device, sizeof(device), SYS_PCI "/%s/device", bdf);
		ok_ids = vendor[0] && strtoul(vendor, NULL, 16) == strtoul(d->vendor, NULL, 16) &&
			 strtoul(device, NULL, 16) == strtoul(d->device, NULL, 16);
		if (!vendor[0])
			report("fail", what, "no PCI function %s on this host", bdf);
		else if (!ok_ids)
			report("fail", what,
			       "%s is %s:%s here, the file says %s:%s: a different device sits at that address",
			       bdf, vendor + 2, device + 2, d->vendor, d->device);
		else
			report("ok", what, "%s is %s:%s, as the file says", bdf,
			       d->vendor, d->device);
		if (d->system[0] && strcasecmp(d->system, uuid))
			report("warn", what,
			       "systemId %s is not this host's (%s): the file comes from another host; check that the addresses still mean the same devices",
			       d->system, uuid[0] ? uuid : "unknown");
		if (!strcasecmp(d->virtual_dev, "pci"))
			report("ok", what,
			       "virtualDev \"pci\": give the VM a conventional PCI slot (QEMU: behind a pcie-pci-bridge)");
		else
			report("ok", what,
			       "virtualDev pcie (default): give the VM a PCIe slot (QEMU: a pcie-root-port)");
		if (d->msi[0] && !vmx_true(d->msi))
			report("ok", what,
			       "msiEnabled FALSE: the VMM should use INTx (PASSTHRU_IRQ_INTX), VMware's IOAPIC mode");
		else
			report("ok", what,
			       "msiEnabled (default TRUE): MSI/MSI-X (PASSTHRU_IRQ_MSI, PASSTHRU_IRQ_MSIX)");
		if (vendor[0] && ok_ids)
			doctor_func(bdf, 0);
		if (bind && n_fail == fails) {
			if (json)
				printf("]");
			if (bind_one(bdf, 0))
				n_fail++;
			if (json)
				printf(", \"bound\": true");
			goto done;
		}
next:
		if (json)
			printf("]");
done:
		if (n_fail != fails)
			notready++;
		if (json)
			printf(", \"ready\": %s}", n_fail == fails ? "true" : "false");
		else
			printf("%s: %s\n", what, n_fail == fails ? "READY" : "NOT READY");
	}
	if (json)
		printf("]}\n");
	return notready || malformed ? 1 : 0;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: passthru list [--json]\n"
		"       passthru doctor [--json] [BDF...]\n"
		"       passthru bind [--group] [--force] BDF...\n"
		"       passthru unbind BDF...\n"
		"       passthru info [--json] BDF\n"
		"       passthru vmx [--json] [--bind] FILE.vmx\n"
		"BDF is DDDD:BB:DD.F or BB:DD.F.  Exit status: 0 ready/done, 1 not ready or\n"
		"failed, 2 usage.  See passthru(8).\n");
}

int main(int argc, char **argv)
{
	int group = 0, force = 0, bind = 0, i, n = 0;
	char *args[256];
	const char *cmd;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	for (i = 2; i < argc && n < 256; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--group"))
			group = 1;
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--bind"))
			bind = 1;
		else if (argv[i][0] != '-')
			args[n++] = argv[i];
		else
			break;
	}
	if (i < argc && !strcmp(argv[i], "--help")) {
		print_usage(stdout);
		return 0;
	}
	if (i < argc) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "list") && !n)
		return cmd_list();
	if (!strcmp(cmd, "doctor"))
		return cmd_doctor(n, args);
	if (!strcmp(cmd, "bind") && n)
		return cmd_bind(n, args, group, force);
	if (!strcmp(cmd, "unbind") && n)
		return cmd_unbind(n, args);
	if (!strcmp(cmd, "info") && n == 1)
		return cmd_info(args[0]);
	if (!strcmp(cmd, "vmx") && n == 1)
		return cmd_vmx(args[0], bind);
	print_usage(stderr);
	return 2;
}
