// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl dmesg [-c]: the hypervisor's message ring (WARD_CTL_console_read),
 * as xl dmesg prints Xen's; -c clears it after reading, as xl dmesg -c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wardctl.h"

#define FLAG_CLEAR	(1u << 0)	/* -c */

int cmd_dmesg(int argc, char **argv)
{
	struct ward_ctl ctl = { .cmd = WARD_CTL_console_read };
	unsigned int flags = 0;
	char *buf;
	int fd, i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] != 'c' || argv[i][2]) {
			pr_err("dmesg: unexpected argument '%s' (only -c)", argv[i]);
			return 2;
		}
		flags |= FLAG_CLEAR;
	}
	fd = ctl_open();
	if (fd < 0)
		return 1;
	buf = malloc(WARD_CTL_CONSOLE_RING);
	if (!buf)
		return 1;
	ctl.u.console_read.buf = (uintptr_t)buf;
	ctl.u.console_read.len = WARD_CTL_CONSOLE_RING;
	if (flags & FLAG_CLEAR)
		ctl.u.console_read.flags = WARD_CTL_CONSOLE_clear;
	if (ctl_call(fd, &ctl, "dmesg")) {
		free(buf);
		return 1;
	}
	fwrite(buf, 1, ctl.u.console_read.len, stdout);
	free(buf);
	return 0;
}
