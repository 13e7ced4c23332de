/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Whether a new domain may have a disk that live domains already use, by
 * xl's rules: a disk one domain uses read-write is refused to every other
 * domain, a read-only disk may be shared only with other read-only users,
 * and access 'w!' (force) skips the check. Pure: the caller collects what
 * the live domains use (their vbd backends in xenstore) and identifies
 * every disk by what it is on the machine, not by how its path is spelt.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/*
 * What a disk is: an image file (its st_dev and st_ino; both 0 for a
 * block device) and the block device blkback opens (the target itself, or
 * the loop device over the file; 0 if not known yet).
 */
struct disk_id {
	uint64_t dev, ino;
	uint64_t rdev;
};

/* A disk a live domain has now. */
struct disk_use {
	struct disk_id id;
	uint32_t domid;
	char name[CFG_NAME_MAX];	/* the domain's; "" if it has none */
	char vdev[16];			/* as the domain sees it, "" if unknown */
	bool writable;
};

/* true if @a and @b are the same file or the same block device. */
bool disk_same(const struct disk_id *a, const struct disk_id *b);

/*
 * The index in @uses of the first use that forbids giving @want (with its
 * writable and force flags) as the disk @id to another domain, or -1 if
 * none does. Uses by the new domain itself are not in @uses.
 */
int disk_conflict(const struct disk_use *uses, unsigned int nr,
		  const struct disk_id *id, const struct cfg_disk *want);

/*
 * The one-line refusal (without "FILE:LINE: ") for @want against @use,
 * saying what to do instead.
 */
void disk_conflict_msg(const struct disk_use *use, const struct cfg_disk *want,
		       char *buf, size_t len);
