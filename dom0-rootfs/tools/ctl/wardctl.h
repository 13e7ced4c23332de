/* SPDX-License-Identifier: GPL-2.0-only */
/* wardctl's verbs: each cmd_<verb>(argc, argv) gets argv[0] = the verb. */
#pragma once

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};
