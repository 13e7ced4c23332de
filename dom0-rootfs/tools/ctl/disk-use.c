// SPDX-License-Identifier: GPL-2.0-only
/*
 * The disk-in-use rules (disk-use.h). Only the requester's access counts
 * for the force marker: a domain that took a disk with 'w!' still keeps
 * a later plain 'r' or 'w' user out, as xl does.
 */
#include <inttypes.h>
#include <stdio.h>

#include "disk-use.h"

bool disk_same(const struct disk_id *a, const struct disk_id *b)
{
	if (a->ino && a->dev == b->dev && a->ino == b->ino)
		return true;
	return a->rdev && a->rdev == b->rdev;
}

int disk_conflict(const struct disk_use *uses, unsigned int nr,
		  const struct disk_id *id, const struct cfg_disk *want)
{
	unsigned int i;

	if (want->force)
		return -1;
	for (i = 0; i < nr; i++) {
		if (!disk_same(&uses[i].id, id))
			continue;
		if (want->writable || uses[i].writable)
			return (int)i;
	}
	return -1;
}

void disk_conflict_msg(const struct disk_use *use, const struct cfg_disk *want,
		       char *buf, size_t len)
{
	const char *todo;
	char who[CFG_NAME_MAX + 32];

	if (use->name[0])
		snprintf(who, sizeof(who), "domain %s (id %" PRIu32 ")",
			 use->name, use->domid);
	else
		snprintf(who, sizeof(who), "domain %" PRIu32, use->domid);

	if (!want->writable)
		todo = "a read-only disk shares only with read-only users: shut that domain down first";
	else if (use->writable)
		todo = "shut that domain down first, or give access 'w!' to share it anyway (two writers corrupt a normal filesystem)";
	else
		todo = "make this one read-only too ('r'), shut that domain down first, or give access 'w!' to share it anyway";
	snprintf(buf, len, "disk %s: %s has it %s%s%s; %s", want->target, who,
		 use->writable ? "read-write" : "read-only",
		 use->vdev[0] ? " as " : "", use->vdev, todo);
}
