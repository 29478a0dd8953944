// SPDX-License-Identifier: GPL-2.0
/*
 * passthru vmx: the passthrough devices of a VMware .vmx file (its
 * pciPassthruN entries), matched to this host and checked as doctor
 * checks a function; --bind binds those that are ready.  The file is
 * input from elsewhere: every line is read whole, whatever its length,
 * and everything printed from it is made safe (out.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "passthru.h"

int opt_bind;

/* A pciPassthruN entry of a .vmx file. */
struct vmx_dev {
	int seen;
	char present[16], id[32], vendor[16], device[16], system[64];
	char virtual_dev[16], msi[16], slot[16];
};

/* pciPassthruN: N as VMware numbers them; larger ones are malformed. */
#define VMX_MAX_INDEX 1024

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

/* Set @field of @d; a value too long for it is malformed (returns 0). */
static int vmx_set(struct vmx_dev *d, const char *field, const char *value)
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

	d->seen = 1;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (strcasecmp(field, fields[i].name))
			continue;
		if (strlen(value) >= fields[i].len)
			return 0;
		copy_str((char *)d + fields[i].off, fields[i].len, value);
	}
	return 1;
}

/* "03:00.0" (VMware's form) or "0000:03:00.0", nothing after it. */
static int vmx_bdf(const char *id, char *bdf)
{
	unsigned int dom = 0, bus, dev, fn;
	int end = -1;

	if (sscanf(id, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &end) != 4 ||
	    id[end]) {
		dom = 0;
		end = -1;
		if (sscanf(id, "%x:%x.%x%n", &bus, &dev, &fn, &end) != 3 || id[end])
			return 0;
	}
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return 0;
	snprintf(bdf, BDF_LEN, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 1;
}

static void vmx_malformed(const char *file, int n, const char *text,
			  const char *why)
{
	char a[512], b[2048];

	if (json) {
		j_begin('{');
		j_key("line");
		j_num(n);
		j_key("text");
		j_str(text);
		j_end('}');
	} else {
		printf("%s:%d: %s, skipped: %s\n", safe(file, a, sizeof(a)), n,
		       why, safe(text, b, sizeof(b)));
	}
}

/* Read @f's pciPassthruN entries into *@devs (*@ndevs of them). */
static int vmx_read(FILE *f, const char *file, struct vmx_dev **devs,
		    unsigned int *ndevs)
{
	size_t cap = 0;
	char *line = NULL, *copy;
	int n = 0, malformed = 0;

	while (getline(&line, &cap, f) >= 0) {
		char *key, *value, *dot, *p = line;
		unsigned long idx;

		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
			continue;
		copy = strdup(line);
		if (!copy)
			break;
		copy[strcspn(copy, "\r\n")] = '\0';
		if (!vmx_line(line, &key, &value)) {
			vmx_malformed(file, n, copy, "malformed line");
			malformed++;
		} else if (!strncasecmp(key, "pciPassthru", 11)) {
			idx = strtoul(key + 11, &dot, 10);
			if (dot == key + 11 || *dot != '.') {
				/* pciPassthru.foo: not an entry */
			} else if (idx >= VMX_MAX_INDEX) {
				vmx_malformed(file, n, copy, "entry number too large");
				malformed++;
			} else {
				if (idx >= *ndevs) {
					struct vmx_dev *more;

					more = realloc(*devs, (idx + 1) * sizeof(**devs));
					if (!more) {
						free(copy);
						break;
					}
					memset(more + *ndevs, 0,
					       (idx + 1 - *ndevs) * sizeof(*more));
					*devs = more;
					*ndevs = idx + 1;
				}
				if (!vmx_set(&(*devs)[idx], dot + 1, value)) {
					vmx_malformed(file, n, copy, "value too long");
					malformed++;
				}
			}
		}
		free(copy);
	}
	free(line);
	return malformed;
}

/* The checks of one entry, then --bind; returns 1 when not ready. */
static int vmx_entry(const struct vmx_dev *d, unsigned int idx,
		     const char *uuid, int first)
{
	char bdf[BDF_LEN], vendor[16], device[16], what[64];
	char a[128], b[64], c[64];
	int fails = n_fail, ok_ids;

	snprintf(what, sizeof(what), "pciPassthru%u", idx);
	if (json) {
		j_begin('{');
		j_key("entry");
		j_str(what);
		j_key("id");
		j_str(d->id);
		j_key("checks");
		j_begin('[');
		n_checks = 0;
	} else {
		printf("%s%s: id %s, %s:%s\n", first ? "" : "\n", what,
		       safe(d->id, a, sizeof(a)), safe(d->vendor, b, sizeof(b)),
		       safe(d->device, c, sizeof(c)));
	}
	if (!vmx_bdf(d->id, bdf)) {
		report("fail", what, "id \"%s\" is not a PCI address (BB:DD.F)", d->id);
		goto done;
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
done:
	if (json)
		j_end(']');
	if (opt_bind && n_fail == fails) {
		int bound = !bind_one(bdf, 0);

		if (!bound)
			n_fail++;
		if (json) {
			j_key("bound");
			j_bool(bound);
		}
	}
	if (json) {
		j_key("ready");
		j_bool(n_fail == fails);
		j_end('}');
	} else {
		printf("%s: %s\n", what, n_fail == fails ? "READY" : "NOT READY");
	}
	return n_fail != fails;
}

int cmd_vmx(const struct command *cmd, int argc, char **argv)
{
	struct vmx_dev *devs = NULL;
	unsigned int ndevs = 0, idx;
	int malformed, notready = 0, first = 1;
	char uuid[64], buf[512];
	FILE *f;

	if (argc != 1) {
		usage_error(cmd, "takes one .vmx file");
		return EXIT_USAGE;
	}
	f = fopen(argv[0], "r");
	if (!f) {
		fprintf(stderr, "passthru: %s: %s\n", safe(argv[0], buf, sizeof(buf)),
			strerror(errno));
		return EXIT_NOT_READY;
	}
	if (json) {
		j_begin('{');
		j_key("file");
		j_str(argv[0]);
		j_key("malformed");
		j_begin('[');
	}
	malformed = vmx_read(f, argv[0], &devs, &ndevs);
	fclose(f);
	attr(uuid, sizeof(uuid), "/sys/class/dmi/id/product_uuid");
	if (json) {
		j_end(']');
		j_key("devices");
		j_begin('[');
	}
	for (idx = 0; idx < ndevs; idx++) {
		if (!devs[idx].seen || !vmx_true(devs[idx].present))
			continue;
		notready += vmx_entry(&devs[idx], idx, uuid, first);
		first = 0;
	}
	if (json) {
		j_end(']');
		j_end('}');
	}
	free(devs);
	return notready || malformed ? EXIT_NOT_READY : EXIT_READY;
}
