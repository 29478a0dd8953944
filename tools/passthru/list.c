// SPDX-License-Identifier: GPL-2.0
/* passthru list: every PCI function and whether it can be passed through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passthru.h"

static const char *passthrough_state(const struct func *f)
{
	char who[64], drv[64];

	if (f->bridge)
		return "no: a bridge";
	if (!f->group[0])
		return "no: no IOMMU group";
	if (group_blocker(f->group, f->bdf, who, drv, sizeof(who)))
		return "group not viable";
	return !strcmp(f->driver, "passthru") ? "held" : "possible";
}

static void list_json(const struct func *f, const char *state)
{
	j_begin('{');
	j_key("function");
	j_str(f->bdf);
	j_key("vendor");
	j_str(f->vendor + 2);
	j_key("device");
	j_str(f->device + 2);
	j_key("class");
	j_str(f->class + 2);
	j_key("iommu_group");
	if (f->group[0])
		j_num(strtoull(f->group, NULL, 10));
	else
		j_null();
	j_key("driver");
	j_str(f->driver);
	j_key("reset_methods");
	j_str(f->reset);
	j_key("passthrough");
	j_str(state);
	j_end('}');
}

int cmd_list(const struct command *cmd, int argc, char **argv)
{
	char a[64], b[64], c[64], d[256];
	char **names;
	int n, i;

	(void)argv;
	if (argc) {
		usage_error(cmd, "takes no arguments");
		return EXIT_USAGE;
	}
	names = list_funcs(&n);
	if (!names) {
		perror("passthru list");
		return EXIT_NOT_READY;
	}
	if (json)
		j_begin('[');
	else
		printf("%-13s %-9s %-7s %-6s %-12s %-16s %s\n", "FUNCTION", "ID",
		       "CLASS", "GROUP", "DRIVER", "RESET", "PASSTHROUGH");
	for (i = 0; i < n; i++) {
		struct func f;
		const char *state;

		/* A function that goes away meanwhile is listed as such. */
		if (func_read(&f, names[i]))
			state = "gone";
		else
			state = passthrough_state(&f);
		if (json) {
			list_json(&f, state);
			continue;
		}
		printf("%-13s %s:%s %-7.6s %-6s %-12s %-16s %s\n",
		       safe(f.bdf, a, sizeof(a)), f.vendor + 2, f.device + 2,
		       f.class + 2, f.group[0] ? safe(f.group, c, sizeof(c)) : "-",
		       f.driver[0] ? safe(f.driver, b, sizeof(b)) : "-",
		       f.reset[0] ? safe(f.reset, d, sizeof(d)) : "-", state);
	}
	if (json)
		j_end(']');
	free_funcs(names, n);
	return EXIT_READY;
}
