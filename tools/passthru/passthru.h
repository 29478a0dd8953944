/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The passthru command: what its commands share.  Each command is one
 * file (list.c, doctor.c, bind.c, info.c, vmx.c, udev.c) with an entry in
 * main.c's table; sysfs.c reads and writes sysfs, out.c prints (text made
 * safe for a terminal, and JSON); host.c, route.c and rtnl.c find what
 * the host stands on (its filesystems, swap and default routes);
 * persist.c keeps the designations that survive a reboot.
 */
#ifndef PASSTHRU_CLI_H
#define PASSTHRU_CLI_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#define SYS_PCI "/sys/bus/pci/devices"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The length of "dddd:bb:dd.f" and its NUL. */
#define BDF_LEN 13
/* The length of "vvvv:dddd", a function's vendor and device IDs, and its NUL. */
#define IDS_LEN 10

/* Exit statuses (passthru.8). */
#define EXIT_READY 0
#define EXIT_NOT_READY 1
#define EXIT_USAGE 2
#define EXIT_NEEDED 3	/* bind refused: the host stands on the function */

/**
 * struct command - one command of the passthru program
 * @name: what the user types
 * @args: its arguments, for the usage line
 * @summary: one line on what it does
 * @help: its options, one per line, for "passthru NAME --help"
 * @run: runs it on the arguments left after its options; returns the
 *	exit status
 * @options: its long options (ended by a zeroed entry); --help is every
 *	command's and is handled by main.c
 */
struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	int (*run)(const struct command *cmd, int argc, char **argv);
	const struct cmd_option {
		const char *name;
		int *flag;
	} options[4];
};

extern int json, opt_group, opt_force, opt_bind, opt_persist;

int cmd_list(const struct command *cmd, int argc, char **argv);
int cmd_doctor(const struct command *cmd, int argc, char **argv);
int cmd_bind(const struct command *cmd, int argc, char **argv);
int cmd_unbind(const struct command *cmd, int argc, char **argv);
int cmd_info(const struct command *cmd, int argc, char **argv);
int cmd_vmx(const struct command *cmd, int argc, char **argv);
int cmd_udev_add(const struct command *cmd, int argc, char **argv);
void usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sysfs.c */
struct func {
	char bdf[BDF_LEN];
	char vendor[8], device[8], class[10];
	char driver[64];
	char group[16];
	char reset[64];
	int bridge;
};

void copy_str(char *dst, size_t len, const char *src);
int kpath(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kexists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fake_root(void);
int join(char *buf, size_t len, const char *dir, const char *leaf);
int has_entry(const char *dir, const char *leaf);
char *attr_path(char *buf, size_t len, const char *path);
char *attr_at(char *buf, size_t len, const char *dir, const char *leaf);
char *attr(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *link_name(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int write_attr(const char *value, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int parse_bdf(const char *arg, char *bdf);
int exists(const char *bdf);
int func_read(struct func *f, const char *bdf);
void func_ids(const struct func *f, char *ids);
char **list_funcs(int *n);
void free_funcs(char **names, int n);
int group_blocker(const char *group, const char *except, char *who,
		  char *drv, size_t len);
int count_dir(const char *kernel_path);
int file_has(const char *kernel_path, const char *needle);
int has_cap(const char *bdf, int id);

/* out.c */
extern int log_kmsg;
const char *safe(const char *s, char *buf, size_t len);
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_at(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void j_begin(char bracket);
void j_end(char bracket);
void j_key(const char *key);
void j_str(const char *s);
void j_num(unsigned long long v);
void j_bool(int v);
void j_null(void);

/* doctor.c, for vmx.c */
extern int n_fail, n_warn, n_checks;
void report(const char *level, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void doctor_func(const char *bdf, int need_held);

/* host.c, route.c: what the host stands on */
/**
 * struct need - one search for what of the host lies below a function
 * @fpath: the function's sysfs directory, resolved
 * @flen: its length
 * @visits: devices visited so far (bounded: sysfs could loop in a fake tree)
 * @found: the host needs the function
 * @why: how, once found
 */
struct need {
	char fpath[PATH_MAX];
	size_t flen;
	int visits;
	int found;
	char why[1024];
};

int host_needs(const char *bdf, char *why, size_t len);
int name_ok(const char *name);
int need_visit(struct need *n, int depth);
void need_leaf(struct need *n, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void chain_add(char *buf, size_t len, const char *chain, const char *name,
	       const char *kind);
int routes_need(struct need *n);
void default_route_oif(struct need *n, int family, unsigned int table,
		       unsigned int ifindex);
int rtnl_default_routes(struct need *n, int family);

/* persist.c: designations that survive a reboot */
const char *persist_dir(void);
int persist_get(const char *bdf, char *ids, char *why, size_t len);
int persist_put(const char *bdf, const char *ids);
int persist_del(const char *bdf);
int persist_each(void (*fn)(const char *name, const char *ids,
			    const char *why, void *arg), void *arg);

/* bind.c, for vmx.c */
int bind_one(const char *bdf, int force);

#endif /* PASSTHRU_CLI_H */
