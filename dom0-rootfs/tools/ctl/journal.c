// SPDX-License-Identifier: GPL-2.0-only
/* Create's journal lines and /run/ward file names (journal.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

#define LINE_MAX_LEN	128

void journal_format_loop(char *buf, size_t len, const char *node,
			 uint64_t dev, uint64_t ino)
{
	snprintf(buf, len, "loop %s %" PRIu64 " %" PRIu64 "\n", node, dev, ino);
}

void journal_format_domain(char *buf, size_t len, uint32_t domid,
			   uint64_t console_mfn, uint64_t store_mfn)
{
	snprintf(buf, len, "domain %" PRIu32 " %" PRIu64 " %" PRIu64 "\n", domid,
		 console_mfn, store_mfn);
}

static bool parse_line(const char *line, struct journal *j)
{
	struct journal_loop *l;
	char node[32], extra;

	if (j->nr_loops < CFG_MAX_DISKS) {
		l = &j->loops[j->nr_loops];
		if (sscanf(line, "loop %31s %" SCNu64 " %" SCNu64 " %c", node,
			   &l->dev, &l->ino, &extra) == 3 &&
		    !strncmp(node, "/dev/loop", 9)) {
			snprintf(l->node, sizeof(l->node), "%s", node);
			j->nr_loops++;
			return true;
		}
	}
	if (!j->has_domain &&
	    sscanf(line, "domain %" SCNu32 " %" SCNu64 " %" SCNu64 " %c", &j->domid,
		   &j->console_mfn, &j->store_mfn, &extra) == 3 && j->domid) {
		j->has_domain = true;
		return true;
	}
	return false;
}

unsigned int journal_parse(const char *text, struct journal *j)
{
	char line[LINE_MAX_LEN];
	unsigned int skipped = 0;
	const char *p = text, *nl;
	size_t n;

	memset(j, 0, sizeof(*j));
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		/* No newline: the write was cut short; do not trust it. */
		if (!nl || n >= sizeof(line)) {
			skipped++;
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			if (n && !parse_line(line, j))
				skipped++;
		}
		p += n + (nl ? 1 : 0);
	}
	return skipped;
}

long journal_name_number(const char *name, const char *prefix,
			 const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), nl = strlen(name);
	const char *d;
	long n = 0;

	if (nl <= pl + sl || strncmp(name, prefix, pl) ||
	    strcmp(name + nl - sl, suffix))
		return -1;
	for (d = name + pl; d < name + nl - sl; d++) {
		if (*d < '0' || *d > '9' || n > 100000000)
			return -1;
		n = n * 10 + (*d - '0');
	}
	return n;
}
