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
	{ "help", cmd_help, "", "show this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: wardctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %-22s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
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
	fprintf(stderr, "wardctl: unknown command '%s' (try 'wardctl help')\n",
		argv[1]);
	return 2;
}
