// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O half of the disk-in-use check (disk-use.h): what each live
 * domain's vbd backends say it has (params, mode, node, physical-device),
 * with each disk identified as the machine sees it: the file behind a
 * loop device as the loop driver reports it, a block device by number.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "xs.h"
#include "disk-use.h"
#include "wardctl.h"

int disk_identify(const char *path, struct disk_id *id)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		id->rdev = st.st_rdev;
	} else {
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	}
	return 0;
}

int disk_backing(const struct cfg_disk *d, char *node, size_t len,
		 unsigned int *major, unsigned int *minor, bool *loop)
{
	struct stat st;

	*loop = false;
	if (stat(d->target, &st) < 0) {
		pr_err("disk %s: %s", d->target, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		snprintf(node, len, "%s", d->target);
	} else {
		if (loop_attach(d->target, !d->writable, node, len))
			return -1;
		*loop = true;
		if (stat(node, &st) < 0 || !S_ISBLK(st.st_mode)) {
			pr_err("disk %s: %s is not a block device", d->target, node);
			loop_detach(node);
			*loop = false;
			return -1;
		}
	}
	*major = major(st.st_rdev);
	*minor = minor(st.st_rdev);
	return 0;
}

/* One backend dir .../backend/vbd/D/V into @u; false if it names no disk. */
static bool read_use(struct xs_handle *xs, const char *dir, struct disk_use *u)
{
	char path[XS_PATH_MAX + 32], val[CFG_PATH_MAX];
	unsigned int maj, min;

	snprintf(path, sizeof(path), "%s/mode", dir);
	u->writable = store_read(xs, path, val, sizeof(val)) == 0 &&
		      strchr(val, 'w');
	snprintf(path, sizeof(path), "%s/dev", dir);
	if (store_read(xs, path, u->vdev, sizeof(u->vdev)))
		u->vdev[0] = '\0';
	/* What blkback opens: the loop device, or the target block device. */
	snprintf(path, sizeof(path), "%s/physical-device", dir);
	if (store_read(xs, path, val, sizeof(val)) == 0 &&
	    sscanf(val, "%x:%x", &maj, &min) == 2)
		u->id.rdev = makedev(maj, min);
	/* The file behind it: the loop driver knows even if params moved. */
	snprintf(path, sizeof(path), "%s/node", dir);
	if (store_read(xs, path, val, sizeof(val)) == 0 &&
	    !strncmp(val, "/dev/loop", 9) &&
	    loop_backing(val, &u->id.dev, &u->id.ino) == 0)
		return true;
	snprintf(path, sizeof(path), "%s/params", dir);
	if (store_read(xs, path, val, sizeof(val)) == 0) {
		struct disk_id p;

		if (disk_identify(val, &p) == 0 && p.ino) {
			u->id.dev = p.dev;
			u->id.ino = p.ino;
		}
	}
	return u->id.rdev || u->id.ino;
}

int dom_disk_uses(struct xs_handle *xs, const struct dom_entry *doms,
		  unsigned int nr, struct disk_use **uses, unsigned int *nr_uses)
{
	struct disk_use *all = NULL, *grown;
	char base[XS_PATH_MAX], dir[XS_PATH_MAX + 16];
	unsigned int n = 0, i, j, nv;
	char **vbds;

	for (i = 0; i < nr; i++) {
		if (doms[i].info.domid == 0)
			continue;
		layout_backend_dir("vbd", doms[i].info.domid, base, sizeof(base));
		if (xs_directory(xs, XS_NO_TX, base, &vbds, &nv))
			continue;	/* no disks */
		grown = realloc(all, (n + nv + 1) * sizeof(*all));
		if (!grown) {
			free(vbds);
			free(all);
			return -ENOMEM;
		}
		all = grown;
		for (j = 0; j < nv; j++) {
			struct disk_use *u = &all[n];

			memset(u, 0, sizeof(*u));
			u->domid = doms[i].info.domid;
			snprintf(u->name, sizeof(u->name), "%s", doms[i].name);
			snprintf(dir, sizeof(dir), "%s/%s", base, vbds[j]);
			if (read_use(xs, dir, u))
				n++;
		}
		free(vbds);
	}
	*uses = all;
	*nr_uses = n;
	return 0;
}
