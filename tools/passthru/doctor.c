// SPDX-License-Identifier: GPL-2.0
/*
 * passthru doctor: is this host, are these functions, ready for
 * passthrough?  One verdict per check, each saying what to do; vmx.c
 * reuses the checks of a function.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "passthru.h"

int n_fail, n_warn, n_checks;

/* One verdict: "ok", "warn" or "fail", on @what, with its detail. */
void report(const char *level, const char *what, const char *fmt, ...)
{
	char msg[1024], safe_what[256], safe_msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strcmp(level, "fail"))
		n_fail++;
	else if (!strcmp(level, "warn"))
		n_warn++;
	n_checks++;
	if (json) {
		j_begin('{');
		j_key("check");
		j_str(what);
		j_key("verdict");
		j_str(level);
		j_key("detail");
		j_str(msg);
		j_end('}');
		return;
	}
	printf("%-4s  %-34s %s\n", !strcmp(level, "ok") ? "ok" :
	       !strcmp(level, "warn") ? "WARN" : "FAIL",
	       safe(what, safe_what, sizeof(safe_what)),
	       safe(msg, safe_msg, sizeof(safe_msg)));
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
	char path[PATH_MAX];
	struct stat st;

	if (kpath(path, sizeof(path), "%s", node) || stat(path, &st)) {
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
		       kexists("/sys/class/iommu/dmar0") ? "Intel VT-d" :
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

	if (!kexists("/sys/module/passthru")) {
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

/* Conventional PCI behind a PCIe-to-PCI bridge: aliased requester ID. */
static void doctor_alias(const char *bdf, const char *what)
{
	char path[PATH_MAX], parent[PATH_MAX], pclass[16];
	char *slash;

	if (has_cap(bdf, PCI_CAP_ID_EXP))
		return;
	kpath(path, sizeof(path), SYS_PCI "/%s", bdf);
	slash = realpath(path, parent) ? strrchr(parent, '/') : NULL;
	if (!slash)
		return;
	*slash = '\0';
	attr_at(pclass, sizeof(pclass), parent, "class");
	if (!strncmp(pclass, "0x0604", 6) &&
	    has_cap(strrchr(parent, '/') + 1, PCI_CAP_ID_EXP))
		report("warn", what,
		       "conventional PCI behind a PCIe-to-PCI bridge: the bridge's requester ID stands for every function behind it, so they share one IOMMU group and go to one VM together");
}

/* The BARs and the ROM, from the resource file: lines of start end flags. */
static void doctor_bars(const char *bdf, const char *what)
{
	unsigned long long start, end, flags;
	char line[256], path[PATH_MAX];
	FILE *res;
	int bar = 0;

	kpath(path, sizeof(path), SYS_PCI "/%s/resource", bdf);
	res = fopen(path, "re");
	while (res && fgets(line, sizeof(line), res)) {
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start) {
			unsigned long long size = end - start + 1;

			/* 0x200: IORESOURCE_MEM; BAR 6 is the ROM. */
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
}

/*
 * The checks of one function, @bdf as sysfs writes it.  @need_held: not
 * being held by passthru is a failure (doctor); otherwise binding is what
 * comes next (vmx).
 */
void doctor_func(const char *bdf, int need_held)
{
	char what[64], who[64], drv[64], line[256], why[1024];
	struct func f;

	copy_str(what, sizeof(what), bdf);
	if (func_read(&f, bdf)) {
		report("fail", what, "no such PCI function (see passthru list)");
		return;
	}
	if (f.bridge) {
		report("fail", what, "a bridge: pass through the functions behind it instead");
		return;
	}
	if (strcmp(f.driver, "passthru") && host_needs(bdf, why, sizeof(why)))
		report("fail", what, "%s: the host needs it, bind refuses it", why);
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
	doctor_alias(bdf, what);
	doctor_bars(bdf, what);
	attr(line, sizeof(line), SYS_PCI "/%s/power_state", bdf);
	if (!strcmp(line, "D3cold"))
		report("fail", what,
		       "in D3cold: its platform must power it up (check the slot's power and runtime PM: power/control = on)");
}

/* persist_each()'s callback: one verdict per record. */
static void doctor_record(const char *name, const char *ids, const char *why,
			  void *arg)
{
	char what[64], now[IDS_LEN];
	int *records = arg;
	struct func f;

	snprintf(what, sizeof(what), "record %s", name);
	if (!ids) {
		report("fail", what, "%s: not applied at boot; remove it, or bind --persist again",
		       why);
		return;
	}
	(*records)++;
	if (func_read(&f, name)) {
		report("warn", what, "designated at boot (%s), but there is no such function", ids);
		return;
	}
	func_ids(&f, now);
	if (strcmp(now, ids))
		report("fail", what,
		       "names %s, but the function is %s: udev-add will not designate it; bind --persist it again, or unbind --persist",
		       ids, now);
	else
		report("ok", what, "%s, designated at boot", ids);
}

/* The records of persist.d, and the udev rule that applies them. */
static void doctor_persist(void)
{
	static const char * const dirs[] = {
		"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d",
		"/usr/lib/udev/rules.d", "/lib/udev/rules.d",
	};
	char path[PATH_MAX];
	unsigned int i;
	int records = 0, ret;

	ret = persist_each(doctor_record, &records);
	if (ret)
		report("fail", "designations at boot", "%s: %s", persist_dir(),
		       strerror(-ret));
	if (!records)
		return;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!join(path, sizeof(path), dirs[i], "61-passthru-persist.rules") &&
		    !access(path, F_OK)) {
			report("ok", "udev rule", "%s applies the records at boot", path);
			return;
		}
	}
	report("warn", "udev rule",
	       "61-passthru-persist.rules is not installed, so nothing applies the records at boot: install udev/61-passthru-persist.rules in /etc/udev/rules.d/");
}

int cmd_doctor(const struct command *cmd, int argc, char **argv)
{
	char bdf[BDF_LEN], drv[64];
	char **names;
	int i, n;

	(void)cmd;
	if (json)
		j_begin('[');
	if (!kexists(SYS_PCI))
		report("fail", "PCI", "this system has no PCI bus in sysfs");
	doctor_host();
	doctor_persist();
	for (i = 0; i < argc; i++) {
		if (parse_bdf(argv[i], bdf))
			report("fail", argv[i],
			       "not a PCI address: DDDD:BB:DD.F or BB:DD.F, in hex");
		else
			doctor_func(bdf, 1);
	}
	if (!argc) {
		/* No function named: every function passthru holds. */
		names = list_funcs(&n);
		for (i = 0; names && i < n; i++) {
			link_name(drv, sizeof(drv), SYS_PCI "/%s/driver", names[i]);
			if (!strcmp(drv, "passthru"))
				doctor_func(names[i], 1);
		}
		if (!names)
			report("fail", "PCI", "cannot list the functions: %s",
			       strerror(errno));
		free_funcs(names, names ? n : 0);
	}
	if (json)
		j_end(']');
	else
		printf("%s: %d check(s), %d failed, %d warning(s)\n",
		       n_fail ? "NOT READY" : "READY", n_checks, n_fail, n_warn);
	return n_fail ? EXIT_NOT_READY : EXIT_READY;
}
