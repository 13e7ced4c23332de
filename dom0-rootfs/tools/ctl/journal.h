/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an unfinished create holds, written down as it is acquired, so
 * that "wardctl cleanup" can give it back if create was killed outright
 * (SIGKILL, dom0's OOM killer) before it could undo anything itself. One
 * file per create, /run/ward/create-PID.journal, one line per thing:
 *   loop /dev/loop3 DEV INO        a loop device over the file DEV:INO
 *   domain 5 CONSOLE_MFN STORE_MFN the domain it built
 * The numbers tell a stale entry from a newcomer that reuses the loop
 * device or the domid. Create removes its journal when it finishes,
 * whether it succeeded or undid itself. Pure: text in, struct out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct journal_loop {
	char node[32];
	uint64_t dev, ino;
};

struct journal {
	struct journal_loop loops[CFG_MAX_DISKS];
	unsigned int nr_loops;
	bool has_domain;
	uint32_t domid;
	uint64_t console_mfn, store_mfn;
};

/* The lines, with their newline. */
void journal_format_loop(char *buf, size_t len, const char *node,
			 uint64_t dev, uint64_t ino);
void journal_format_domain(char *buf, size_t len, uint32_t domid,
			   uint64_t console_mfn, uint64_t store_mfn);

/*
 * Parse a journal's text into @j. Lines it does not understand are
 * skipped (a line cut short by a kill is the last one). Returns how many
 * lines were skipped.
 */
unsigned int journal_parse(const char *text, struct journal *j);

/*
 * The number in a /run/ward file name "PREFIX-N.SUFFIX" ("console-3.pid",
 * "create-212.journal"), or -1 if @name is not PREFIX-digits.SUFFIX.
 */
long journal_name_number(const char *name, const char *prefix,
			 const char *suffix);
