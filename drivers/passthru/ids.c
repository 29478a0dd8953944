// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of the ids= module parameter.  Pure logic: no PCI device, no
 * allocation, so the KUnit suite passthru_ids covers all of it.
 *
 * One entry reads vendor:device[:subvendor:subdevice[:class:class_mask]],
 * every field in hex without a 0x prefix.  The four ID fields take one to
 * four digits or "*" for any value; class and class_mask take one to six
 * digits.  An entry that would match every PCI function is refused.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/string.h>

#include "compat.h"
#include "passthru_priv.h"

#define PASSTHRU_ID_FIELDS 6

/* Parse one field of @len characters at @s; return 0 or -EINVAL. */
static int parse_field(const char *s, size_t len, unsigned int max_digits,
		       bool wildcard_ok, u32 *out)
{
	u32 val = 0;
	size_t i;

	if (wildcard_ok && len == 1 && s[0] == '*') {
		*out = PCI_ANY_ID;
		return 0;
	}
	if (len == 0 || len > max_digits)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int digit = hex_to_bin(s[i]);

		if (digit < 0)
			return -EINVAL;
		val = (val << 4) | digit;
	}
	*out = val;
	return 0;
}

/**
 * passthru_parse_id() - parse one entry of the ids= parameter
 * @text: the entry, NUL-terminated, without the separating commas
 * @id: filled on success; fields the entry leaves out match anything
 *
 * Context: any context.
 * Return: 0 on success, -EINVAL if @text is not a well-formed entry or
 * would match every PCI function.
 */
int passthru_parse_id(const char *text, struct pci_device_id *id)
{
	u32 val[PASSTHRU_ID_FIELDS] = {
		PCI_ANY_ID, PCI_ANY_ID, PCI_ANY_ID, PCI_ANY_ID, 0, 0
	};
	unsigned int n = 0;
	const char *s = text;

	for (;;) {
		size_t len = strcspn(s, ":");
		bool is_class = n >= 4;
		int ret;

		if (n == PASSTHRU_ID_FIELDS)
			return -EINVAL;
		ret = parse_field(s, len, is_class ? 6 : 4, !is_class, &val[n]);
		if (ret)
			return ret;
		n++;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	if (n != 2 && n != 4 && n != 6)
		return -EINVAL;
	if (val[0] == PCI_ANY_ID && val[1] == PCI_ANY_ID &&
	    val[2] == PCI_ANY_ID && val[3] == PCI_ANY_ID && val[5] == 0)
		return -EINVAL;
	/* Bits of the class outside the mask could never match. */
	if (val[4] & ~val[5])
		return -EINVAL;

	memset(id, 0, sizeof(*id));
	id->vendor = val[0];
	id->device = val[1];
	id->subvendor = val[2];
	id->subdevice = val[3];
	id->class = val[4];
	id->class_mask = val[5];
	return 0;
}
