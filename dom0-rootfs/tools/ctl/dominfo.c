// SPDX-License-Identifier: GPL-2.0-only
/*
 * Formatting of "wardctl list" with the columns of xl list: name, domid,
 * memory in MiB, vCPUs, state letters and CPU seconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/sched.h>
#include "dominfo.h"

#define NS_PER_SEC	1000000000.0

const char *dominfo_header(void)
{
	return "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";
}

void dominfo_state(const struct ward_dominfo *info, char *buf)
{
	uint32_t f = info->flags;
	bool down = f & WARD_DOMINF_shutdown;
	bool crashed = down && info->shutdown_reason == SHUTDOWN_crash;

	buf[0] = (f & WARD_DOMINF_running) ? 'r' : '-';
	buf[1] = (f & WARD_DOMINF_blocked) ? 'b' : '-';
	buf[2] = (f & WARD_DOMINF_paused) ? 'p' : '-';
	buf[3] = (down && !crashed) ? 's' : '-';
	buf[4] = crashed ? 'c' : '-';
	buf[5] = (f & WARD_DOMINF_dying) ? 'd' : '-';
	buf[6] = '\0';
}

void dominfo_format(const struct dom_entry *d, char *buf, size_t len)
{
	const struct ward_dominfo *i = &d->info;
	char state[7];
	char unnamed[24];
	const char *name = d->name;

	if (!name[0]) {
		snprintf(unnamed, sizeof(unnamed), "(domain %" PRIu32 ")", i->domid);
		name = unnamed;
	}
	dominfo_state(i, state);
	snprintf(buf, len, "%-40s %5" PRIu32 " %5" PRIu64 " %5" PRIu32 "     %s %8.1f\n",
		 name, i->domid, i->tot_pages * PAGE_KB / 1024, i->nr_vcpus,
		 state, (double)i->cpu_time_ns / NS_PER_SEC);
}

int dominfo_lookup(const struct dom_entry *doms, unsigned int nr,
		   const char *arg)
{
	unsigned int i;
	char *end;
	unsigned long id;

	if (!arg || !*arg)
		return -EINVAL;
	/* Names are never all digits (config_validate), so this is unambiguous. */
	id = strtoul(arg, &end, 10);
	if (*end == '\0' && arg[0] >= '0' && arg[0] <= '9') {
		for (i = 0; i < nr; i++)
			if (doms[i].info.domid == id)
				return i;
		return -ENOENT;
	}
	for (i = 0; i < nr; i++)
		if (!strcmp(doms[i].name, arg))
			return i;
	return -ENOENT;
}
