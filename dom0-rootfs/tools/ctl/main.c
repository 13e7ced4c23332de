// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl: Ward's toolstack CLI. One table maps each verb to its handler;
 * each handler lives in cmd-<verb>.c. Verbs and output follow xl's habits.
 */
#include <stdio.h>
#include <string.h>

#include "wardctl.h"

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "create", cmd_create, "FILE [-c] [-n]", "create a domain from a config file (-c: attach its console; -n: no xenstore, console only)" },
	{ "list", cmd_list, "", "list domains" },
	{ "console", cmd_console, "NAME|ID", "attach to a domain's console (Ctrl-] detaches)" },
	{ "shutdown", cmd_shutdown, "NAME|ID [-w]", "ask a domain to power off (-w: wait, then clean up)" },
	{ "reboot", cmd_reboot, "NAME|ID", "ask a domain to reboot (its on_reboot says what follows)" },
	{ "destroy", cmd_destroy, "NAME|ID", "kill a domain at once and clean up after it (also what a gone domain left)" },
	{ "cleanup", cmd_cleanup, "", "remove what gone domains and killed creates left behind" },
	{ "pause", cmd_pause, "NAME|ID", "stop a domain's vCPUs" },
	{ "unpause", cmd_unpause, "NAME|ID", "let a paused domain run again" },
	{ "info", cmd_info, "", "the machine and the hypervisor, as xl info" },
	{ "help", cmd_help, "", "show this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: wardctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %-14s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
}

static int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		pr_err("help: unexpected argument '%s'", argv[1]);
		return 2;
	}
	usage(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	pr_err("unknown command '%s' (try 'wardctl help')", argv[1]);
	return 2;
}
