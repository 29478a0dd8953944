// SPDX-License-Identifier: GPL-2.0
/*
 * passthru list: every PCI function and whether it can be passed
 * through, and which are designated at boot (persist.c), including
 * records of functions that are not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passthru.h"

/* The records of persist.d, read once: the well-formed ones. */
struct records {
	struct record {
		char bdf[BDF_LEN];
		char ids[IDS_LEN];
		int listed;
	} *rec;
	int n, cap, bad;
};

/* persist_each()'s callback: keep a record, report what is not one. */
static void add_record(const char *name, const char *ids, const char *why,
		       void *arg)
{
	struct records *r = arg;
	struct record *more;

	if (!ids) {
		error("ignored: %s", why);
		r->bad++;
		return;
	}
	if (r->n == r->cap) {
		more = realloc(r->rec, (r->cap ? 2 * r->cap : 16) * sizeof(*more));
		if (!more) {
			error("%s/%s: out of memory", persist_dir(), name);
			r->bad++;
			return;
		}
		r->rec = more;
		r->cap = r->cap ? 2 * r->cap : 16;
	}
	copy_str(r->rec[r->n].bdf, BDF_LEN, name);
	copy_str(r->rec[r->n].ids, IDS_LEN, ids);
	r->rec[r->n++].listed = 0;
}

/* Is @bdf designated at boot?  Marks its record listed. */
static int recorded(struct records *r, const char *bdf)
{
	int i;

	for (i = 0; i < r->n; i++) {
		if (!strcmp(r->rec[i].bdf, bdf)) {
			r->rec[i].listed = 1;
			return 1;
		}
	}
	return 0;
}

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

static void list_json(const struct func *f, const char *state, int persistent)
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
	j_key("persistent");
	j_bool(persistent);
	j_key("passthrough");
	j_str(state);
	j_end('}');
}

static void list_text(const struct func *f, const char *state, int persistent)
{
	char a[64], b[64], c[64], d[256];

	printf("%-13s %s:%s %-7.6s %-6s %-12s %-16s %-7s %s\n",
	       safe(f->bdf, a, sizeof(a)), f->vendor + 2, f->device + 2,
	       f->class + 2, f->group[0] ? safe(f->group, c, sizeof(c)) : "-",
	       f->driver[0] ? safe(f->driver, b, sizeof(b)) : "-",
	       f->reset[0] ? safe(f->reset, d, sizeof(d)) : "-",
	       persistent ? "yes" : "-", state);
}

/* A record whose function is not there (yet, or any more). */
static void list_absent(const char *bdf, const char *ids)
{
	struct func f = { .driver = "" };

	copy_str(f.bdf, sizeof(f.bdf), bdf);
	snprintf(f.vendor, sizeof(f.vendor), "0x%.4s", ids);
	snprintf(f.device, sizeof(f.device), "0x%.4s", ids + 5);
	copy_str(f.class, sizeof(f.class), "0x??????");
	if (json)
		list_json(&f, "absent", 1);
	else
		list_text(&f, "absent", 1);
}

/*
 * Malformed records are reported on stderr and skipped; the list is
 * still printed, and the exit status is 1.
 */
int cmd_list(const struct command *cmd, int argc, char **argv)
{
	struct records r = { 0 };
	char **names;
	int n, i, ret;

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
	ret = persist_each(add_record, &r);
	if (ret) {
		error("%s: %s", persist_dir(), strerror(-ret));
		r.bad++;
	}
	if (json)
		j_begin('[');
	else
		printf("%-13s %-9s %-7s %-6s %-12s %-16s %-7s %s\n", "FUNCTION", "ID",
		       "CLASS", "GROUP", "DRIVER", "RESET", "PERSIST", "PASSTHROUGH");
	for (i = 0; i < n; i++) {
		struct func f;
		const char *state;

		/* A function that goes away meanwhile is listed as such. */
		if (func_read(&f, names[i]))
			state = "gone";
		else
			state = passthrough_state(&f);
		if (json)
			list_json(&f, state, recorded(&r, f.bdf));
		else
			list_text(&f, state, recorded(&r, f.bdf));
	}
	for (i = 0; i < r.n; i++)
		if (!r.rec[i].listed)
			list_absent(r.rec[i].bdf, r.rec[i].ids);
	if (json)
		j_end(']');
	free_funcs(names, n);
	free(r.rec);
	return r.bad ? EXIT_NOT_READY : EXIT_READY;
}
