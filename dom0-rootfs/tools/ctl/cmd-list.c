// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl list [-l] [NAME|ID...] and uptime [NAME|ID...]: every domain,
 * or those named, in xl list's and xl uptime's formats; list -l as JSON
 * in xl's shape (dominfo.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xs.h"
#include "wardctl.h"

#define FLAG_LONG	(1u << 0)	/* list -l */

/*
 * Parse flags from @letters and any number of NAME|ID; open privcmd and
 * (if it runs: names) xenstore; list the domains and keep only those
 * named (all if none is), in the order named. 0, 2 for a usage error, 1
 * for an unknown domain or no hypervisor (printed).
 */
static int select_doms(int argc, char **argv, const char *letters,
		       unsigned int *flags, struct xs_handle **xsp,
		       struct dom_entry **sel, unsigned int *nsel)
{
	struct xs_handle *xs;
	int fd;
	struct dom_entry *doms, *out;
	unsigned int nr, n = 0;
	const char *hit;
	int i, k;

	*flags = 0;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			continue;
		hit = argv[i][1] && !argv[i][2] ? strchr(letters, argv[i][1]) : NULL;
		if (!hit) {
			pr_err("%s: unknown option '%s'", argv[0], argv[i]);
			return 2;
		}
		*flags |= 1u << (hit - letters);
	}
	fd = ctl_open();
	if (fd < 0)
		return 1;
	/* Without xenstored the list still works, without names. */
	*xsp = xs = xs_open(NULL);
	if (dom_list(fd, xs, &doms, &nr))
		return 1;
	out = calloc(argc + nr, sizeof(*out));
	if (!out) {
		free(doms);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		k = dominfo_lookup(doms, nr, argv[i]);
		if (k < 0) {
			pr_err("%s: no domain '%s' (see wardctl list)", argv[0], argv[i]);
			free(out);
			free(doms);
			return 1;
		}
		out[n++] = doms[k];
	}
	if (n == 0) {
		memcpy(out, doms, nr * sizeof(*out));
		n = nr;
	}
	free(doms);
	*sel = out;
	*nsel = n;
	return 0;
}

static unsigned long long read_num(struct xs_handle *xs, const char *path)
{
	char val[32];

	return store_read(xs, path, val, sizeof(val)) ? 0 : strtoull(val, NULL, 10);
}

/* Backend dir @type of @domid: the children's names, or 0 of them. */
static unsigned int backends(struct xs_handle *xs, const char *type,
			     uint32_t domid, char *dir, size_t len, char ***names)
{
	unsigned int n;

	layout_backend_dir(type, domid, dir, len);
	if (!xs || xs_directory(xs, XS_NO_TX, dir, names, &n)) {
		*names = NULL;
		return 0;
	}
	return n;
}

/* What xenstore says about @d->e's memory, disks and vifs. */
static void detail(struct xs_handle *xs, struct dom_detail *d)
{
	char dir[XS_PATH_MAX], path[XS_PATH_MAX + 64], mode[8];
	uint32_t id = d->e.info.domid;
	unsigned int n, i;
	char **names;

	if (!xs || id == 0)
		return;
	layout_home(id, path, sizeof(path));
	strcat(path, "/memory/target");
	d->target_kb = read_num(xs, path);
	layout_home(id, path, sizeof(path));
	strcat(path, "/memory/static-max");
	d->max_kb = read_num(xs, path);

	n = backends(xs, "vbd", id, dir, sizeof(dir), &names);
	for (i = 0; i < n && d->nr_disks < CFG_MAX_DISKS; i++) {
		struct dom_disk_info *k = &d->disks[d->nr_disks++];

		snprintf(path, sizeof(path), "%s/%s/params", dir, names[i]);
		store_read(xs, path, k->target, sizeof(k->target));
		snprintf(path, sizeof(path), "%s/%s/dev", dir, names[i]);
		store_read(xs, path, k->vdev, sizeof(k->vdev));
		snprintf(path, sizeof(path), "%s/%s/mode", dir, names[i]);
		k->writable = store_read(xs, path, mode, sizeof(mode)) == 0 &&
			      strchr(mode, 'w');
	}
	free(names);
	n = backends(xs, "vif", id, dir, sizeof(dir), &names);
	for (i = 0; i < n && d->nr_nics < CFG_MAX_VIFS; i++) {
		struct dom_nic_info *v = &d->nics[d->nr_nics++];

		snprintf(path, sizeof(path), "%s/%s/mac", dir, names[i]);
		store_read(xs, path, v->mac, sizeof(v->mac));
		snprintf(path, sizeof(path), "%s/%s/bridge", dir, names[i]);
		store_read(xs, path, v->bridge, sizeof(v->bridge));
	}
	free(names);
}

static int list_long(struct xs_handle *xs, const struct dom_entry *sel,
		     unsigned int n)
{
	struct dom_detail *d = calloc(n + 1, sizeof(*d));
	unsigned int i;

	if (!d)
		return 1;
	for (i = 0; i < n; i++) {
		d[i].e = sel[i];
		detail(xs, &d[i]);
	}
	dominfo_json(stdout, d, n);
	free(d);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct dom_entry *sel;
	struct xs_handle *xs;
	unsigned int n, i, flags;
	char line[160];
	int rc;

	rc = select_doms(argc, argv, "l", &flags, &xs, &sel, &n);
	if (rc)
		return rc;
	if (flags & FLAG_LONG) {
		rc = list_long(xs, sel, n);
	} else {
		fputs(dominfo_header(), stdout);
		for (i = 0; i < n; i++) {
			dominfo_format(&sel[i], line, sizeof(line));
			fputs(line, stdout);
		}
	}
	free(sel);
	if (xs)
		xs_close(xs);
	return rc;
}

/* Seconds since create wrote start_time (dom0: since dom0 booted). */
static bool uptime_of(struct xs_handle *xs, uint32_t domid, uint64_t *secs)
{
	char path[64], val[32], now[32];
	double start;

	clock_start_time(now, sizeof(now));
	if (domid == 0) {
		*secs = (uint64_t)strtod(now, NULL);
		return true;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/start_time", domid);
	if (!xs || store_read(xs, path, val, sizeof(val)) || !val[0])
		return false;
	start = strtod(val, NULL);
	*secs = strtod(now, NULL) > start ? (uint64_t)(strtod(now, NULL) - start) : 0;
	return true;
}

int cmd_uptime(int argc, char **argv)
{
	struct dom_entry *sel;
	struct xs_handle *xs;
	unsigned int n, i, flags;
	uint64_t secs;
	char line[160];
	int rc;

	rc = select_doms(argc, argv, "", &flags, &xs, &sel, &n);
	if (rc)
		return rc;
	fputs(dominfo_uptime_header(), stdout);
	for (i = 0; i < n; i++) {
		/* create -n domains have no xenstore, so no start time. */
		if (!uptime_of(xs, sel[i].info.domid, &secs))
			continue;
		dominfo_uptime(&sel[i], secs, line, sizeof(line));
		fputs(line, stdout);
	}
	free(sel);
	if (xs)
		xs_close(xs);
	return 0;
}
