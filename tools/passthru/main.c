// SPDX-License-Identifier: GPL-2.0
/*
 * passthru: the administrator's command for PCI passthrough hosts.
 *
 *   passthru list [--json]              every PCI function and its state
 *   passthru doctor [--json] [BDF...]   is this host, are these functions,
 *                                       ready for passthrough?
 *   passthru bind [--group] [--force] [--persist] BDF...
 *   passthru unbind [--persist] BDF...
 *   passthru info [--json] BDF          the function as passthru sees it
 *   passthru vmx [--json] [--bind] FILE  the passthrough devices of a VMware
 *                                       .vmx file, matched to this host
 *   passthru udev-add BDF              for udev: a designated function
 *                                       appeared
 *   passthru help [COMMAND], passthru COMMAND --help
 *
 * Each command takes only its own options (getopt_long); see passthru.8
 * for the checks and the exit statuses.  Only libc; sysfs and the
 * passthru uAPI.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "passthru.h"

int json;

static const struct command commands[] = {
	{ "list", "", "every PCI function, and whether it can be passed through",
	  "  --json     print JSON\n", cmd_list, { { "json", &json } } },
	{ "doctor", "[BDF...]",
	  "is this host, are these functions (default: those passthru holds), ready?",
	  "  --json     print JSON\n", cmd_doctor, { { "json", &json } } },
	{ "bind", "BDF...", "hand functions to passthru",
	  "  --group    every function of their IOMMU groups (bridges excepted)\n"
	  "  --force    even one the host stands on (a mounted filesystem, swap, a\n"
	  "             default route)\n"
	  "  --persist  and at every boot and hot-add (/etc/passthru/persist.d, read\n"
	  "             by udev/61-passthru-persist.rules)\n",
	  cmd_bind, { { "group", &opt_group }, { "force", &opt_force },
		      { "persist", &opt_persist } } },
	{ "unbind", "BDF...", "give functions back to their host drivers",
	  "  --persist  and forget their designation at boot\n",
	  cmd_unbind, { { "persist", &opt_persist } } },
	{ "info", "BDF", "a function passthru holds, as its uAPI describes it",
	  "  --json     print JSON\n", cmd_info, { { "json", &json } } },
	{ "vmx", "FILE.vmx",
	  "the passthrough devices of a VMware .vmx file, matched to this host",
	  "  --json     print JSON\n"
	  "  --bind     bind each device that is ready\n",
	  cmd_vmx, { { "json", &json }, { "bind", &opt_bind } } },
	{ "udev-add", "BDF",
	  "for udev: a function designated at boot appeared; bind it if it is the one recorded",
	  "", cmd_udev_add, { { 0 } } },
};

static void main_help(FILE *f)
{
	unsigned int i;

	fprintf(f, "usage: passthru COMMAND [OPTIONS] [ARGS]\n\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %-10s %s\n", commands[i].name, commands[i].args,
			commands[i].summary);
	fprintf(f, "\nBDF is DDDD:BB:DD.F or BB:DD.F, in hex.  passthru COMMAND --help\n"
		"lists a command's options.  Exit status: 0 ready/done, 1 not ready or\n"
		"failed, 2 usage, 3 bind refused: the host stands on the function.\n"
		"See passthru(8).\n");
}

static void command_usage(const struct command *cmd, FILE *f)
{
	fprintf(f, "usage: passthru %s%s%s%s\n%s.\n", cmd->name,
		cmd->options[0].name ? " [OPTIONS]" : "", *cmd->args ? " " : "",
		cmd->args, cmd->summary);
	fprintf(f, "\noptions:\n%s  --help     this help\n", cmd->help);
}

/* A command's arguments are wrong: say why, and how it is used. */
void usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "passthru %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	command_usage(cmd, stderr);
}

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Parse @cmd's own options; the index of its first argument, or -1. */
static int parse_options(const struct command *cmd, int argc, char **argv)
{
	struct option longopts[ARRAY_SIZE(cmd->options) + 1] = { { 0 } };
	unsigned int i, n = 0;
	int c;

	for (i = 0; i < ARRAY_SIZE(cmd->options) && cmd->options[i].name; i++) {
		longopts[n].name = cmd->options[i].name;
		longopts[n].has_arg = no_argument;
		longopts[n].flag = cmd->options[i].flag;
		longopts[n].val = 1;
		n++;
	}
	longopts[n].name = "help";
	longopts[n].val = 'h';
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			command_usage(cmd, stdout);
			return -2;
		}
		if (c == '?') {
			usage_error(cmd, "%s: not an option of %s",
				    argv[optind - 1], cmd->name);
			return -1;
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	int first;

	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc > 2 && !strcmp(argv[1], "help")) {
			cmd = find_command(argv[2]);
			if (cmd) {
				command_usage(cmd, stdout);
				return EXIT_READY;
			}
		}
		main_help(stdout);
		return argc > 2 ? EXIT_USAGE : EXIT_READY;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "passthru: %s: no such command\n", argv[1]);
		main_help(stderr);
		return EXIT_USAGE;
	}
	first = parse_options(cmd, argc - 1, argv + 1);
	if (first == -2)
		return EXIT_READY;
	if (first < 0)
		return EXIT_USAGE;
	return cmd->run(cmd, argc - 1 - first, argv + 1 + first);
}
