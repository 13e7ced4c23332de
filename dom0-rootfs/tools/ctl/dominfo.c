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
#define SECS_PER_DAY	86400

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

/* The name "list" shows: unnamed domains (create -n) as "(domain N)". */
static const char *shown_name(const struct dom_entry *d, char *buf, size_t len)
{
	if (d->name[0])
		return d->name;
	snprintf(buf, len, "(domain %" PRIu32 ")", d->info.domid);
	return buf;
}

void dominfo_format(const struct dom_entry *d, char *buf, size_t len)
{
	const struct ward_dominfo *i = &d->info;
	char state[7];
	char unnamed[24];
	const char *name = shown_name(d, unnamed, sizeof(unnamed));

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

/* Name in 32 columns, the id in 5, then the uptime: one format for both. */
#define UPTIME_FMT	"%-32s %5s %s\n"

const char *dominfo_uptime_header(void)
{
	static char header[64];

	snprintf(header, sizeof(header), UPTIME_FMT, "Name", "ID", "Uptime");
	return header;
}

void dominfo_uptime(const struct dom_entry *d, uint64_t secs, char *buf,
		    size_t len)
{
	uint64_t days = secs / SECS_PER_DAY, rest = secs % SECS_PER_DAY;
	char unnamed[24], id[16], up[64], days_s[32] = "";

	if (days)
		snprintf(days_s, sizeof(days_s), "%" PRIu64 " day%s, ", days,
			 days == 1 ? "" : "s");
	snprintf(id, sizeof(id), "%" PRIu32, d->info.domid);
	snprintf(up, sizeof(up), "%s%2" PRIu64 ":%02" PRIu64 ":%02" PRIu64, days_s,
		 rest / 3600, rest / 60 % 60, rest % 60);
	snprintf(buf, len, UPTIME_FMT, shown_name(d, unnamed, sizeof(unnamed)), id, up);
}

/* @s as a JSON string: quotes, backslashes and control characters escaped. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_disks(FILE *f, const struct dom_detail *d)
{
	unsigned int i;

	fprintf(f, ",\n            \"disks\": [");
	for (i = 0; i < d->nr_disks; i++) {
		fprintf(f, "%s\n                {\n                    \"pdev_path\": ",
			i ? "," : "");
		json_str(f, d->disks[i].target);
		fprintf(f, ",\n                    \"vdev\": ");
		json_str(f, d->disks[i].vdev);
		fprintf(f, ",\n                    \"readwrite\": %d\n                }",
			d->disks[i].writable ? 1 : 0);
	}
	fprintf(f, "%s]", d->nr_disks ? "\n            " : "");
}

static void json_nics(FILE *f, const struct dom_detail *d)
{
	unsigned int i;

	fprintf(f, ",\n            \"nics\": [");
	for (i = 0; i < d->nr_nics; i++) {
		fprintf(f, "%s\n                {\n                    \"devid\": %u,\n                    \"mac\": ",
			i ? "," : "", i);
		json_str(f, d->nics[i].mac);
		fprintf(f, ",\n                    \"bridge\": ");
		json_str(f, d->nics[i].bridge);
		fprintf(f, "\n                }");
	}
	fprintf(f, "%s]", d->nr_nics ? "\n            " : "");
}

void dominfo_json(FILE *f, const struct dom_detail *d, unsigned int nr)
{
	unsigned int i;

	fprintf(f, "[");
	for (i = 0; i < nr; i++) {
		const struct ward_dominfo *in = &d[i].e.info;

		fprintf(f, "%s\n    {\n        \"domid\": %" PRIu32 ",\n        \"config\": {\n",
			i ? "," : "", in->domid);
		fprintf(f, "            \"c_info\": {\n                \"type\": \"pv\",\n                \"name\": ");
		json_str(f, d[i].e.name);
		fprintf(f, "\n            },\n            \"b_info\": {\n                \"max_vcpus\": %" PRIu32,
			in->nr_vcpus);
		if (d[i].max_kb)
			fprintf(f, ",\n                \"max_memkb\": %" PRIu64, d[i].max_kb);
		if (d[i].target_kb)
			fprintf(f, ",\n                \"target_memkb\": %" PRIu64, d[i].target_kb);
		fprintf(f, "\n            }");
		json_disks(f, &d[i]);
		json_nics(f, &d[i]);
		fprintf(f, "\n        }\n    }");
	}
	fprintf(f, "%s]\n", nr ? "\n" : "");
}

/* xl's block-list columns, so that scripts that cut them keep working. */
#define VBD_HEAD_FMT	"%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n"
#define VBD_ROW_FMT	"%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n"

const char *dominfo_vbd_header(void)
{
	static char header[96];

	snprintf(header, sizeof(header), VBD_HEAD_FMT, "Vdev", "BE", "handle",
		 "state", "evt-ch", "ring-ref", "BE-path");
	return header;
}

void dominfo_vbd_format(const struct dom_vbd_row *r, char *buf, size_t len)
{
	snprintf(buf, len, VBD_ROW_FMT, r->vdev, r->backend_id, r->handle,
		 r->state, r->evtchn, r->ring_ref, r->be_path);
}

/* xl's network-list columns. */
#define NIC_HEAD_FMT	"%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n"
#define NIC_ROW_FMT	"%-3d %-2d %-17s %-6d %-5d %-6d %5d/%-5d %-30s\n"

const char *dominfo_nic_header(void)
{
	static char header[128];

	snprintf(header, sizeof(header), NIC_HEAD_FMT, "Idx", "BE", "Mac Addr.",
		 "handle", "state", "evt-ch", "tx-", "rx-ring-ref", "BE-path");
	return header;
}

void dominfo_nic_format(const struct dom_nic_row *r, char *buf, size_t len)
{
	snprintf(buf, len, NIC_ROW_FMT, r->idx, r->backend_id, r->mac, r->handle,
		 r->state, r->evtchn, r->tx_ring_ref, r->rx_ring_ref, r->be_path);
}
