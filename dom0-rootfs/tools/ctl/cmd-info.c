// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl info: the machine and the hypervisor, in xl info's "key : value"
 * lines (the subset Ward can answer). Hypervisor facts come from
 * WARD_CTL_physinfo and from /sys/hypervisor, which dom0's kernel fills
 * from xen_version.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "wardctl.h"

#define SYS_HV		"/sys/hypervisor"
#define KIB_PER_MIB	1024

/* The first line of @path without its newline, or "?" if unreadable. */
static const char *sys_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, (int)len, f)) {
		if (f)
			fclose(f);
		return "?";
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void row(const char *key, const char *value)
{
	printf("%-23s: %s\n", key, value);
}

int cmd_info(int argc, char **argv)
{
	struct ward_ctl phys = { .cmd = WARD_CTL_physinfo };
	const struct ward_ctl_physinfo *p = &phys.u.physinfo;
	char major[32], minor[32], extra[64], caps[256], v[128];
	struct utsname u;
	int fd;

	if (verb_no_args(argc, argv))
		return 2;
	fd = ctl_open();
	if (fd < 0)
		return 1;
	if (ctl_call(fd, &phys, "physinfo"))
		return 1;
	if (uname(&u) == 0) {
		row("host", u.nodename);
		row("release", u.release);
		row("version", u.version);
		row("machine", u.machine);
	}
	snprintf(v, sizeof(v), "%" PRIu32, p->nr_cpus);
	row("nr_cpus", v);
	snprintf(v, sizeof(v), "%" PRIu64, p->cpu_khz / 1000);
	row("cpu_mhz", v);
	snprintf(v, sizeof(v), "%" PRIu64, p->total_pages * PAGE_KB / KIB_PER_MIB);
	row("total_memory", v);
	snprintf(v, sizeof(v), "%" PRIu64, p->free_pages * PAGE_KB / KIB_PER_MIB);
	row("free_memory", v);
	sys_line(SYS_HV "/version/major", major, sizeof(major));
	sys_line(SYS_HV "/version/minor", minor, sizeof(minor));
	sys_line(SYS_HV "/version/extra", extra, sizeof(extra));
	row("xen_major", major);
	row("xen_minor", minor);
	row("xen_extra", extra);
	snprintf(v, sizeof(v), "%s.%s%s", major, minor, strcmp(extra, "?") ? extra : "");
	row("xen_version", v);
	row("xen_caps", sys_line(SYS_HV "/properties/capabilities", caps, sizeof(caps)));
	row("xen_scheduler", "ward (round robin)");
	snprintf(v, sizeof(v), "%u", PAGE_KB * 1024);
	row("xen_pagesize", v);
	return 0;
}
