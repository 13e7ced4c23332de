// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl: Ward's toolstack CLI. One table maps each verb to its handler;
 * each handler lives in cmd-<verb>.c. Verbs and output follow xl's habits.
 * "wardctl VERB -h" prints the verb's line of the table, so no handler
 * needs its own help.
 */
#include <stdio.h>
#include <string.h>

#include "wardctl.h"

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "create", cmd_create, "FILE [-c] [-n]", "create a domain from a config file, looked for in /etc/ward too (-c: attach its console; -n: no xenstore, console only)" },
	{ "list", cmd_list, "[-l] [NAME|ID...]", "list domains, or only those named (-l: as JSON, like xl list -l)" },
	{ "console", cmd_console, "NAME|ID", "attach to a domain's console (Ctrl-] detaches)" },
	{ "shutdown", cmd_shutdown, "NAME|ID [-w]", "ask a domain to power off (-w: wait, then clean up)" },
	{ "reboot", cmd_reboot, "NAME|ID", "ask a domain to reboot (its on_reboot says what follows)" },
	{ "destroy", cmd_destroy, "NAME|ID", "kill a domain at once and clean up after it (also what a gone domain left)" },
	{ "cleanup", cmd_cleanup, "", "remove what gone domains and killed creates left behind" },
	{ "pause", cmd_pause, "NAME|ID", "stop a domain's vCPUs" },
	{ "unpause", cmd_unpause, "NAME|ID", "let a paused domain run again" },
	{ "domid", cmd_domid, "NAME", "print a domain's id" },
	{ "domname", cmd_domname, "ID", "print a domain's name" },
	{ "rename", cmd_rename, "NAME|ID NEWNAME", "give a domain another name" },
	{ "uptime", cmd_uptime, "[NAME|ID...]", "how long each domain has run, as xl uptime" },
	{ "sysrq", cmd_sysrq, "NAME|ID KEY", "send a magic SysRq key to a domain (xenstore control/sysrq)" },
	{ "mem-set", cmd_mem_set, "NAME|ID MEM", "ask a domain's balloon driver to hold MEM (xl units: 256m, 1g; none: MiB) and wait for it" },
	{ "mem-max", cmd_mem_max, "NAME|ID MEM", "the most memory a domain may balloon up to (within its maxmem)" },
	{ "block-attach", cmd_block_attach, "NAME|ID SPEC", "give a running domain another disk (an xl disk spec: 'file:/img,xvdb,w'), by create's disk-in-use rules" },
	{ "block-detach", cmd_block_detach, "NAME|ID DEV", "take a disk away from a running domain (DEV: xvdb, or its number 51728)" },
	{ "block-list", cmd_block_list, "NAME|ID", "a domain's disks, as xl block-list" },
	{ "network-attach", cmd_network_attach, "NAME|ID [SPEC...]", "give a running domain another vif (xl's spec: mac=..., bridge=...)" },
	{ "network-detach", cmd_network_detach, "NAME|ID DEVID|MAC", "take a vif away from a running domain" },
	{ "network-list", cmd_network_list, "NAME|ID", "a domain's vifs, as xl network-list" },
	{ "dmesg", cmd_dmesg, "[-c]", "the hypervisor's message ring (-c: then clear it)" },
	{ "info", cmd_info, "", "the machine and the hypervisor, as xl info" },
	{ "help", cmd_help, "", "show this help" },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: wardctl COMMAND [ARGS]   (wardctl COMMAND -h: its help)\n\ncommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-14s %-18s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
}

static int cmd_help(int argc, char **argv)
{
	if (verb_no_args(argc, argv))
		return 2;
	usage(stdout);
	return 0;
}

/* true if @argv[1..argc) asks for help. */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const struct command *c;
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		c = &commands[i];
		if (strcmp(argv[1], c->name))
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			printf("usage: wardctl %s %s\n  %s\n", c->name, c->args, c->help);
			return 0;
		}
		return c->fn(argc - 1, argv + 1);
	}
	pr_err("unknown command '%s' (try 'wardctl help')", argv[1]);
	return 2;
}
