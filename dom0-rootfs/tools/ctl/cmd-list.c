// SPDX-License-Identifier: GPL-2.0-only
/* wardctl list: every domain, in xl list's format. */
#include <stdlib.h>

#include "xs.h"
#include "wardctl.h"

int cmd_list(int argc, char **argv)
{
	struct dom_entry *doms;
	struct xs_handle *xs;
	unsigned int nr, i;
	char line[160];
	int fd;

	if (argc > 1) {
		pr_err("list: unexpected argument '%s'", argv[1]);
		return 2;
	}
	fd = ctl_open();
	if (fd < 0)
		return 1;
	/* Without xenstored the list still works, without names. */
	xs = xs_open(NULL);
	if (dom_list(fd, xs, &doms, &nr))
		return 1;
	fputs(dominfo_header(), stdout);
	for (i = 0; i < nr; i++) {
		dominfo_format(&doms[i], line, sizeof(line));
		fputs(line, stdout);
	}
	free(doms);
	if (xs)
		xs_close(xs);
	return 0;
}
